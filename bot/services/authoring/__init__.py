"""Authoring the course from the chat: the admin's modules, lessons and exercises, drafts
included. Values are checked by the content model a course file is checked by
(bot/services/content/fields.py); every write
tells this process's learner catalog to reload at once; other processes' catalogs see the
content version the database's triggers move, within their refresh bound.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.content.fields import first_free
from bot.services.context import Context
from db.models import Lesson, Module

T = TypeVar("T")

# Slugs tried when other admins keep taking the free one first: more is a real conflict.
SLUG_TRIES = 5


def content_changed(ctx: Context) -> None:
    ctx.catalog.forget()


async def saved_if_changed(session: AsyncSession, ctx: Context, row: object) -> bool:
    """Write `row` (a new one, or one edited in this unit) and reload the catalog, unless it is
    as stored: an edit with Keep pressed at every step writes, reloads and logs nothing."""
    if not session.is_modified(row):
        return False
    await session.flush()
    content_changed(ctx)
    return True


def checked_unless_kept(now: T, given: T, check: Callable[[T], T]) -> T:
    """`given` as `check` cleans it, or the stored value `now` as it is when `given` is that
    value: an edit's Keep gives it back, and a course file may have stored it beyond the chat's
    rules (a lesson's text longer than a message, or ending in a line break)."""
    return now if given == now else check(given)


async def add_with_free_slug(
    session: AsyncSession, row: Module | Lesson, base: str, taken: Collection[str]
) -> None:
    """Insert `row` under the first slug made from `base` that `taken` does not hold. Another
    admin may insert that slug between the read of `taken` and this insert: the unique key
    refuses the second, which then takes the next one. Each try is a savepoint, so a refused
    one leaves the unit's transaction as it was."""
    refused: set[str] = set()
    while True:
        row.slug = first_free(base, {*taken, *refused})
        try:
            async with session.begin_nested():
                session.add(row)
                await session.flush()
            return
        except IntegrityError:
            refused.add(row.slug)
            if len(refused) >= SLUG_TRIES:
                raise
