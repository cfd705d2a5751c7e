"""A lesson's pages, rendered once per lesson version rather than on every page press."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime

from bot.views.markdown import render_pages

# Enough for every lesson of a large course; a page press of an evicted one renders it again.
CACHE_SIZE = 512

_cache: OrderedDict[tuple[int, datetime], tuple[str, ...]] = OrderedDict()


def lesson_pages(lesson_id: int, version: datetime, content: str) -> tuple[str, ...]:
    """The lesson's HTML pages (at least one, possibly empty). `version` is the lesson's
    updated_at, so an edited lesson is rendered afresh."""
    key = (lesson_id, version)
    pages = _cache.get(key)
    if pages is not None:
        _cache.move_to_end(key)
        return pages
    pages = tuple(render_pages(content)) or ("",)
    _cache[key] = pages
    if len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return pages
