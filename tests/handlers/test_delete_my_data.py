"""Delete my data: after the confirmation no row in any table refers to the learner (every table
with a user column, found through the inspector, so a table added later is checked too), other
learners keep theirs, and /start registers the learner afresh from zero."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.methods import EditMessageText
from sqlalchemy import ColumnClause, column, func, inspect, select, table
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import texts
from bot.callbacks.learner import SettingsAction, SettingsCb
from bot.config import Settings
from bot.services.context import Context
from bot.texts import progress as progress_texts
from bot.texts import settings as t
from db.enums import LeaderboardPeriod
from db.models import Achievement, Broadcast, BroadcastDelivery, User, UserAchievement
from tests.support.chat import Chat, make_chat
from tests.support.course import RIGHT, WRONG, Course
from tests.support.factories import insert_row
from tests.support.leaderboard import put_on_board
from tests.support.rows import one, rows

Sessions = async_sessionmaker[AsyncSession]
ADA, BOB = 1000, 2000
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
# What a learner's history writes; each must hold rows of the learner before the deletion,
# so the check afterwards is not vacuous.
FILLED = {
    "user_progress",
    "module_progress",
    "exercise_attempts",
    "activity_log",
    "user_achievements",
    "leaderboard_cache",
    "broadcast_deliveries",
    "review_cards",
    "review_log",
}


def _user_columns(conn: Connection) -> dict[str, set[str]]:
    inspector = inspect(conn)
    found: dict[str, set[str]] = {}
    for name in inspector.get_table_names():
        columns = {
            c
            for fk in inspector.get_foreign_keys(name)
            if fk["referred_table"] == User.__tablename__
            for c in fk["constrained_columns"]
        }
        columns |= {c["name"] for c in inspector.get_columns(name) if c["name"] == "user_id"}
        if columns:
            found[name] = columns
    return found


async def user_columns(engine: AsyncEngine) -> dict[str, set[str]]:
    """Every table that refers to learners, with the columns that do, as the database has it."""
    async with engine.connect() as conn:
        return await conn.run_sync(_user_columns)


async def rows_about(engine: AsyncEngine, user_id: int) -> dict[str, int]:
    """How many rows of each such table refer to the learner."""
    counts = {}
    async with engine.connect() as conn:
        for name, columns in (await user_columns(engine)).items():
            for name_of_column in columns:
                c: ColumnClause[int] = column(name_of_column)
                stmt = select(func.count()).select_from(table(name, c)).where(c == user_id)
                counts[f"{name}.{name_of_column}"] = int((await conn.execute(stmt)).scalar_one())
    return counts


async def learner_with_history(
    engine: AsyncEngine, sessionmaker: Sessions, chat: Chat, course: Course
) -> int:
    """The chat's learner after a lesson, with an achievement, a place on both boards and a
    broadcast delivery; their users.id."""
    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])
    await chat.take_lesson(course.lessons["deep"], WRONG["deep"])
    await chat.send_text("/review")  # the mistake, answered right: a review card and its log
    await chat.tap(texts.FALSE, exact=True)
    user = await one(sessionmaker, User, User.telegram_id == chat.user.id)
    held = await rows(sessionmaker, UserAchievement, UserAchievement.user_id == user.id)
    async with engine.begin() as conn:
        if not held:  # passing a first lesson earns one already; this keeps the test honest
            achievement = (await rows(sessionmaker, Achievement))[0]
            await insert_row(conn, UserAchievement, user_id=user.id, achievement_id=achievement.id)
        broadcast = (await conn.execute(select(Broadcast.id))).scalar() or await insert_row(
            conn, Broadcast, text="News", created_at=NOW
        )
        await insert_row(conn, BroadcastDelivery, broadcast_id=broadcast, user_id=user.id)
    return user.id


async def test_delete_my_data_leaves_no_row_about_the_learner(
    chat: Chat,
    course: Course,
    engine: AsyncEngine,
    sessionmaker: Sessions,
    settings: Settings,
    context: Context,
) -> None:
    bob = make_chat(settings, sessionmaker, context, user_id=BOB)
    ada_id = await learner_with_history(engine, sessionmaker, chat, course)
    bob_id = await learner_with_history(engine, sessionmaker, bob, course)
    for period in LeaderboardPeriod:
        await put_on_board(engine, period, [(BOB, 1, 10), (ADA, 1, 10)], NOW)
    before = await rows_about(engine, ada_id)
    bobs = await rows_about(engine, bob_id)
    tables = {key.split(".")[0] for key in before}
    assert tables >= FILLED, "the inspector must find every table of the learner's history"
    assert all(before[key] for key in before if key.split(".")[0] in FILLED), before
    # The chat waits for a typed time zone: the deletion must end that too.
    await chat.send_text("/settings")
    await chat.tap(t.TIMEZONE_BUTTON)
    await chat.tap(t.TYPE_ZONE_BUTTON)

    await chat.press_data(SettingsCb(action=SettingsAction.DELETE))
    assert chat.last_text == t.DELETE_QUESTION
    assert chat.labels() == [t.DELETE_CONFIRM, t.DELETE_CANCEL]
    await chat.tap(t.DELETE_CONFIRM)

    assert chat.last_text == t.DATA_DELETED
    # Edited without a keyboard, which Telegram takes as removing the question's buttons.
    assert chat.api.sent(EditMessageText)[-1].reply_markup is None
    assert await rows_about(engine, ada_id) == dict.fromkeys(before, 0)
    assert await rows(sessionmaker, User, User.telegram_id == ADA) == []
    assert await rows_about(engine, bob_id) == bobs

    await chat.send_text("Europe/Berlin")  # no longer a time zone being typed
    assert chat.last_text == texts.STRAY_TEXT
    await chat.send_text("/start")
    assert chat.last_text == texts.welcome("Ada")
    again = await one(sessionmaker, User, User.telegram_id == ADA)
    assert again.id != ada_id
    assert (again.timezone, again.reminder_hour, again.current_streak) == (None, None, 0)
    assert sum((await rows_about(engine, again.id)).values()) == 0
    await chat.send_text("/progress")
    assert progress_texts.lessons_completed_of(0, 4) in chat.last_text
    await bob.bot.session.close()


async def test_no_keeps_everything(
    chat: Chat, course: Course, engine: AsyncEngine, sessionmaker: Sessions
) -> None:
    await chat.take_lesson(course.lessons["basics"], RIGHT["basics"])
    user = await one(sessionmaker, User)
    before = await rows_about(engine, user.id)
    await chat.send_text("/settings")
    await chat.tap(t.DELETE_BUTTON)

    await chat.tap(t.DELETE_CANCEL)

    assert chat.last_text.startswith(str(t.TITLE))
    assert await rows_about(engine, (await one(sessionmaker, User)).id) == before
    assert sum(before.values()) > 0


async def test_every_reference_to_a_learner_cascades_from_users(engine: AsyncEngine) -> None:
    """Deleting the users row is the whole deletion only while every foreign key to it says
    ON DELETE CASCADE: a table added without it would keep rows about a deleted learner (or
    refuse the deletion)."""

    def references(conn: Connection) -> dict[str, str]:
        """Each foreign key to users, by table and columns, with its ON DELETE rule."""
        inspector = inspect(conn)
        return {
            f"{name}.{','.join(fk['constrained_columns'])}": str(
                (fk.get("options") or {}).get("ondelete", "")
            ).upper()
            for name in inspector.get_table_names()
            for fk in inspector.get_foreign_keys(name)
            if fk["referred_table"] == User.__tablename__
        }

    async with engine.connect() as conn:
        found = await conn.run_sync(references)
    assert {key.split(".")[0] for key in found} >= FILLED
    assert found == dict.fromkeys(found, "CASCADE")
