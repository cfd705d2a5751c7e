"""`learnbot seed` and `learnbot content ...` run as real processes on a SQLite file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from db import migrations
from db.migrations import PROJECT_ROOT


def learnbot(database: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *map(str, args)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def row_counts(database: Path) -> tuple[int, ...]:
    with closing(sqlite3.connect(database)) as conn:
        return tuple(
            conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("modules", "lessons", "exercises")
        )


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    migrations.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


def test_importing_a_bad_file_lists_the_problems_and_writes_nothing(
    database: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "module: {title: No slug}\n"
        "lessons:\n"
        "  - {slug: a, title: A, content: c, pass_score: 200}\n"
        "  - slug: b\n"
        "    title: B\n"
        "    content: c\n"
        "    exercises:\n"
        "      - {type: multiple_choice, prompt: p, options: [x, y], answer: z}\n",
        encoding="utf-8",
    )

    result = learnbot(database, "content", "import", bad, "--publish")

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"course file {bad} has 3 problem(s):",
        "  module.slug: required",
        "  lessons[0].pass_score: must be an integer from 0 to 100",
        "  lessons[1].exercises[0].answer: not one of options",
    ]
    assert "Traceback" not in result.stderr
    assert row_counts(database) == (0, 0, 0)


def test_import_then_export_round_trips(database: Path, tmp_path: Path) -> None:
    course = tmp_path / "course.yaml"
    course.write_text(
        "module: {slug: m, title: M, order: 1}\n"
        "lessons:\n"
        "  - slug: a\n"
        "    title: A\n"
        "    content: |\n"
        "      Line one.\n"
        "      Line two.\n"
        "    exercises:\n"
        "      - {type: short_answer, prompt: p, answers: [42]}\n",
        encoding="utf-8",
    )
    imported = learnbot(database, "content", "import", course)
    assert imported.returncode == 0, imported.stderr
    assert "modules: 1 created" in imported.stdout
    assert row_counts(database) == (1, 1, 1)

    out = tmp_path / "out.yaml"
    exported = learnbot(database, "content", "export", "--module", "m", "-o", out)
    assert exported.returncode == 0, exported.stderr
    assert "content: |\n      Line one.\n      Line two.\n" in out.read_text(encoding="utf-8")

    again = learnbot(database, "content", "import", out)
    assert again.returncode == 0, again.stderr
    assert "nothing changed" in again.stdout

    unknown = learnbot(database, "content", "export", "--module", "nope")
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "learnbot: no module with slug 'nope'"


def test_seed_twice(tmp_path: Path) -> None:
    database = tmp_path / "seed.db"  # not migrated: seed does that itself

    first = learnbot(database, "seed")
    assert first.returncode == 0, first.stderr
    counts = row_counts(database)
    assert counts[0] >= 2 and counts[1] >= 6 and counts[2] >= 12

    second = learnbot(database, "seed")
    assert second.returncode == 0, second.stderr
    assert "nothing changed" in second.stdout
    assert row_counts(database) == counts
