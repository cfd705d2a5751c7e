"""SIGTERM with updates in flight: each is finished (its reply sent) before the process exits
0, or, when the grace period runs out, Telegram still has it and it is handled after the
restart. The fake Bot API holds the bot's replies, so the handlers are mid-flight at SIGTERM.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import aiohttp

from tests.e2e.fake_telegram import TOKEN, FakeTelegram
from tests.e2e.process import START_WITHIN, BotProcess, assert_clean_exit, child_env, free_port
from tests.e2e.updates import text_message, user

LEARNERS = [user(7100 + i, f"Learner {i}") for i in range(3)]
SECRET = "shutdown-secret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def replied_to(fake: FakeTelegram, since: int = 0) -> set[int]:
    return {c.params["chat_id"] for c in fake.calls_of("sendMessage", since=since)}


async def terminate(bot: BotProcess) -> None:
    assert bot.proc.poll() is None, bot.describe()
    bot.proc.send_signal(signal.SIGTERM)


async def test_polling_finishes_the_updates_in_flight_then_confirms_them(
    fake_telegram: FakeTelegram, course_db: str, workdir: Path
) -> None:
    env = child_env(BOT_TOKEN=TOKEN, BOT_API_URL=fake_telegram.url, DATABASE_URL=course_db)
    with BotProcess(["run"], env=env, cwd=workdir) as bot:
        await bot.expect(fake_telegram.wait_for("getUpdates", timeout=START_WITHIN))
        held = fake_telegram.hold("sendMessage")
        updates = [fake_telegram.push_update(text_message("/help", sender=u)) for u in LEARNERS]
        await bot.expect(held.until_waiting(len(LEARNERS)))

        await terminate(bot)
        await asyncio.sleep(0.5)  # stopping, with every handler still waiting on Telegram
        assert bot.proc.poll() is None, "the process waits for its handlers"
        fake_telegram.unhold("sendMessage")
        code = await bot.wait()
        assert_clean_exit(code, bot.stderr)

    assert replied_to(fake_telegram) == {u["id"] for u in LEARNERS}
    last_poll = fake_telegram.calls_of("getUpdates")[-1]
    assert last_poll.params["offset"] == updates[-1]["update_id"] + 1, "handled, so confirmed"


async def test_polling_an_update_cut_off_by_the_grace_period_comes_again_after_a_restart(
    fake_telegram: FakeTelegram, course_db: str, workdir: Path
) -> None:
    env = child_env(
        BOT_TOKEN=TOKEN,
        BOT_API_URL=fake_telegram.url,
        DATABASE_URL=course_db,
        SHUTDOWN_GRACE_SECONDS="0.5",
    )
    learner = LEARNERS[0]
    with BotProcess(["run"], env=env, cwd=workdir) as bot:
        await bot.expect(fake_telegram.wait_for("getUpdates", timeout=START_WITHIN))
        held = fake_telegram.hold("sendMessage")
        update = fake_telegram.push_update(text_message("/help", sender=learner))
        await bot.expect(held.until_waiting(1))
        await terminate(bot)
        code = await bot.wait()
        assert_clean_exit(code, bot.stderr)
        assert "Telegram will deliver them again" in bot.stderr

    offsets = [c.params.get("offset") for c in fake_telegram.calls_of("getUpdates")]
    assert all(o is None or o <= update["update_id"] for o in offsets), offsets
    fake_telegram.unhold("sendMessage")
    await asyncio.sleep(0.2)  # the dead process's held request is answered into the void
    since = len(fake_telegram.calls)

    with BotProcess(["run"], env=env, cwd=workdir) as again:
        reply = await again.expect(
            fake_telegram.wait_for(
                "sendMessage",
                lambda c: c.params["chat_id"] == learner["id"],
                timeout=20,  # the time to start, too
                since=since,
            )
        )
        assert "How it works" in reply.params["text"]
        code = await again.interrupt()
        assert_clean_exit(code, again.stderr)


def webhook_env(fake: FakeTelegram, course_db: str, port: int, **extra: str) -> dict[str, str]:
    return child_env(
        BOT_TOKEN=TOKEN,
        BOT_API_URL=fake.url,
        DATABASE_URL=course_db,
        WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET=SECRET,
        **extra,
    )


async def post(http: aiohttp.ClientSession, url: str, update: dict[str, Any]) -> int:
    try:
        async with http.post(url, json=update, headers={SECRET_HEADER: SECRET}) as response:
            return response.status
    except aiohttp.ClientError:
        return 0  # no answer at all: Telegram posts it again


async def test_webhook_answers_200_only_once_each_update_in_flight_is_handled(
    fake_telegram: FakeTelegram, course_db: str, workdir: Path
) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/hook"
    env = webhook_env(fake_telegram, course_db, port)
    timeout = aiohttp.ClientTimeout(total=20)
    with BotProcess(["run"], env=env, cwd=workdir) as bot:
        await bot.expect(fake_telegram.wait_for("setWebhook", timeout=START_WITHIN))
        held = fake_telegram.hold("sendMessage")
        async with aiohttp.ClientSession(timeout=timeout) as http:
            posts = [
                asyncio.ensure_future(
                    post(
                        http,
                        hook,
                        {
                            "update_id": fake_telegram.next_update_id(),
                            **text_message("/help", sender=u),
                        },
                    )
                )
                for u in LEARNERS
            ]
            await bot.expect(held.until_waiting(len(LEARNERS)))
            assert not any(p.done() for p in posts), "no 200 before the update is handled"

            await terminate(bot)
            await asyncio.sleep(0.5)
            fake_telegram.unhold("sendMessage")
            assert await asyncio.gather(*posts) == [200] * len(LEARNERS)
        code = await bot.wait()
        assert_clean_exit(code, bot.stderr)
    assert replied_to(fake_telegram) == {u["id"] for u in LEARNERS}


async def test_webhook_update_cut_off_by_the_grace_period_gets_no_200(
    fake_telegram: FakeTelegram, course_db: str, workdir: Path
) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/hook"
    env = webhook_env(fake_telegram, course_db, port, SHUTDOWN_GRACE_SECONDS="0.5")
    with BotProcess(["run"], env=env, cwd=workdir) as bot:
        await bot.expect(fake_telegram.wait_for("setWebhook", timeout=START_WITHIN))
        held = fake_telegram.hold("sendMessage")
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as http:
            update = {"update_id": fake_telegram.next_update_id(), **text_message("/help")}
            posted = asyncio.ensure_future(post(http, hook, update))
            await bot.expect(held.until_waiting(1))
            await terminate(bot)
            assert await posted != 200, "Telegram must post it again"
        code = await bot.wait()
        assert_clean_exit(code, bot.stderr)
        assert "Telegram will post them again" in bot.stderr
    fake_telegram.unhold("sendMessage")
