"""Real databases for the tests: a fresh SQLite file or a fresh MariaDB/MySQL database each.

Persistence tests run once per kind; outside CI an unreachable MySQL skips its half with the
reason, under CI=true it fails.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pymysql
import pytest
from sqlalchemy import delete
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.services.content.importer import import_course
from bot.services.content.parse import parse_course
from bot.services.context import Context
from db import migrations
from db.engine import create_engine, create_sessionmaker
from db.models import Achievement, Base, ContentVersion

MYSQL_URL = os.environ.get("TEST_MYSQL_URL", "mysql+aiomysql://root@127.0.0.1:3306/test")
KINDS = ("sqlite", "mysql")

# Rows that migrations create and the tests must keep.
CATALOGUE_TABLES = {Achievement.__tablename__, ContentVersion.__tablename__}


def mysql_unavailable_reason() -> str | None:
    """None when the test MySQL answers, otherwise why not."""
    url = make_url(MYSQL_URL)
    try:
        pymysql.connect(
            host=url.host or "127.0.0.1",
            port=url.port or 3306,
            user=url.username or "root",
            password=url.password or "",
            connect_timeout=3,
        ).close()
    except pymysql.MySQLError as exc:
        return f"MySQL at {url.render_as_string(hide_password=True)} is not reachable: {exc}"
    return None


def require_kind(kind: str) -> None:
    """Skip (or, under CI, fail) the current test when its kind of database is not there."""
    if kind != "mysql":
        return
    reason = mysql_unavailable_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI requires MySQL: {reason}")
    pytest.skip(reason)


def _mysql_admin(sql: str) -> list[tuple[Any, ...]]:
    url = make_url(MYSQL_URL)
    conn = pymysql.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 3306,
        user=url.username or "root",
        password=url.password or "",
        autocommit=True,
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return list(cursor.fetchall())
    finally:
        conn.close()


def operator_sql(database_url: str, statement: str) -> int:
    """Run one statement as an operator at a SQL prompt would: through the plain driver
    (sqlite3, pymysql), committed at once, with none of the application's code in between.
    The number of rows it changed."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        connection = sqlite3.connect(url.database, timeout=30)
        try:
            with connection:  # commits on leaving
                return connection.execute(statement).rowcount
        finally:
            connection.close()
    conn = pymysql.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 3306,
        user=url.username or "root",
        password=url.password or "",
        database=url.database,
        autocommit=True,
    )
    try:
        with conn.cursor() as cursor:
            return int(cursor.execute(statement))
    finally:
        conn.close()


def kill_connections(database_url: str) -> int:
    """Drop, server side, every connection to the URL's MySQL database (as a server restart or
    a network cut would); how many there were."""
    name = make_url(database_url).database
    ids = _mysql_admin(f"SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '{name}'")
    for (connection_id,) in ids:
        _mysql_admin(f"KILL CONNECTION {int(connection_id)}")
    return len(ids)


@contextmanager
def empty_database(kind: str, directory: Path) -> Iterator[str]:
    """An empty database of the given kind, dropped afterwards; yields its async URL."""
    if kind == "sqlite":
        yield sqlite_url(directory / f"learnbot-{uuid.uuid4().hex[:8]}.db")
        return
    name = f"learnbot_test_{uuid.uuid4().hex[:12]}"
    _mysql_admin(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    try:
        yield make_url(MYSQL_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        _mysql_admin(f"DROP DATABASE IF EXISTS `{name}`")


async def empty_tables(engine: AsyncEngine) -> None:
    """Delete every row a test may have written, keeping the migrations' catalogue rows."""
    async with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in CATALOGUE_TABLES:
                await conn.execute(delete(table))


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


async def migrated_database(path: Path, course: str | None = None) -> str:
    """A migrated SQLite database at `path`, with `course` imported and published if given."""
    url = sqlite_url(path)
    await asyncio.to_thread(migrations.upgrade, url)
    if course is not None:
        engine = create_engine(url)
        try:
            async with create_sessionmaker(engine)() as session:
                await import_course(session, Context(), parse_course(course), publish=True)
        finally:
            await engine.dispose()
    return url
