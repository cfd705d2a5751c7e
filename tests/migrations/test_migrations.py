"""Migrations are code: they go up and down cleanly, and they build exactly what the models say.

Alembic's env.py calls asyncio.run, so the migration commands run from sync tests; the database
is then read through the production engine factory inside a short asyncio.run of our own.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import Connection, column, insert, inspect, select, table, text
from sqlalchemy.engine import make_url

from db import migrations
from db.engine import create_engine
from db.enums import AchievementType
from db.models import Achievement, Base
from tests.support.databases import _mysql_admin, operator_sql

NewDatabase = Callable[[], AbstractContextManager[str]]
T = TypeVar("T")

# Alembic's own bookkeeping table: it stays (empty) after a downgrade to base.
VERSION_TABLE = "alembic_version"

# The triggers that keep the course's content version (0008). SQLite drops a table's triggers
# when a batch migration rebuilds it, so every later revision must leave all of them in place.
CONTENT_TRIGGERS = {
    f"{table}_content_version_{event}"
    for table in ("modules", "lessons", "exercises")
    for event in ("insert", "update", "delete")
}


def _revisions() -> list[Script]:
    """Every revision, oldest first (the URL is never connected to)."""
    script = ScriptDirectory.from_config(migrations.alembic_config("sqlite+aiosqlite://"))
    revisions = list(script.walk_revisions("base", "heads"))
    revisions.reverse()
    return revisions


def _read(url: str, fn: Callable[[Connection], T]) -> T:
    async def run() -> T:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(fn)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _current(url: str) -> str:
    """The database's revision id ("base" when none), from `migrations.current`."""
    output = migrations.current(url)
    return output.split()[0] if output else "base"


def _tables(url: str) -> set[str]:
    return _read(url, lambda c: set(inspect(c).get_table_names())) - {VERSION_TABLE}


def _triggers(url: str) -> set[str]:
    def names(conn: Connection) -> set[str]:
        if conn.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = "SELECT trigger_name FROM information_schema.triggers "
            query += "WHERE trigger_schema = DATABASE()"
        return set(conn.execute(text(query)).scalars())

    return _read(url, names)


def test_there_is_a_single_linear_history() -> None:
    revisions = _revisions()
    assert [r.revision for r in revisions][:3] == ["0001", "0002", "0003"]
    assert revisions[0].down_revision is None
    for previous, revision in itertools.pairwise(revisions):
        assert revision.down_revision == previous.revision
    script = ScriptDirectory.from_config(migrations.alembic_config("sqlite+aiosqlite://"))
    assert script.get_heads() == [revisions[-1].revision]


def test_upgrade_downgrade_upgrade(new_database: NewDatabase) -> None:
    expected_tables = {table.name for table in Base.metadata.sorted_tables}
    with new_database() as url:
        assert _current(url) == "base"

        migrations.upgrade(url, "head")
        assert _current(url) == _revisions()[-1].revision
        assert _tables(url) == expected_tables
        assert _triggers(url) == CONTENT_TRIGGERS

        migrations.downgrade(url, "base")
        assert _current(url) == "base"
        assert _tables(url) == set()
        assert _triggers(url) == set()

        migrations.upgrade(url, "head")
        assert _current(url) == _revisions()[-1].revision
        assert _tables(url) == expected_tables
        assert _triggers(url) == CONTENT_TRIGGERS


def test_stairway_one_revision_at_a_time(new_database: NewDatabase) -> None:
    """Each revision goes up, comes down to its predecessor and goes up again; then all the way
    down one step at a time."""
    revisions = _revisions()
    with new_database() as url:
        for revision in revisions:
            below = revision.down_revision or "base"
            assert isinstance(below, str)  # no merge revisions
            migrations.upgrade(url, revision.revision)
            assert _current(url) == revision.revision
            migrations.downgrade(url, below)
            assert _current(url) == below
            migrations.upgrade(url, revision.revision)
            assert _current(url) == revision.revision

        for revision in reversed(revisions):
            migrations.downgrade(url, "-1")
            assert _current(url) == (revision.down_revision or "base")
        assert _tables(url) == set()


def test_models_match_migrations(new_database: NewDatabase) -> None:
    with new_database() as url:
        migrations.upgrade(url, "head")

        def diff(conn: Connection) -> list[Any]:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, Base.metadata))

        assert _read(url, diff) == []


def _catalogue(conn: Connection) -> dict[str, AchievementType]:
    rows = conn.execute(select(Achievement.code, Achievement.type)).all()
    return {code: type_ for code, type_ in rows}


