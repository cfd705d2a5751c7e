"""The course-content CLI commands (`seed`, `content import`, `content export`).

Each opens the database through the app builder (bot.app), does one service call and reports in
plain words: expected failures (a bad file, an unknown slug, an unreachable or unmigrated
database) print a message to stderr and return 1, never a traceback.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.database import database
from bot.services.content.exporter import export_course
from bot.services.content.importer import import_course
from bot.services.content.parse import load_course_file
from bot.services.content.sample import seed_sample_course
from bot.services.content.spec import CourseFileError
from bot.services.context import Context

T = TypeVar("T")


class _DatabaseError(Exception):
    pass


async def _with_session(
    settings: Settings, work: Callable[[AsyncSession, Context], Awaitable[T]]
) -> T:
    try:
        async with database(settings) as db, db.sessionmaker() as session:
            return await work(session, db.context)
    except DBAPIError as exc:
        raise _DatabaseError(str(exc.orig)) from exc


def _database_problem(exc: _DatabaseError) -> int:
    print(
        f"learnbot: database error: {exc}\n(is the database reachable and migrated? "
        "run `learnbot db upgrade`)",
        file=sys.stderr,
    )
    return 1


async def seed(settings: Settings) -> int:
    """Migrate the database to head, then import and publish the sample course."""
    from db import migrations  # Alembic is slow to import and chatty; only seed needs it

    try:
        await asyncio.to_thread(migrations.upgrade, settings.database_url)
    except DBAPIError as exc:
        return _database_problem(_DatabaseError(str(exc.orig)))
    try:
        report = await _with_session(settings, seed_sample_course)
    except _DatabaseError as exc:
        return _database_problem(exc)
    print("sample course:")
    print(report.summary())
    return 0


async def content_import(settings: Settings, path: Path, *, publish: bool) -> int:
    """Validate the whole file, then import it; a file with any problem writes nothing."""
    try:
        modules = load_course_file(path)
    except CourseFileError as exc:
        print(f"course file {path} has {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    try:
        report = await _with_session(
            settings, lambda session, ctx: import_course(session, ctx, modules, publish=publish)
        )
    except _DatabaseError as exc:
        return _database_problem(exc)
    print(f"imported {path}{' (published)' if publish else ''}:")
    print(report.summary())
    return 0


async def content_export(settings: Settings, module_slug: str | None, output: Path | None) -> int:
    """Write the modules (or one) as a course file to `output`, or to standard output."""
    try:
        text = await _with_session(settings, lambda session, _: export_course(session, module_slug))
    except LookupError as exc:
        print(f"learnbot: {exc.args[0]}", file=sys.stderr)
        return 1
    except _DatabaseError as exc:
        return _database_problem(exc)
    if output is None:
        sys.stdout.write(text)
        return 0
    try:
        await asyncio.to_thread(output.write_text, text, encoding="utf-8")
    except OSError as exc:
        print(f"learnbot: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {output}")
    return 0
