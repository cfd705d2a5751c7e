"""One unit of work per service call: the only place in the services that commits or rolls back.

A public service function decorated with `@unit_of_work` commits when it returns and anything was
written, rolls back when it raises or only read, and so always ends its transaction before the
handler talks to Telegram: a transaction left open across that call would hold SQLite's write
lock (transactions there begin IMMEDIATE) and MySQL row locks and snapshots for as long as
Telegram takes to answer. A unit of work called inside another joins it.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import wrote

P = ParamSpec("P")
R = TypeVar("R")

_DEPTH = "unit_of_work_depth"


def unit_of_work(
    fn: Callable[Concatenate[AsyncSession, P], Awaitable[R]],
) -> Callable[Concatenate[AsyncSession, P], Awaitable[R]]:
    @functools.wraps(fn)
    async def wrapper(session: AsyncSession, /, *args: P.args, **kwargs: P.kwargs) -> R:
        depth = session.info.get(_DEPTH, 0)
        session.info[_DEPTH] = depth + 1
        try:
            result = await fn(session, *args, **kwargs)
        except BaseException:
            session.info[_DEPTH] = depth
            if depth == 0:
                await session.rollback()
            raise
        session.info[_DEPTH] = depth
        if depth == 0 and session.in_transaction():
            if wrote(session):
                await session.commit()
            else:
                await session.rollback()
        return result

    return wrapper