def test_achievement_catalogue_ships_with_the_schema(new_database: NewDatabase) -> None:
    with new_database() as url:
        migrations.upgrade(url, "head")
        catalogue = _read(url, _catalogue)
        assert {"first_lesson", "first_try", "perfect_score", "streak_7"} <= catalogue.keys()
        assert set(catalogue.values()) == set(AchievementType)

        migrations.downgrade(url, "0001")
        assert _read(url, _catalogue) == {}

        migrations.upgrade(url, "head")
        assert _read(url, _catalogue) == catalogue


# Learners already there when 0003 adds `users.language`: (telegram_id, language_code, language).
EARLIER_LEARNERS = [
    (1, "ru", "ru"),
    (2, "ru-RU", "ru"),
    (3, "UK", "ru"),
    (4, "be", "ru"),
    (5, "kk-KZ", "ru"),
    (6, "en", "en"),
    (7, "de", "en"),
    (8, "rue", "en"),  # Rusyn, not Russian
    (9, None, "en"),
]


def test_earlier_learners_get_the_language_their_client_maps_to(new_database: NewDatabase) -> None:
    users = table(
        "users",
        column("telegram_id"),
        column("language_code"),
        column("created_at"),
        column("updated_at"),
    )

    async def register_earlier_learners(url: str) -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                now = datetime(2026, 1, 1)
                await conn.execute(
                    insert(users),
                    [
                        {"telegram_id": t, "language_code": c, "created_at": now, "updated_at": now}
                        for t, c, _ in EARLIER_LEARNERS
                    ],
                )
        finally:
            await engine.dispose()

    with new_database() as url:
        migrations.upgrade(url, "0002")
        asyncio.run(register_earlier_learners(url))

        migrations.upgrade(url, "0003")

        def languages(conn: Connection) -> dict[int, str | None]:
            rows = conn.execute(text("SELECT telegram_id, language FROM users"))
            return {telegram_id: language for telegram_id, language in rows}

        stored = _read(url, languages)
        assert stored == {t: language for t, _, language in EARLIER_LEARNERS}


def _thresholds(conn: Connection) -> dict[str, tuple[int, str]]:
    rows = conn.execute(select(Achievement.code, Achievement.id, Achievement.criteria)).all()
    return {code: (id_, json.dumps(criteria, sort_keys=True)) for code, id_, criteria in rows}


def test_0004_brings_the_catalogue_to_the_motivation_thresholds_and_back(
    new_database: NewDatabase,
) -> None:
    with new_database() as url:
        migrations.upgrade(url, "0003")
        before = _read(url, _thresholds)

        migrations.upgrade(url, "0004")
        after = _read(url, _thresholds)
        assert after.keys() - before.keys() == {
            "lessons_100",
            "solved_200",
            "xp_5000",
            "streak_100",
        }
        assert before.keys() - after.keys() == {"solved_100", "xp_500"}
        # The rows that stay keep their ids, so whatever learners earned of them stays theirs.
        for code in after.keys() & before.keys():
            assert after[code] == before[code], code

        migrations.downgrade(url, "0003")
        restored = _read(url, _thresholds)
        assert {code: criteria for code, (_, criteria) in restored.items()} == {
            code: criteria for code, (_, criteria) in before.items()
        }


# (telegram id, current streak, last active, reminder hour) -> (streak due?, reminder due?)
STREAK_HOLDERS = [
    (1, 3, "2026-01-01", 9, True, True),
    (2, 3, "2026-01-01", None, True, False),
    (3, 0, "2026-01-01", 9, False, False),
    (4, 0, None, None, False, False),
]


def test_0007_marks_every_streak_to_keep_as_due_now(new_database: NewDatabase) -> None:
    users = table(
        "users",
        column("telegram_id"),
        column("current_streak"),
        column("longest_streak"),
        column("last_active_date"),
        column("reminder_hour"),
        column("created_at"),
        column("updated_at"),
    )

    async def learners_before(url: str) -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                now = datetime(2026, 1, 1)
                await conn.execute(
                    insert(users),
                    [
                        {
                            "telegram_id": t,
                            "current_streak": streak,
                            "longest_streak": streak,
                            "last_active_date": None if last is None else date.fromisoformat(last),
                            "reminder_hour": hour,
                            "created_at": now,
                            "updated_at": now,
                        }
                        for t, streak, last, hour, _, _ in STREAK_HOLDERS
                    ],
                )
        finally:
            await engine.dispose()

    with new_database() as url:
        migrations.upgrade(url, "0006")
        asyncio.run(learners_before(url))
        migrations.upgrade(url, "0007")
        after = datetime.now(UTC).replace(tzinfo=None)

        def due(conn: Connection) -> dict[int, tuple[Any, Any]]:
            rows = conn.execute(text("SELECT telegram_id, streak_due_at, remind_at FROM users"))
            return {t: (streak_due, remind) for t, streak_due, remind in rows}

        found = _read(url, due)

    def now_or_none(value: Any, expected: bool) -> bool:
        """Due by the time the migration finished, so the jobs' first run takes it; or not."""
        if not expected:
            return value is None
        instant = value if isinstance(value, datetime) else datetime.fromisoformat(value)
        return instant <= after

    for t, _, _, _, streak_due, reminder_due in STREAK_HOLDERS:
        assert now_or_none(found[t][0], streak_due), (t, found[t])
        assert now_or_none(found[t][1], reminder_due), (t, found[t])


