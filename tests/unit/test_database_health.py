"""Telling "the database is unreachable or too slow" from a bug and from a busy process, and
logging an outage once."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from db.engine import create_engine
from db.health import DatabaseHealth, NoAnswer, is_unavailable


class Orig(Exception):
    pass


def mysql_error(code: int, cls: type[DBAPIError] = OperationalError) -> DBAPIError:
    return cls("SELECT 1", {}, Orig(code, "message"))


@pytest.mark.parametrize(
    ("error", "unavailable"),
    [
        (mysql_error(2003), True),  # cannot connect
        (mysql_error(2013), True),  # lost during the query
        (mysql_error(1969), True),  # MariaDB's statement time limit
        (NoAnswer(), True),  # a connection that stopped answering (db.watchdog)
        (ConnectionRefusedError(), True),
        # Busy is not down: a wait for a pooled connection is a queue, and a TimeoutError
        # from anything but the watchdog says nothing about the database.
        (PoolTimeoutError(), False),
        (TimeoutError(), False),
        (mysql_error(1064, ProgrammingError), False),  # a syntax error is a bug
        (mysql_error(1062), False),  # a duplicate key is not an outage
        (RuntimeError("boom"), False),
    ],
)
def test_which_errors_mean_unavailable(error: BaseException, unavailable: bool) -> None:
    assert is_unavailable(error) is unavailable


def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [100.0]
    health = DatabaseHealth(clock=lambda: now[0])
    with caplog.at_level(logging.DEBUG, logger="db.health"):
        health.ok()
        for _ in range(50):
            health.failed(mysql_error(2003))
        now[0] = 112.5
        health.ok()
        health.ok()

    loud = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert [r.levelname for r in loud] == ["WARNING", "INFO"]
    assert "2003" in loud[0].getMessage()
    assert "12.5 s" in loud[1].getMessage() and "50 failed" in loud[1].getMessage()
    assert not health.down


async def test_the_server_stops_a_statement_over_the_limit(db_kind: str, database_url: str) -> None:
    if db_kind != "mysql":
        pytest.skip("SQLite statements are not limited")
    engine = create_engine(database_url, statement_seconds=0.3)
    try:
        started = time.monotonic()
        with pytest.raises(DBAPIError) as info:
            async with engine.connect() as conn:
                # MariaDB's SLEEP returns early instead of failing; a long read does fail.
                await conn.execute(
                    text(
                        "SELECT COUNT(*) FROM information_schema.columns a, "
                        "information_schema.columns b, information_schema.columns c"
                    )
                )
        assert time.monotonic() - started < 3
        assert is_unavailable(info.value)
    finally:
        await asyncio.wait_for(engine.dispose(), 5)
