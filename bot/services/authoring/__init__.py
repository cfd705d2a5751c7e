"""Authoring the course from the chat: the admin's modules, lessons and exercises, drafts
included. Values are checked by the content model a course file is checked by
(bot/services/content/fields.py); every write
tells this process's learner catalog to reload at once; other processes' catalogs see the
content version the database's triggers move, within their refresh bound.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.catalog import CATALOG_KEY, CatalogCache


def content_changed(session: AsyncSession) -> None:
    cache = session.info.get(CATALOG_KEY)
    if isinstance(cache, CatalogCache):
        cache.forget()
