"""`learnbot stats` prints the service's figures as plain tables, and needs no aiogram."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.cli.main import main
from bot.cli.stats import render, table
from bot.services.context import Context
from db import migrations
from db.clock import Clock, ManualClock
from db.migrations import PROJECT_ROOT
from tests.support.analytics import NOW, build_course, stats_of
from tests.support.databases import sqlite_url


@pytest.fixture
def clock() -> Clock:
    return ManualClock(NOW)


def test_tables_align_their_columns() -> None:
    assert table(["lesson", "n"], [["Loops", "12"], ["A much longer one", "3"]]).splitlines() == [
        "lesson              n",
        "-----------------  --",
        "Loops              12",
        "A much longer one   3",
    ]


async def test_the_tables_carry_the_figures(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    await build_course(engine)
    text = render(await stats_of(sessionmaker, context))
    lines = text.splitlines()
    assert lines[0] == "Learners: 8, active in the last 7 days: 5"
    # The figures of tests/unit/test_analytics.py, worked out by hand there.
    row = next(line for line in lines if line.startswith("1.1"))
    assert row.split() == ["1.1", "Variables", "6", "3", "50%", "60%", "1.8", "75%", "275s"]
    reading = next(line for line in lines if line.startswith("1.2") and "Reading" in line)
    assert reading.split()[:9] == ["1.2", "Reading", "4", "3", "75%", "-", "-", "-", "75s"]
    hardest = text.split("Hardest lessons")[1].split("Drop-off")[0]
    assert [line.split()[:2] for line in hardest.splitlines()[3:] if line] == [
        ["1.3", "Loops"],
        ["1.1", "Variables"],
    ]
    basics = next(line for line in lines if line.startswith("Basics"))
    assert basics.split() == ["Basics", "6", "3", "50%"]


def test_the_command_prints_tables_without_importing_aiogram(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "stats.db")
    migrations.upgrade(url)
    # Importing aiogram takes seconds: an operator's quick commands must not pay for it.
    probe = (
        "import sys\n"
        "from bot.cli.main import main\n"
        "main(['stats', '--min-completions', '2'], exit_on_success=False)\n"
        "assert not [m for m in sys.modules if m.startswith('aiogram')], 'aiogram was imported'\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib was imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Learners: 0, active in the last 7 days: 0",
        "",
        "No published lessons yet.",
    ]


def test_min_completions_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["stats", "--min-completions", "0"])
    assert exit_.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err