STAMPS = "'2026-01-01 00:00:00', '2026-01-01 00:00:00'"

# Plain SQL as an operator would type it, none of it touching updated_at after the insert, and
# how many content rows each statement changes.
OPERATOR_WRITES = [
    (
        "INSERT INTO modules (id, slug, title, created_at, updated_at) "
        f"VALUES (1, 'm', 'M', {STAMPS})",
        1,
    ),
    (
        "INSERT INTO lessons (id, module_id, slug, title, content, created_at, updated_at) "
        f"VALUES (1, 1, 'a', 'A', 'text', {STAMPS}), (2, 1, 'b', 'B', 'text', {STAMPS})",
        2,
    ),
    (
        "INSERT INTO exercises (id, lesson_id, type, prompt, answer, created_at, updated_at) "
        f"VALUES (1, 1, 'true_false', 'P', 'true', {STAMPS})",
        1,
    ),
    ("UPDATE modules SET is_published = 1", 1),
    ("UPDATE lessons SET is_published = 1", 2),
    ("UPDATE lessons SET deleted_at = CURRENT_TIMESTAMP WHERE id = 2", 1),
    ("UPDATE exercises SET answer = 'false'", 1),
    ("DELETE FROM exercises", 1),
    ("DELETE FROM lessons", 2),
    ("DELETE FROM modules", 1),
]


def _content_version(url: str) -> int:
    version = _read(url, lambda c: c.execute(text("SELECT version FROM content_version")).scalar())
    assert isinstance(version, int)
    return version


def test_0008_counts_every_change_to_content_made_in_plain_sql(new_database: NewDatabase) -> None:
    with new_database() as url:
        migrations.upgrade(url, "0008")
        assert _triggers(url) == CONTENT_TRIGGERS
        version = _content_version(url)
        assert version == 0
        for statement, changed in OPERATOR_WRITES:
            assert operator_sql(url, statement) == changed, statement
            moved = _content_version(url)
            assert moved == version + changed, statement
            version = moved

        # A deleted row comes back at the next change rather than freezing every catalog.
        operator_sql(url, "DELETE FROM content_version")
        operator_sql(url, OPERATOR_WRITES[0][0])
        assert _content_version(url) == 1

        migrations.downgrade(url, "0007")
        assert _triggers(url) == set()
        assert "content_version" not in _tables(url)
        # No trigger is left behind to fail on the missing table.
        assert operator_sql(url, "UPDATE modules SET title = 'N'") == 1

        migrations.upgrade(url, "0008")
        assert _triggers(url) == CONTENT_TRIGGERS
        assert operator_sql(url, "UPDATE modules SET title = 'M'") == 1
        assert _content_version(url) == 1


def test_0008_refused_by_the_server_leaves_nothing_half_made(
    new_database: NewDatabase, db_kind: str
) -> None:
    """MySQL's DDL is not transactional: an upgrade whose triggers are refused (here for want of
    the TRIGGER privilege; with a binary log, for want of SUPER) must undo its table itself, or
    running it again once the privilege is granted would fail on "table exists"."""
    if db_kind != "mysql":
        pytest.skip("SQLite has no privileges to refuse")
    with new_database() as url:
        migrations.upgrade(url, "0007")
        database = make_url(url).database
        user = f"lb_{uuid.uuid4().hex[:10]}"
        _mysql_admin(f"CREATE USER '{user}'@'%' IDENTIFIED BY 'pw'")
        try:
            _mysql_admin(
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES "
                f"ON `{database}`.* TO '{user}'@'%'"
            )
            without_trigger = make_url(url).set(username=user, password="pw")
            with pytest.raises(Exception, match="1142"):
                migrations.upgrade(without_trigger.render_as_string(hide_password=False), "0008")
        finally:
            _mysql_admin(f"DROP USER '{user}'@'%'")

        assert _current(url) == "0007"
        assert "content_version" not in _tables(url)
        assert _triggers(url) == set()

        migrations.upgrade(url, "0008")
        assert _triggers(url) == CONTENT_TRIGGERS
