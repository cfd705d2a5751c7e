"""Authoring the course from the chat: the admin's modules, lessons and exercises, drafts
included. Values are checked by the rules the course file uses (values.py); every write
tells this process's learner catalog to reload, and moves `updated_at` or a row count, which
the catalog's fingerprint reads, so other processes' learners see it too.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.catalog import CATALOG_KEY, CatalogCache


def content_changed(session: AsyncSession) -> None:
    cache = session.info.get(CATALOG_KEY)
    if isinstance(cache, CatalogCache):
        cache.forget()
