"""A scratch database for one benchmark run: created empty, dropped afterwards.

MariaDB/MySQL: a fresh database on the server at TEST_MYSQL_URL (the one the tests use), so
the figures come from the server a deployment would use. SQLite: a file in a temporary folder.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pymysql
from sqlalchemy.engine import URL, make_url

MYSQL_URL = os.environ.get("TEST_MYSQL_URL", "mysql+aiomysql://root@127.0.0.1:3306/test")
KINDS = ("mysql", "sqlite")


def _mysql_admin(url: URL, sql: str) -> None:
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
    finally:
        conn.close()


@contextmanager
def scratch_database(kind: str) -> Iterator[str]:
    """An empty database of the given kind for as long as the block runs; yields its async URL."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        return
    if kind != "mysql":
        raise ValueError(f"unknown database kind {kind!r}; expected one of {KINDS}")
    server = make_url(MYSQL_URL)
    name = f"learnbot_bench_{uuid.uuid4().hex[:12]}"
    charset = "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    _mysql_admin(server, f"CREATE DATABASE `{name}` {charset}")
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        _mysql_admin(server, f"DROP DATABASE IF EXISTS `{name}`")
