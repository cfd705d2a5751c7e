"""Authoring the course from the chat: the admin's modules, lessons and exercises, drafts
included. Values are checked by the content model a course file is checked by
(bot/services/content/fields.py); every write
tells this process's learner catalog to reload at once; other processes' catalogs see the
content version the database's triggers move, within their refresh bound.
"""

from __future__ import annotations

from bot.services.context import Context


def content_changed(ctx: Context) -> None:
    ctx.catalog.forget()
