"""A lesson's pages, rendered once per lesson text rather than on every page press."""

from __future__ import annotations

from collections import OrderedDict

from bot.views.markdown import render_pages

# Enough for every lesson of a large course; a page press of an evicted one renders it again.
CACHE_SIZE = 512

_cache: OrderedDict[tuple[int, str], tuple[str, ...]] = OrderedDict()


def lesson_pages(lesson_id: int, content: str) -> tuple[str, ...]:
    """The lesson's HTML pages (at least one, possibly empty). Keyed by the text itself, so an
    edited lesson is rendered afresh however it was edited (no stamp to trust); the catalog
    hands out the same string object until it reloads, whose hash Python keeps."""
    key = (lesson_id, content)
    pages = _cache.get(key)
    if pages is not None:
        _cache.move_to_end(key)
        return pages
    pages = tuple(render_pages(content)) or ("",)
    _cache[key] = pages
    if len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return pages
