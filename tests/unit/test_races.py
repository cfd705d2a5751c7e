"""Writes that can race (first open, double taps, two bot instances) never raise and never make
a second row.

Each of the 50 tasks has its own session, so its own connection and transaction, and barriers
make them reach the database together. `asyncio.gather` runs without return_exceptions, so any
exception escaping any task fails the test.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.services.authoring import modules as authoring_modules
from bot.services.context import Context
from db.clock import Clock
from db.models import User, UserAchievement, UserProgress
from db.repositories import achievements, progress, users
from db.repositories import authoring as authoring_repo
from db.repositories.users import TelegramProfile
from tests.support.factories import count, create_course, create_user

Sessions = async_sessionmaker[AsyncSession]
T = TypeVar("T")

TASKS = 50
# On MySQL, how many tasks open their transaction and then start together: at most what the
# default pool lends at once (5 + 10), or the ones holding connections would starve the rest.
GROUP = 10


async def _race(
    engine: AsyncEngine, sessionmaker: Sessions, call: Callable[[AsyncSession, int], Awaitable[T]]
) -> list[T]:
    """Run `call(session, n)` in TASKS concurrent tasks, each committing its own session.

    On MySQL the first GROUP tasks to get a connection open their transaction and wait for one
    another, so their statements really overlap while the row does not exist yet (opening a
    connection takes longer than a whole get-or-create, so tasks started together but not
    synchronised after connecting would mostly run one after another); the rest follow as
    connections come free. SQLite lets one writer in at a time (the engine begins every
    transaction IMMEDIATE), so a task holding a transaction there would block all others:
    its tasks all start together before connecting and then queue for the write lock.
    """
    connect_first = engine.dialect.name != "sqlite"
    group = GROUP if connect_first else TASKS
    arrived = 0
    go = asyncio.Event()

    async def one(n: int) -> T:
        nonlocal arrived
        async with sessionmaker() as session:
            if connect_first:
                await session.connection()
            arrived += 1
            if arrived == group:
                go.set()
            if arrived <= group:
                await go.wait()
            result = await call(session, n)
            await session.commit()
            return result

    return await asyncio.gather(*(one(n) for n in range(TASKS)))


async def test_concurrent_first_opens_make_one_progress_row(
    sessionmaker: Sessions, engine: AsyncEngine, clock: Clock
) -> None:
    course = await create_course(engine)
    user_id = await create_user(engine, 42)

    async def open_lesson(session: AsyncSession, _n: int) -> int:
        # What a first open does: lock the learner, read, create the row when it is missing.
        state = await progress.lesson_state(session, user_id, course.lesson_id, course.module_id)
        if state.progress.id is None:
            await progress.save_progress(session, state.progress, now=clock.now())
        assert state.progress.id is not None
        return state.progress.id

    ids = await _race(engine, sessionmaker, open_lesson)

    assert len(ids) == TASKS
    assert len(set(ids)) == 1
    assert await count(engine, UserProgress) == 1


async def test_concurrent_register_makes_one_user(
    sessionmaker: Sessions, engine: AsyncEngine, clock: Clock
) -> None:
    async def start(session: AsyncSession, n: int) -> int:
        user = await users.register_or_refresh(
            session, TelegramProfile(42, f"name{n}"), now=clock.now()
        )
        return user.id

    ids = await _race(engine, sessionmaker, start)

    assert len(ids) == TASKS
    assert len(set(ids)) == 1
    assert await count(engine, User) == 1
    async with sessionmaker() as session:
        user = await users.get_by_telegram_id(session, 42)
    assert user is not None
    # Whichever call wrote last, the row holds one of the profiles that were sent.
    assert user.username in {f"name{n}" for n in range(TASKS)}


async def test_concurrent_award_is_granted_exactly_once(
    sessionmaker: Sessions, engine: AsyncEngine, clock: Clock
) -> None:
    user_id = await create_user(engine, 42)
    async with sessionmaker() as session:
        achievement = await achievements.get_by_code(session, "first_lesson")
    assert achievement is not None

    async def award(session: AsyncSession, _n: int) -> bool:
        return await achievements.award(session, user_id, achievement.id, now=clock.now())

    results = await _race(engine, sessionmaker, award)

    assert results.count(True) == 1
    assert results.count(False) == TASKS - 1
    assert await count(engine, UserAchievement, user_id=user_id) == 1


async def test_two_admins_naming_modules_alike_at_once_get_two_slugs(
    db_kind: str,
    sessionmaker: Sessions,
    context: Context,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both read the slugs taken before either inserts: the second insert meets the unique key
    and takes the next free slug instead of failing the admin's dialog."""
    if db_kind != "mysql":
        pytest.skip("SQLite's writers take turns in the process: their reads cannot overlap")
    both_read = asyncio.Barrier(2)
    read_slugs = authoring_repo.module_slugs

    async def slugs_then_wait(session: AsyncSession) -> set[str]:
        taken = await read_slugs(session)
        await asyncio.wait_for(both_read.wait(), timeout=30)
        return taken

    monkeypatch.setattr(authoring_repo, "module_slugs", slugs_then_wait)

    async def create() -> str:
        async with sessionmaker() as session:
            made = await authoring_modules.create_module(
                session, context, title="Git Basics!", description=None
            )
            return made.slug

    slugs = await asyncio.wait_for(asyncio.gather(create(), create()), timeout=60)
    assert sorted(slugs) == ["git-basics", "git-basics-2"]
