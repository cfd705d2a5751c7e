"""The leaderboard screen over prepared caches: ties, the learner's own place however far down,
an empty board, weekly against all-time, and a learner with no XP; each screen in two indexed
queries."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.callbacks.learner import LeaderboardCb, MenuAction, MenuCb
from bot.config import Settings
from bot.services.context import Context
from bot.texts import BACK_TO_MENU, BUTTON_NOT_UNDERSTOOD
from bot.texts import leaderboard as t
from db.clock import ManualClock
from db.enums import LeaderboardPeriod
from tests.support.chat import Chat, make_chat
from tests.support.leaderboard import add_learners, big_board, put_on_board

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
REBUILT = NOW - timedelta(minutes=4)
WEEKLY, ALL_TIME = LeaderboardPeriod.WEEKLY, LeaderboardPeriod.ALL_TIME
ADA = 1000  # make_chat's learner


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


async def test_the_board_is_being_prepared_before_the_first_rebuild(chat: Chat) -> None:
    await chat.send_text("/leaderboard")

    assert chat.last_text == "\n".join([f"{t.TITLE} · {t.WEEKLY}", "", str(t.BEING_PREPARED)])
    assert chat.labels() == [t.ALL_TIME, BACK_TO_MENU]
    await chat.tap(t.ALL_TIME)
    assert chat.last_text.endswith(str(t.BEING_PREPARED))


async def test_ties_share_a_rank_and_the_learner_is_marked(chat: Chat, engine: AsyncEngine) -> None:
    await chat.send_text("/start")
    await add_learners(engine, {1: "Bob", 2: "Cy", 3: None}, NOW)
    await put_on_board(engine, WEEKLY, [(1, 1, 50), (ADA, 1, 50), (2, 3, 40), (3, 4, 30)], REBUILT)

    await chat.press_data(MenuCb(action=MenuAction.LEADERBOARD))

    assert chat.last_text == "\n".join(
        [
            "🥇 <b>Leaderboard</b> · 📅 This week",
            "<i>updated 4 minutes ago</i>",
            "",
            "🥇 Bob · 50 XP",
            "<b>🥇 Ada · 50 XP ← you</b>",
            "🥉 Cy · 40 XP",
            "4. Learner · 30 XP",
        ]
    )


async def test_weekly_and_all_time_are_two_boards(chat: Chat, engine: AsyncEngine) -> None:
    await chat.send_text("/start")
    await add_learners(engine, {1: "Bob"}, NOW)
    await put_on_board(engine, ALL_TIME, [(1, 1, 900), (ADA, 2, 120)], REBUILT)
    await put_on_board(engine, WEEKLY, [(ADA, 1, 70), (1, 2, 20)], REBUILT)

    await chat.send_text("/leaderboard")
    assert chat.last_text.splitlines()[3:] == ["<b>🥇 Ada · 70 XP ← you</b>", "🥈 Bob · 20 XP"]
    assert chat.labels() == [t.ALL_TIME, BACK_TO_MENU]

    await chat.tap(t.ALL_TIME)
    assert chat.last_text.splitlines()[0] == f"{t.TITLE} · {t.ALL_TIME}"
    assert chat.last_text.splitlines()[3:] == ["🥇 Bob · 900 XP", "<b>🥈 Ada · 120 XP ← you</b>"]
    assert chat.labels() == [t.WEEKLY, BACK_TO_MENU]

    await chat.tap(t.WEEKLY)
    assert "Ada · 70 XP" in chat.last_text


async def test_a_learner_with_no_xp_is_not_ranked_yet(chat: Chat, engine: AsyncEngine) -> None:
    await chat.send_text("/start")
    await add_learners(engine, {1: "Bob"}, NOW)
    await put_on_board(engine, ALL_TIME, [(1, 1, 10)], NOW - timedelta(hours=2))

    await chat.press_data(LeaderboardCb(period=ALL_TIME))

    assert chat.last_text.splitlines()[1:] == [
        "<i>updated 2 hours ago</i>",
        "",
        "🥇 Bob · 10 XP",
        "",
        str(t.NOT_RANKED),
    ]


async def test_an_empty_week_after_a_rebuild_invites_the_first(
    chat: Chat, engine: AsyncEngine
) -> None:
    await chat.send_text("/start")
    await put_on_board(engine, ALL_TIME, [(ADA, 1, 10)], NOW - timedelta(seconds=20))

    await chat.send_text("/leaderboard")

    assert chat.last_text.splitlines()[1:] == [
        "<i>updated just now</i>",
        "",
        str(t.NO_XP_THIS_WEEK),
    ]


class Statements:
    """The statements an engine sends while recording, with their parameters."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []
        self.recording = False

    def __call__(self, conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        # Transaction control (SQLite's BEGIN) is not a query of the screen.
        if self.recording and statement.split()[0].upper() not in {"BEGIN", "COMMIT", "ROLLBACK"}:
            self.seen.append((statement, parameters))


@contextmanager
def recording(engine: AsyncEngine) -> Iterator[Statements]:
    statements = Statements()
    event.listen(engine.sync_engine, "before_cursor_execute", statements)
    statements.recording = True
    try:
        yield statements
    finally:
        statements.recording = False
        event.remove(engine.sync_engine, "before_cursor_execute", statements)


async def plan(engine: AsyncEngine, statement: str, parameters: Any) -> list[str]:
    """How the database runs the statement: one line per table it reads, naming the index, or
    its full scan."""
    async with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            result = await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return [str(row.detail) for row in result]
        result = await conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        return [
            f"{row.table}: type={row.type} key={row.key} extra={row.Extra}"
            for row in result.mappings()
        ]


def uses_an_index(line: str, dialect: str) -> bool:
    if dialect == "sqlite":
        # The current generation's lookup is a scalar subquery: its header line is no scan.
        if line.startswith("SCALAR SUBQUERY"):
            return True
        return line.startswith("SEARCH") and "TEMP B-TREE" not in line
    return "key=None" not in line and "type=ALL" not in line and "filesort" not in line


@pytest.fixture
async def ninety_thousandth(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    engine: AsyncEngine,
    context: Context,
) -> AsyncIterator[Chat]:
    """A learner at rank 90,000 on an all-time board of 100,000."""
    await big_board(engine, 100_000, REBUILT)
    chat = make_chat(settings, sessionmaker, context, user_id=90_000)
    yield chat
    await chat.bot.session.close()
    assert chat.failures() == []


async def test_the_learners_own_row_far_below_the_top_in_two_indexed_queries(
    ninety_thousandth: Chat, engine: AsyncEngine
) -> None:
    chat = ninety_thousandth
    await chat.send_text("/start")  # known from here on: the update needs no learner lookup

    with recording(engine) as statements:
        await chat.press_data(LeaderboardCb(period=ALL_TIME))

    lines = chat.last_text.splitlines()
    assert lines[3:] == [
        *(f"{rank_mark} Learner · {100_001 - r:,} XP" for r, rank_mark in _top_marks()),
        "⋯",
        "<b>90,000. Ada · 10,001 XP ← you</b>",
    ]
    assert len(statements.seen) == 2, statements.seen
    for statement, parameters in statements.seen:
        steps = await plan(engine, statement, parameters)
        assert steps, statement
        assert all(uses_an_index(s, engine.dialect.name) for s in steps), (statement, steps)


def _top_marks() -> Iterator[tuple[int, str]]:
    for r in range(1, 11):
        yield r, {1: "🥇", 2: "🥈", 3: "🥉"}.get(r, f"{r}.")


async def test_a_forged_period_is_not_understood(chat: Chat) -> None:
    await chat.press_data("lb:monthly")

    assert chat.callback_texts()[-1] == BUTTON_NOT_UNDERSTOOD
