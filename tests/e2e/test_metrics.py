"""`GET /metrics` of a real `learnbot run` (webhook mode, the fake Bot API): after learners' first
steps and an admin's broadcast, the counters moved by exactly what happened, the output is valid
Prometheus text, and it names no learner and holds no secret.

SQLite only: this checks the process's wiring, not persistence (the outbox figures' query runs
on both databases in tests/unit/test_monitoring.py).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.fake_telegram import TOKEN, Call, FakeTelegram
from tests.e2e.process import START_WITHIN, BotProcess, assert_clean_exit, child_env, free_port
from tests.e2e.updates import button_data, callback_query, text_message, user

SECRET = "m3trics-secret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Ids no figure of a small run could be equal to by chance.
LEARNERS = [user(731_500_001 + n, f"Learner{n}") for n in range(3)]
ADMIN = user(731_599_999, "Admin")

Samples = list[tuple[str, dict[str, str], float]]


def parse(exposition: str) -> Samples:
    return [
        (sample.name, sample.labels, sample.value)
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    ]


def total(samples: Samples, name: str, **labels: str) -> float:
    return sum(
        value
        for sample, found, value in samples
        if sample == name and all(found.get(k) == v for k, v in labels.items())
    )


def names(samples: Samples) -> set[str]:
    return {name for name, _, _ in samples}


async def until(check: Callable[[], Awaitable[bool]], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within} s: {what}")
        await asyncio.sleep(0.1)


async def test_metrics_count_a_journey_and_a_broadcast_without_naming_anyone(
    fake_telegram: FakeTelegram, course_db: str, workdir: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    hook = f"{base}/tg-hook"
    env = child_env(
        BOT_TOKEN=TOKEN,
        BOT_API_URL=fake_telegram.url,
        DATABASE_URL=course_db,
        ADMIN_IDS=str(ADMIN["id"]),
        WEBHOOK_URL=hook,
        WEBHOOK_HOST="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET=SECRET,
        LEADERBOARD_REFRESH_SECONDS="10",
        BROADCAST_RATE="100",
    )
    with BotProcess(["run"], env=env, cwd=workdir) as bot:
        await bot.expect(fake_telegram.wait_for("setWebhook", timeout=START_WITHIN))
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:

            async def scrape() -> tuple[str, Samples]:
                async with http.get(f"{base}/metrics") as response:
                    assert response.status == 200
                    assert response.headers["Content-Type"].startswith("text/plain")
                    text = await response.text()
                return text, parse(text)

            async def post(update: dict[str, Any]) -> None:
                payload = {"update_id": fake_telegram.next_update_id(), **update}
                headers = {SECRET_HEADER: SECRET}
                async with http.post(hook, json=payload, headers=headers) as response:
                    assert response.status == 200

            def to(who: dict[str, Any]) -> Callable[[Call], bool]:
                return lambda call: call.params.get("chat_id") == who["id"]

            _, before = await scrape()
            assert total(before, "learnbot_updates_total") == 0
            assert total(before, "learnbot_update_duration_seconds_count") == 0

            # Three learners meet the bot; the first goes on to the lesson.
            for learner in LEARNERS:
                await post(text_message("/start", sender=learner))
            welcome = await bot.expect(fake_telegram.wait_for("sendMessage", to(LEARNERS[0])))
            since = len(fake_telegram.calls)
            press = button_data(welcome.params["reply_markup"], "Continue")
            await post(callback_query(press, welcome.result, query_id="m-1", sender=LEARNERS[0]))
            await bot.expect(fake_telegram.wait_for("editMessageText", since=since))

            # The admin copies a message of theirs to every learner.
            await post(text_message("/start", sender=ADMIN))
            since = len(fake_telegram.calls)
            source = text_message("Hello, learners", message_id=50, sender=ADMIN)["message"]
            broadcast = text_message("/broadcast", message_id=51, sender=ADMIN)
            broadcast["message"]["reply_to_message"] = source
            await post(broadcast)
            confirm = await bot.expect(
                fake_telegram.wait_for("sendMessage", to(ADMIN), since=since)
            )
            send = button_data(confirm.params["reply_markup"], "Send")
            await post(callback_query(send, confirm.result, query_id="m-2", sender=ADMIN))
            updates = len(LEARNERS) + 1 + 3
            recipients = len(LEARNERS) + 1  # the admin, who met the bot too, gets a copy

            async def all_copied() -> bool:
                return len(fake_telegram.calls_of("copyMessage")) == recipients

            await bot.expect(until(all_copied, 30, "a copy to each learner"))

            async def counted() -> bool:
                # The sender counts a copy once Telegram took it: a scrape may come first.
                _, now = await scrape()
                return (
                    total(now, "learnbot_broadcast_messages_total", result="sent") == recipients
                    and total(now, "learnbot_job_runs_total", job="leaderboard") >= 1
                    # The database's figures are read again a few seconds after the last read.
                    and "learnbot_leaderboard_age_seconds" in names(now)
                )

            # The leaderboard's first rebuild comes within LEADERBOARD_REFRESH_SECONDS.
            await bot.expect(until(counted, 40, "the sends and a leaderboard run counted"))
            text, after = await scrape()

        code = await bot.interrupt()
        assert_clean_exit(code, bot.stderr)

    assert total(after, "learnbot_updates_total") == updates
    assert total(after, "learnbot_updates_total", outcome="ok") == updates
    starts = [
        value
        for name, labels, value in after
        if name == "learnbot_updates_total" and labels["handler"].startswith("start.")
    ]
    assert sum(starts) == len(LEARNERS) + 1, after
    assert total(after, "learnbot_update_duration_seconds_count") == updates
    assert total(after, "learnbot_updates_in_flight") == 0
    assert total(after, "learnbot_broadcast_messages_total") == recipients, "only sent ones"
    assert total(after, "learnbot_job_runs_total", job="leaderboard", result="ok") >= 1
    assert total(after, "learnbot_job_duration_seconds_count", job="leaderboard") >= 1
    assert total(after, "learnbot_metrics_database_up") == 1
    # The broadcast is done: nothing of it is left in the outbox's figures.
    assert total(after, "learnbot_outbox_deliveries", status="pending") == 0
    # Built by that run: the board has an age now (its value is a time: not asserted).
    assert [v for n, _, v in after if n == "learnbot_leaderboard_age_seconds"] != [], after
    pools = {labels["pool"] for name, labels, _ in after if name.startswith("learnbot_db_pool")}
    assert pools == {"serving", "jobs"}
    assert {
        "learnbot_updates_total",
        "learnbot_update_duration_seconds_bucket",
        "learnbot_updates_in_flight",
        "learnbot_db_pool_checked_out_connections",
        "learnbot_outbox_deliveries",
        "learnbot_broadcast_messages_total",
        "learnbot_job_runs_total",
        "learnbot_job_duration_seconds_bucket",
        "learnbot_leaderboard_age_seconds",
    } <= names(after)

    for secret in (TOKEN, TOKEN.split(":")[1], SECRET):
        assert secret not in text
    for person in [*LEARNERS, ADMIN]:
        assert str(person["id"]) not in text
        assert person["first_name"] not in text
