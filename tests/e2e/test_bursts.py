"""`learnbot run` (webhook mode) on MariaDB meeting what an announcement to a big course
causes: hundreds of new learners at once on a machine whose cores are busy with other work,
and one learner flooding the bot while others use it.

A learner in a burst gets their real answer, late if need be: the "I can't reach my notes"
text is for a database that is down, not for one that is busy. A flooder's excess is dropped
with one notice before it costs database work, and the others are answered.

MariaDB/MySQL only (skipped without one, a failure under CI).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import texts
from bot.texts import outage
from tests.e2e.fake_telegram import TOKEN, Call, FakeTelegram
from tests.e2e.process import BotProcess, assert_clean_exit, child_env, free_port
from tests.e2e.updates import text_message, user
from tests.support.cpu_load import busy_processes
from tests.support.i18n import reading

SECRET = "burst-secret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Generous bounds for a loaded 2-core machine: a failure here is a hang, not slowness.
READY_WITHIN = 30.0
POST_WITHIN = 120.0
FIRST_ID = 800_000


def _webhook_env(fake_telegram: FakeTelegram, url: str, port: int) -> dict[str, str]:
    return child_env(
        BOT_TOKEN=TOKEN,
        BOT_API_URL=fake_telegram.url,
        DATABASE_URL=url,
        LOG_LEVEL="INFO",
        WEBHOOK_URL=f"http://127.0.0.1:{port}/tg-hook",
        WEBHOOK_HOST="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET=SECRET,
    )


class Poster:
    """Posts updates to the bot's webhook as Telegram does, each held until it was handled."""

    def __init__(self, fake_telegram: FakeTelegram, hook: str, http: aiohttp.ClientSession):
        self.fake_telegram = fake_telegram
        self.hook = hook
        self.http = http

    async def post(self, update: dict[str, Any]) -> int:
        payload = {"update_id": self.fake_telegram.next_update_id(), **update}
        headers = {SECRET_HEADER: SECRET}
        async with self.http.post(self.hook, json=payload, headers=headers) as response:
            return response.status


def _texts_to(calls: list[Call], chat_id: int) -> list[str]:
    return [str(c.params["text"]) for c in calls if c.params.get("chat_id") == chat_id]


def _count(calls: list[Call], chat_ids: set[int], matches: Callable[[str], bool]) -> int:
    return sum(
        1 for c in calls if c.params.get("chat_id") in chat_ids and matches(c.params["text"])
    )


async def _users(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT COUNT(*) FROM users"))).scalar_one())


def _http() -> aiohttp.ClientSession:
    # No cap on connections: every update of the burst is in flight at once.
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0),
        timeout=aiohttp.ClientTimeout(total=POST_WITHIN),
    )


async def test_a_burst_of_new_learners_on_a_busy_machine_is_answered_not_told_of_an_outage(
    fake_telegram: FakeTelegram, mysql_course_url: str, engine: AsyncEngine, workdir: Path
) -> None:
    port = free_port()
    env = _webhook_env(fake_telegram, mysql_course_url, port)
    learners = [user(FIRST_ID + n, f"Learner{n}") for n in range(200)]
    ids = {learner["id"] for learner in learners}
    with reading("en"):
        unavailable = str(outage.DATABASE_UNAVAILABLE)

    with BotProcess(["run"], env=env, cwd=workdir) as bot:
        await bot.expect(fake_telegram.wait_for("setWebhook", timeout=READY_WITHIN))
        async with _http() as http:
            poster = Poster(fake_telegram, f"http://127.0.0.1:{port}/tg-hook", http)
            since = len(fake_telegram.calls)
            with busy_processes(4, seconds=POST_WITHIN):
                statuses = await bot.expect(
                    asyncio.gather(
                        *(poster.post(text_message("/start", sender=who)) for who in learners)
                    )
                )
        sent = fake_telegram.calls_of("sendMessage", since=since)
        welcomes = _count(sent, ids, lambda t: "Hi, Learner" in t)
        outages = _count(sent, ids, lambda t: t == unavailable)
        registered = await _users(engine)
        figures = f"{welcomes} welcomes, {outages} outage texts, {registered} users rows"
        print(f"burst of 200: {figures}")
        assert statuses == [200] * len(learners), figures
        assert (welcomes, outages, registered) == (200, 0, 200), figures

        code = await bot.interrupt()
        assert_clean_exit(code, bot.stderr)
        assert "database unavailable" not in bot.stderr


async def test_a_flood_from_one_user_is_throttled_while_fifty_learners_are_answered(
    fake_telegram: FakeTelegram, mysql_course_url: str, engine: AsyncEngine, workdir: Path
) -> None:
    port = free_port()
    env = _webhook_env(fake_telegram, mysql_course_url, port)
    learners = [user(FIRST_ID + n, f"Learner{n}") for n in range(50)]
    flooder = user(FIRST_ID + 999, "Flood")
    with reading("en"):
        throttled = str(texts.THROTTLED)
        help_text = str(texts.HELP)

    with BotProcess(["run"], env=env, cwd=workdir) as bot:
        await bot.expect(fake_telegram.wait_for("setWebhook", timeout=READY_WITHIN))
        async with _http() as http:
            poster = Poster(fake_telegram, f"http://127.0.0.1:{port}/tg-hook", http)
            since = len(fake_telegram.calls)
            # Forty at a time, as Telegram's webhook connections are by default.
            flood_lanes = asyncio.Semaphore(40)

            async def flood_one(n: int) -> int:
                async with flood_lanes:
                    return await poster.post(text_message("/help", message_id=n, sender=flooder))

            waits: list[float] = []

            async def learner_start(who: dict[str, Any]) -> int:
                started = time.monotonic()
                status = await poster.post(text_message("/start", sender=who))
                waits.append(time.monotonic() - started)
                return status

            flood = asyncio.gather(*(flood_one(n) for n in range(1, 501)))
            # The learners arrive once the flood is under way.
            await bot.expect(fake_telegram.wait_for("sendMessage", timeout=READY_WITHIN))
            others = asyncio.gather(*(learner_start(who) for who in learners))
            flood_statuses, learner_statuses = await bot.expect(asyncio.gather(flood, others))
        sent = fake_telegram.calls_of("sendMessage", since=since)
        welcomed = {c.params["chat_id"] for c in sent if "Hi, Learner" in str(c.params["text"])}
        to_flooder = _texts_to(sent, flooder["id"])
        helps = sum(1 for t in to_flooder if t.startswith(help_text[:20]))
        notices = to_flooder.count(throttled)
        print(
            f"flood of 500: {helps} answered, {notices} notices; the 50 others waited "
            f"{max(waits):.2f} s at most"
        )
        assert flood_statuses == [200] * 500
        assert learner_statuses == [200] * 50
        assert welcomed == {who["id"] for who in learners}, "every learner got their welcome"

        code = await bot.interrupt()
        stderr = bot.stderr
    assert_clean_exit(code, stderr)
    flooder_lines = [line for line in stderr.splitlines() if f"from {flooder['id']}:" in line]
    dropped = sum(1 for line in flooder_lines if " throttled in " in line)
    handled = sum(1 for line in flooder_lines if " ok in " in line)
    floods = stderr.count(f"learner {flooder['id']} throttled")
    assert handled + dropped == 500, flooder_lines[:5]
    assert handled == helps, "each update let through was answered"
    assert floods >= 1
    assert notices == floods, "one notice per flood, not one per dropped update"
    assert handled <= 20 * (floods + 1), "at most the policy's 20 in each window"
    assert await _users(engine) == 51
