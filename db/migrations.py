"""Alembic driven from code: used by `learnbot db ...`, `learnbot chat` and the tests."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import TextIO

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# An installed wheel carries the repository's alembic/ inside this package (pyproject.toml);
# a checkout runs the repository's own.
PACKAGED_SCRIPTS = Path(__file__).resolve().with_name("alembic")


def script_location() -> Path:
    """The folder of env.py and versions/: the packaged copy when installed from a wheel."""
    if (PACKAGED_SCRIPTS / "env.py").is_file():
        return PACKAGED_SCRIPTS
    return PROJECT_ROOT / "alembic"


def alembic_config(database_url: str, *, stdout: TextIO = sys.stdout) -> Config:
    # No ini file: alembic.ini serves the `alembic` command in a checkout (`alembic revision`
    # and its logging); from code everything is set here, so a wheel needs none.
    cfg = Config(stdout=stdout)
    cfg.set_main_option("script_location", str(script_location()))
    # ConfigParser interpolation would choke on a password with '%'.
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    cfg.attributes["configure_logging"] = False
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "-1") -> None:
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str) -> str:
    buffer = io.StringIO()
    command.current(alembic_config(database_url, stdout=buffer))
    return buffer.getvalue().strip()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def database_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )
