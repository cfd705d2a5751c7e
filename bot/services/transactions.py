"""Ending read-only units of work.

A handler talks to Telegram after its service returns. A transaction left open across that call
would hold SQLite's write lock (transactions there begin IMMEDIATE) and MySQL snapshots for
as long as Telegram takes to answer, so services that only read end theirs before returning.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

P = ParamSpec("P")
R = TypeVar("R")


def read_only(
    fn: Callable[Concatenate[AsyncSession, P], Awaitable[R]],
) -> Callable[Concatenate[AsyncSession, P], Awaitable[R]]:
    @functools.wraps(fn)
    async def wrapper(session: AsyncSession, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await fn(session, *args, **kwargs)
        finally:
            # Nothing was written: rolling back just releases locks and the snapshot.
            await session.rollback()

    return wrapper
