"""The `learnbot` command line as a process: what an operator sees when something is missing,
the migration commands, and `--help` everywhere.

SQLite only: these tests check the process (exit codes, messages, no tracebacks), not
persistence.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

import pytest

from db import migrations
from tests.e2e.fake_telegram import TOKEN, FakeTelegram
from tests.e2e.process import child_env, free_port, learnbot, run_command
from tests.support.databases import sqlite_url


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert "Unclosed" not in result.stderr, result.stderr


def test_run_without_token_says_so(workdir: Path) -> None:
    result = run_command(learnbot("run"), env=child_env(), cwd=workdir)
    assert result.returncode != 0
    assert_no_traceback(result)
    message = result.stderr.strip()
    assert "BOT_TOKEN" in message
    assert "\n\n" not in message, "one paragraph"
    assert result.stdout == ""
    assert not list(workdir.iterdir()), "nothing is created without a token"


def test_run_on_an_unmigrated_database_says_to_upgrade(workdir: Path, tmp_path: Path) -> None:
    env = child_env(
        BOT_TOKEN=TOKEN,
        BOT_API_URL="http://127.0.0.1:9",  # never reached: the database check comes first
        DATABASE_URL=sqlite_url(tmp_path / "unmigrated.db"),
    )
    result = run_command(learnbot("run"), env=env, cwd=workdir)
    assert result.returncode == 1, result.stderr
    assert_no_traceback(result)
    assert "learnbot db upgrade" in result.stderr


async def test_run_with_a_rejected_token_says_so(
    fake_telegram: FakeTelegram, course_db: str, workdir: Path
) -> None:
    env = child_env(BOT_TOKEN="999:WRONG", BOT_API_URL=fake_telegram.url, DATABASE_URL=course_db)
    # The child is awaited in a thread: the fake server answering it runs on this event loop.
    result = await _run_in_thread(env, workdir)
    assert result.returncode == 1, result.stderr
    assert_no_traceback(result)
    assert "BOT_TOKEN" in result.stderr
    assert "401" in result.stderr
    assert fake_telegram.calls and all(c.token == "999:WRONG" for c in fake_telegram.calls)


async def test_run_with_the_bot_api_unreachable_says_so(course_db: str, workdir: Path) -> None:
    api = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    env = child_env(BOT_TOKEN=TOKEN, BOT_API_URL=api, DATABASE_URL=course_db)
    result = await _run_in_thread(env, workdir)
    assert result.returncode == 1, result.stderr
    assert_no_traceback(result)
    assert f"cannot reach the Bot API at {api}" in result.stderr


def test_run_with_redis_unreachable_says_so_without_its_password(
    workdir: Path, course_db: str
) -> None:
    closed = free_port()  # nothing listens there
    env = child_env(
        BOT_TOKEN=TOKEN,
        BOT_API_URL="http://127.0.0.1:9",  # never reached: Redis is checked first
        DATABASE_URL=course_db,
        REDIS_URL=f"redis://:hunter2@127.0.0.1:{closed}/0",
    )
    result = run_command(learnbot("run"), env=env, cwd=workdir)
    assert result.returncode == 1, result.stderr
    assert_no_traceback(result)
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(f"learnbot: cannot reach Redis at redis://127.0.0.1:{closed}/0")
    assert "hunter2" not in result.stderr


async def _run_in_thread(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(run_command, learnbot("run"), env=env, cwd=cwd)


def test_db_upgrade_then_current_prints_the_head(workdir: Path, tmp_path: Path) -> None:
    env = child_env(DATABASE_URL=sqlite_url(tmp_path / "fresh.db"))
    head = migrations.head_revision()
    assert head is not None

    before = run_command(learnbot("db", "current"), env=env, cwd=workdir)
    assert before.returncode == 0, before.stderr
    assert head not in before.stdout

    upgraded = run_command(learnbot("db", "upgrade"), env=env, cwd=workdir)
    assert upgraded.returncode == 0, upgraded.stderr
    assert_no_traceback(upgraded)
    assert head in upgraded.stdout

    current = run_command(learnbot("db", "current"), env=env, cwd=workdir)
    assert current.returncode == 0, current.stderr
    assert_no_traceback(current)
    assert head in current.stdout


@pytest.mark.parametrize("command", [("db", "current"), ("db", "upgrade"), ("chat",)])
def test_an_unreachable_database_is_one_clear_line(workdir: Path, command: tuple[str, ...]) -> None:
    # Port 1 on loopback refuses at once: nothing listens there.
    env = child_env(DATABASE_URL="mysql+aiomysql://learnbot:secret@127.0.0.1:1/learnbot")
    result = run_command(learnbot(*command), env=env, cwd=workdir)
    assert result.returncode == 1, result.stderr
    assert_no_traceback(result)
    assert "learnbot: database error at mysql+aiomysql://learnbot:***@127.0.0.1:1/learnbot" in (
        result.stderr
    )
    assert "secret" not in result.stderr


HELP_COMMANDS = [
    (),
    ("run",),
    ("chat",),
    ("db",),
    ("db", "upgrade"),
    ("db", "downgrade"),
    ("db", "current"),
    ("seed",),
    ("content",),
    ("content", "import"),
    ("content", "export"),
    ("scheduler",),
    ("jobs",),
    ("jobs", "run"),
    ("stats",),
]


@pytest.fixture(scope="module")
def help_results(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, ...], tuple[subprocess.CompletedProcess[str], Path]]:
    """Every `--help`, run side by side (each is a process start: together they are quicker)."""
    runs = {}
    with ThreadPoolExecutor(max_workers=4) as pool:
        for command in HELP_COMMANDS:
            cwd = tmp_path_factory.mktemp("help")
            future = pool.submit(
                run_command, learnbot(*command, "--help"), env=child_env(), cwd=cwd
            )
            runs[command] = (future, cwd)
        return {command: (future.result(), cwd) for command, (future, cwd) in runs.items()}


@pytest.mark.parametrize("command", HELP_COMMANDS, ids=lambda c: " ".join(c) or "learnbot")
def test_help(
    command: tuple[str, ...],
    help_results: dict[tuple[str, ...], tuple[subprocess.CompletedProcess[str], Path]],
) -> None:
    result, cwd = help_results[command]
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith(f"usage: {' '.join(['learnbot', *command])}"), result.stdout
    assert not list(cwd.iterdir()), "--help touches nothing"


@pytest.mark.parametrize(
    "command",
    [
        ["db", "current"],
        ["seed"],
        ["content", "export"],
        ["jobs", "run", "leaderboard"],
        ["stats"],
    ],
    ids=["db", "seed", "content", "jobs", "stats"],
)
def test_commands_that_need_no_telegram_do_not_import_aiogram(
    command: list[str], workdir: Path, tmp_path: Path
) -> None:
    # Importing aiogram takes seconds: an operator's quick commands must not pay for it.
    probe = (
        "import sys\n"
        "from bot.cli.main import main\n"
        f"main({command!r}, exit_on_success=False)\n"
        "assert not [m for m in sys.modules if m.startswith('aiogram')], 'aiogram was imported'\n"
    )
    env = child_env(DATABASE_URL=sqlite_url(tmp_path / "quick.db"))
    if command != ["seed"]:
        migrations.upgrade(sqlite_url(tmp_path / "quick.db"))
    result = run_command([sys.executable, "-c", probe], env=env, cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)


def test_version_is_the_installed_distributions_and_needs_no_aiogram(workdir: Path) -> None:
    probe = (
        "import sys\n"
        "from bot.cli.main import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "assert not [m for m in sys.modules if m.startswith('aiogram')], 'aiogram was imported'\n"
    )
    result = run_command([sys.executable, "-c", probe], env=child_env(), cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"learnbot {metadata.version('learnbot')}\n"
    assert not list(workdir.iterdir()), "--version writes nothing"


def test_chat_help_names_the_client_language(
    help_results: dict[tuple[str, ...], tuple[subprocess.CompletedProcess[str], Path]],
) -> None:
    result, _ = help_results[("chat",)]
    assert "--language CODE" in result.stdout


def test_a_table_whose_reader_went_away_ends_quietly(workdir: Path, tmp_path: Path) -> None:
    """`learnbot stats | head -1`: the reader closes the pipe before the table is written."""
    url = sqlite_url(tmp_path / "stats.db")
    migrations.upgrade(url)
    with subprocess.Popen(
        learnbot("stats"),
        env=child_env(DATABASE_URL=url),
        cwd=workdir,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        stderr = proc.stderr.read().decode()
        code = proc.wait(timeout=60)
    assert "Traceback" not in stderr, stderr
    assert code == 0, stderr
