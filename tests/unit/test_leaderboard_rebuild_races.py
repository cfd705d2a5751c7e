"""The leaderboard rebuild against learners who delete their data while it runs, and against XP
earned while it reads the ledger.

The overlaps are made, not hoped for: a hook on the rebuild's connection runs the test's own
step just before a chosen statement is sent, and on MariaDB a row the test holds uncommitted
makes the boards' INSERT wait, after its read of the ledger and before it writes any row,
until the test lets it go. Nothing waits on a timer: the test polls the server for the
rebuild's lock wait, with a deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, event, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.util import await_only

from bot.services.context import Context
from bot.services.leaderboard_rebuild import (
    rebuild_leaderboard,
    switch_to_next,
    write_next,
)
from bot.services.settings import delete_my_data
from db.clock import ManualClock
from db.enums import ActivityType, LeaderboardPeriod
from db.models import ActivityLog, LeaderboardEntry, User
from db.repositories.leaderboard import CURRENT_GENERATION
from tests.support.leaderboard import add_learners, add_ledger, current_board
from tests.unit.test_leaderboard_rebuild import NOW, WEEK, Entry, brute_force

LEARNERS = 30
# The learner who leaves: on both boards, mid-table, tied with no one.
LEAVING = 17
LOCK_WAIT_DEADLINE_SECONDS = 30.0


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


def ledger() -> list[Entry]:
    """Every learner on the all-time board (XP earned before this week), most on the weekly
    one too; ties on both boards, so ranks and positions differ."""
    earlier = WEEK - timedelta(days=3)
    entries: list[Entry] = []
    for t in range(1, LEARNERS + 1):
        entries.append((t, ActivityType.LESSON_COMPLETED, 10 * (t % 7) + 5, earlier))
        if t % 5:
            entries.append((t, ActivityType.CHALLENGE_SOLVED, 5 * (t % 4) + 5, NOW))
    entries.append((LEAVING, ActivityType.ACHIEVEMENT_EARNED, 1, NOW))
    return entries


async def seed(engine: AsyncEngine) -> dict[int, int]:
    """The learners and their ledger; user id by Telegram id."""
    await add_learners(engine, {t: f"L{t}" for t in range(1, LEARNERS + 1)}, NOW)
    await add_ledger(engine, ledger())
    async with engine.connect() as conn:
        return dict((await conn.execute(select(User.telegram_id, User.id))).tuples().all())


def without(t: int) -> list[Entry]:
    return [entry for entry in ledger() if entry[0] != t]


async def rows_of(engine: AsyncEngine, user_id: int) -> int:
    """The learner's rows in any generation of the cache."""
    async with engine.connect() as conn:
        query = select(func.count()).where(LeaderboardEntry.user_id == user_id)
        return int((await conn.execute(query)).scalar_one())


async def assert_boards(engine: AsyncEngine, entries: list[Entry]) -> None:
    """The boards readers see are the brute-force ranking of `entries`: positions 1..n, ranks
    as RANK() gives them, no place left empty."""
    for period, since in ((LeaderboardPeriod.ALL_TIME, None), (LeaderboardPeriod.WEEKLY, WEEK)):
        expected = brute_force(entries, since)
        assert await current_board(engine, period) == expected, period
        # The readers' join to users would hide a departed learner's row: count raw rows too.
        async with engine.connect() as conn:
            raw = select(func.count()).where(
                LeaderboardEntry.generation == CURRENT_GENERATION,
                LeaderboardEntry.period == period,
            )
            assert (await conn.execute(raw)).scalar_one() == len(expected), period


