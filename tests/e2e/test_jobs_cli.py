"""`learnbot jobs run` and `learnbot scheduler` as processes: each job by hand from the shell
and what it left (the board the Leaderboard screen then shows), and the scheduler on its own,
with the broadcast sender beside it."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.config import Settings
from bot.services.context import Context
from db.engine import create_engine, create_sessionmaker
from db.enums import ActivityType, BroadcastKind, DeliveryStatus, JobStatus
from db.models import Broadcast, BroadcastDelivery, JobRun, User
from tests.e2e.fake_telegram import TOKEN, FakeTelegram
from tests.e2e.process import BotProcess, child_env, free_port, learnbot, run_command
from tests.support.chat import make_chat
from tests.support.databases import migrated_database
from tests.support.factories import count, insert_row
from tests.support.leaderboard import add_learners, add_ledger

ADA = 1000  # make_chat's learner


async def test_jobs_run_leaderboard_builds_the_board_the_screen_shows(
    tmp_path: Path, workdir: Path
) -> None:
    url = await migrated_database(tmp_path / "jobs.db")
    engine = create_engine(url)
    try:
        # The child runs on the system clock: XP earned now is this week's too.
        now = datetime.now(UTC)
        await add_learners(engine, {1: "Bob", 2: "Cy", ADA: "Ada", 3: "Dee"}, now)
        await add_ledger(
            engine,
            [
                (1, ActivityType.LESSON_COMPLETED, 30, now),
                (2, ActivityType.CHALLENGE_SOLVED, 20, now),
                (ADA, ActivityType.CHALLENGE_SOLVED, 20, now),
                (3, ActivityType.LESSON_STARTED, 0, now),
            ],
        )

        env = child_env(DATABASE_URL=url)
        result = await asyncio.to_thread(
            run_command, learnbot("jobs", "run", "leaderboard"), env=env, cwd=workdir
        )

        assert result.returncode == 0, result.stderr
        assert re.fullmatch(r"leaderboard: 6 rows in \d+\.\d\d s\n", result.stdout), result.stdout
        assert "Traceback" not in result.stderr

        settings = Settings(_env_file=None, database_url=url, bot_token=None)
        chat = make_chat(settings, create_sessionmaker(engine), Context())
        try:
            await chat.send_text("/leaderboard")
            assert chat.last_text.splitlines()[3:] == [
                "🥇 Bob · 30 XP",
                "🥈 Cy · 20 XP",
                "<b>🥈 Ada · 20 XP ← you</b>",
            ]
        finally:
            await chat.bot.session.close()
    finally:
        await engine.dispose()


def test_jobs_run_refuses_a_job_not_in_the_table(workdir: Path) -> None:
    result = run_command(learnbot("jobs", "run", "nonsense"), env=child_env(), cwd=workdir)
    assert result.returncode == 2
    assert (
        "invalid choice: 'nonsense' (choose from 'leaderboard', 'streaks', 'reminders')"
        in result.stderr
    )
    assert "Traceback" not in result.stderr


async def test_jobs_run_streaks_and_reminders_from_the_shell(tmp_path: Path, workdir: Path) -> None:
    url = await migrated_database(tmp_path / "jobs.db")
    engine = create_engine(url)
    now = datetime.now(UTC)
    today = now.date()
    try:
        async with engine.begin() as conn:
            # Last active four days ago with no freeze: the streak is broken.
            lapsed = await insert_row(
                conn,
                User,
                telegram_id=1,
                current_streak=3,
                longest_streak=3,
                last_active_date=today - timedelta(days=4),
                streak_due_at=now - timedelta(days=2),
            )
            # Active yesterday, reminder hour come: reminded.
            await insert_row(
                conn,
                User,
                telegram_id=2,
                current_streak=2,
                longest_streak=2,
                last_active_date=today - timedelta(days=1),
                reminder_hour=0,
                remind_at=now - timedelta(minutes=1),
                streak_due_at=now + timedelta(days=1),
            )
        env = child_env(DATABASE_URL=url, DEFAULT_TIMEZONE="UTC")
        streaks = await asyncio.to_thread(
            run_command, learnbot("jobs", "run", "streaks"), env=env, cwd=workdir
        )
        reminders = await asyncio.to_thread(
            run_command, learnbot("jobs", "run", "reminders"), env=env, cwd=workdir
        )

        assert streaks.returncode == 0, streaks.stderr
        assert re.fullmatch(r"streaks: 1 rows in \d+\.\d\d s\n", streaks.stdout), streaks.stdout
        assert await count(engine, User, id=lapsed, current_streak=0) == 1
        assert reminders.returncode == 0, reminders.stderr
        assert re.fullmatch(r"reminders: 1 rows in \d+\.\d\d s\n", reminders.stdout)
        reminded = await count(engine, Broadcast, kind=BroadcastKind.REMINDER)
        assert reminded == 1
        # The lapsed learner's 3-day streak earned an achievement nobody had given them yet:
        # the upkeep's catch-up award, told through the outbox.
        assert await count(engine, Broadcast, kind=BroadcastKind.NOTICE) == 1
        assert await count(engine, BroadcastDelivery, user_id=lapsed, payload="streak_3") == 1
        assert await count(engine, BroadcastDelivery) == 2
    finally:
        await engine.dispose()


async def test_the_scheduler_process_runs_its_jobs_and_sends_what_is_queued(
    tmp_path: Path, workdir: Path, fake_telegram: FakeTelegram
) -> None:
    """`learnbot scheduler` alone: the leaderboard job fires on its own, the sender delivers a
    queued broadcast, and SIGINT stops both cleanly."""
    url = await migrated_database(tmp_path / "scheduler.db")
    engine = create_engine(url)
    try:
        now = datetime.now(UTC)
        await add_learners(engine, {1: "Bob", 2: "Cy"}, now)
        await add_ledger(engine, [(1, ActivityType.LESSON_COMPLETED, 30, now)])
        async with engine.begin() as conn:
            broadcast_id = await insert_row(
                conn,
                Broadcast,
                kind=BroadcastKind.COPY,
                text="",
                source_chat_id=99,
                source_message_id=7,
                created_at=now,
            )
            for user_id in await user_ids(conn):
                await insert_row(
                    conn, BroadcastDelivery, broadcast_id=broadcast_id, user_id=user_id
                )
        env = child_env(
            DATABASE_URL=url,
            BOT_TOKEN=TOKEN,
            BOT_API_URL=fake_telegram.url,
            # The shortest interval: its first run comes within 10 s.
            LEADERBOARD_REFRESH_SECONDS="10",
            HEALTH_PORT=str(health_port := free_port()),
        )
        with BotProcess(["scheduler"], env=env, cwd=workdir) as scheduler:
            first = await scheduler.expect(fake_telegram.wait_for("copyMessage", timeout=20))
            await scheduler.expect(wait_until_ran(engine, "leaderboard", within=30))
            # The scheduler's own counters, on HEALTH_PORT as a polling bot serves them.
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http,
                http.get(f"http://127.0.0.1:{health_port}/metrics") as response,
            ):
                assert response.status == 200
                exposition = await response.text()
            samples = {
                (sample.name, tuple(sorted(sample.labels.items()))): sample.value
                for family in text_string_to_metric_families(exposition)
                for sample in family.samples
            }
            ran = ("learnbot_job_runs_total", (("job", "leaderboard"), ("result", "ok")))
            assert samples[ran] >= 1
            code = await scheduler.interrupt()
            stderr = scheduler.stderr
        assert code == 0, stderr
        assert "Traceback" not in stderr, stderr
        assert str(first.params["message_id"]) == "7"
        assert len(fake_telegram.calls_of("copyMessage")) == 2
        assert await count(engine, BroadcastDelivery, status=DeliveryStatus.SENT) == 2
        assert await count(engine, JobRun, job="leaderboard", status=JobStatus.OK) >= 1
    finally:
        await engine.dispose()


async def user_ids(conn: AsyncConnection) -> list[int]:
    return list(await conn.scalars(select(User.id)))


async def wait_until_ran(engine: AsyncEngine, job: str, within: float) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not await count(engine, JobRun, job=job, status=JobStatus.OK):
        assert asyncio.get_running_loop().time() < deadline, f"{job} did not run within {within}s"
        await asyncio.sleep(0.2)