@contextlib.contextmanager
def before_statement(
    engine: AsyncEngine, starts_with: str, step: Callable[[], Awaitable[None]]
) -> Iterator[None]:
    """Runs `step` once, to its end, just before the first statement that starts with
    `starts_with` is sent on any of the engine's connections."""
    fired = False

    def hook(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        nonlocal fired
        if not fired and statement.lstrip().startswith(starts_with):
            fired = True
            # Listeners run inside SQLAlchemy's greenlet on the event loop's thread.
            await_only(step())

    event.listen(engine.sync_engine, "before_cursor_execute", hook)
    try:
        yield
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", hook)
    assert fired, f"no statement starting with {starts_with!r} was sent"


async def until_the_rebuild_waits_for_a_lock(engine: AsyncEngine) -> None:
    """Until a transaction on the test's database waits for a lock: at the moments this is
    asked, the rebuild's is the only one that can. (Other databases on the server, other
    tests', may have transactions waiting too.)"""
    deadline = time.monotonic() + LOCK_WAIT_DEADLINE_SECONDS
    waiting = text(
        "SELECT COUNT(*) FROM information_schema.innodb_trx AS t "
        "JOIN information_schema.processlist AS p ON p.id = t.trx_mysql_thread_id "
        "WHERE t.trx_state = 'LOCK WAIT' AND p.db = DATABASE()"
    )
    async with engine.connect() as conn:
        while True:
            # InnoDB refreshes what information_schema shows of transactions only when it was
            # not read for 0.1 s: asked more often, it would show the same moment for ever, and
            # asked sooner after an earlier look, it would show that look's moment.
            await asyncio.sleep(0.2)
            if (await conn.execute(waiting)).scalar_one():
                return
            await conn.rollback()
            assert time.monotonic() < deadline, "the rebuild never waited for the test's lock"


async def hold_the_first_row(conn: AsyncConnection, user_id: int, generation: int) -> None:
    """An uncommitted row with the key of the first row the boards' INSERT writes (the lowest
    user id, all-time): the INSERT, which reads the ledger first, waits for it to go."""
    await conn.execute(
        insert(LeaderboardEntry).values(
            generation=generation,
            period=LeaderboardPeriod.ALL_TIME,
            user_id=user_id,
            rank=1,
            position=1,
            total_score=1,
            updated_at=NOW,
        )
    )


INSERT_BOARDS = "INSERT INTO leaderboard_cache"


async def test_a_learner_deleted_while_the_boards_are_written_is_not_on_them(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    db_kind: str,
    context: Context,
) -> None:
    """The learner is deleted (and committed) after the boards' INSERT read the ledger and
    before it wrote their rows: no foreign key check stops those rows and no cascade meets
    them. The switch comes without them, and the ranks close over their place."""
    if db_kind != "mysql":
        pytest.skip("SQLite has one writer: a delete cannot fall inside the rebuild's write")
    ids = await seed(engine)
    async with sessionmaker() as session:
        await rebuild_leaderboard(session, context)
    leaving = ids[LEAVING]
    assert await rows_of(engine, leaving) == 2
    background: list[asyncio.Task[None]] = []

    async with engine.connect() as holder:

        async def delete_while_the_insert_waits() -> None:
            await until_the_rebuild_waits_for_a_lock(engine)
            async with sessionmaker() as learner:
                await delete_my_data(learner, leaving)
            await holder.rollback()

        async def hold_and_delete() -> None:
            await hold_the_first_row(holder, min(ids.values()), 2)
            background.append(asyncio.create_task(delete_while_the_insert_waits()))

        with before_statement(engine, INSERT_BOARDS, hold_and_delete):
            async with sessionmaker() as session:
                assert await rebuild_leaderboard(session, context) == len(
                    brute_force(without(LEAVING), None)
                ) + len(brute_force(without(LEAVING), WEEK))
        await asyncio.gather(*background)

    assert await rows_of(engine, leaving) == 0
    await assert_boards(engine, without(LEAVING))


async def test_a_delete_in_flight_when_the_boards_are_committed_is_waited_for(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    db_kind: str,
    context: Context,
) -> None:
    """The learner's delete ran its cascade before their rows were written, and commits only
    after the new boards are: the check before the switch waits for it rather than reading
    the learner as still there."""
    if db_kind != "mysql":
        pytest.skip("SQLite has one writer: a delete cannot fall inside the rebuild's write")
    ids = await seed(engine)
    leaving = ids[LEAVING]
    background: list[asyncio.Task[None]] = []

    async with engine.connect() as holder, engine.connect() as deleting:

        async def delete_while_the_insert_waits() -> None:
            await until_the_rebuild_waits_for_a_lock(engine)
            await deleting.execute(delete(User).where(User.id == leaving))
            await holder.rollback()

        async def hold_and_delete() -> None:
            await hold_the_first_row(holder, min(ids.values()), 1)
            background.append(asyncio.create_task(delete_while_the_insert_waits()))

        async def commit_once_the_check_waits() -> None:
            await until_the_rebuild_waits_for_a_lock(engine)
            await deleting.commit()

        async def commit_later() -> None:
            background.append(asyncio.create_task(commit_once_the_check_waits()))

        with (
            before_statement(engine, INSERT_BOARDS, hold_and_delete),
            before_statement(engine, "SELECT COUNT(*) FROM users FORCE", commit_later),
        ):
            async with sessionmaker() as session:
                await rebuild_leaderboard(session, context)
        await asyncio.gather(*background)

    assert await rows_of(engine, leaving) == 0
    await assert_boards(engine, without(LEAVING))


async def test_a_learner_deleted_just_before_the_switch_leaves_no_row(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    db_kind: str,
    context: Context,
) -> None:
    """Deleted after the check, before the switch's commit: the new rows are committed, so the
    delete's cascade removes them at once, without waiting for the rebuild."""
    if db_kind != "mysql":
        pytest.skip("SQLite has one writer: the delete would wait for the switch's commit")
    ids = await seed(engine)
    leaving = ids[LEAVING]

    async def delete_now() -> None:
        async with sessionmaker() as learner:
            await delete_my_data(learner, leaving)

    with before_statement(engine, "INSERT INTO leaderboard_state", delete_now):
        async with sessionmaker() as session:
            await rebuild_leaderboard(session, context)

    assert await rows_of(engine, leaving) == 0


async def test_a_learner_deleted_between_the_write_and_the_switch_leaves_no_place(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    """The one point a delete can fall inside a rebuild on SQLite (on MariaDB one of many): its
    cascade takes the learner's new rows out of boards already ranked, and the switch comes
    with the ranks closed over the place they left."""
    ids = await seed(engine)
    async with sessionmaker() as session:
        generation = await write_next(session, context)
        await delete_my_data(session, ids[LEAVING])
        rebuilt = await switch_to_next(session, context, generation)

    assert rebuilt.rows == len(brute_force(without(LEAVING), None)) + len(
        brute_force(without(LEAVING), WEEK)
    )
    assert await rows_of(engine, ids[LEAVING]) == 0
    await assert_boards(engine, without(LEAVING))


async def test_both_boards_come_from_one_read_of_the_ledger(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    db_kind: str,
    context: Context,
) -> None:
    """One statement reads the ledger for both boards. On MariaDB, XP a learner earns (and
    commits) while that statement is writing the boards, after its read, is on neither board;
    on SQLite it waits for the rebuild's write lock and comes after it whole."""
    ids = await seed(engine)
    statements: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    earner = 4
    background: list[asyncio.Task[None]] = []

    async def earn() -> None:
        async with engine.begin() as conn:
            await conn.execute(
                insert(ActivityLog).values(
                    user_id=ids[earner],
                    activity_type=ActivityType.CHALLENGE_SOLVED,
                    xp=20,
                    created_at=NOW,
                )
            )

    async with contextlib.AsyncExitStack() as stack:
        if db_kind == "mysql":
            holder = await stack.enter_async_context(engine.connect())

            async def earn_while_the_insert_waits() -> None:
                await until_the_rebuild_waits_for_a_lock(engine)
                await earn()
                await holder.rollback()

            async def hold_and_earn() -> None:
                await hold_the_first_row(holder, min(ids.values()), 1)
                background.append(asyncio.create_task(earn_while_the_insert_waits()))

            stack.enter_context(before_statement(engine, INSERT_BOARDS, hold_and_earn))
        else:

            async def earn_meanwhile() -> None:
                background.append(asyncio.create_task(earn()))

            stack.enter_context(before_statement(engine, INSERT_BOARDS, earn_meanwhile))
        event.listen(engine.sync_engine, "before_cursor_execute", note)
        try:
            async with sessionmaker() as session:
                await rebuild_leaderboard(session, context)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", note)
        await asyncio.gather(*background)

    await assert_boards(engine, ledger())
    reads = [s for s in statements if "FROM activity_log" in s]
    assert len(reads) == 1 and reads[0].lstrip().startswith(INSERT_BOARDS), reads
    # The XP was written, only after the boards' read: the next rebuild has it on both.
    async with sessionmaker() as session:
        await rebuild_leaderboard(session, context)
    later = [*ledger(), (earner, ActivityType.CHALLENGE_SOLVED, 20, NOW)]
    await assert_boards(engine, later)
