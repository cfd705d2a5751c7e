"""`learnbot run` in polling mode, as a process talking HTTP to a fake Bot API server.

SQLite only: these tests check the process (startup, updates in and calls out, a clean stop on
SIGINT), not persistence.
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import aiohttp

from bot.cli.main import EXIT_INTERRUPTED
from tests.e2e.fake_telegram import TOKEN, Call, FakeTelegram
from tests.e2e.process import (
    START_WITHIN,
    BotProcess,
    assert_clean_exit,
    child_env,
    free_port,
    learnbot,
    run_command,
)
from tests.e2e.updates import LEARNER, button_data, callback_query, text_message


async def test_polling_start_continue_and_sigint(
    fake_telegram: FakeTelegram, course_db: str, workdir: Path
) -> None:
    env = child_env(
        BOT_TOKEN=TOKEN, BOT_API_URL=fake_telegram.url, DATABASE_URL=course_db, LOG_LEVEL="INFO"
    )
    with BotProcess(["run"], env=env, cwd=workdir) as bot:
        await bot.expect(fake_telegram.wait_for("getUpdates", timeout=START_WITHIN))
        assert fake_telegram.calls_of("deleteWebhook"), fake_telegram.methods()
        commands = await bot.expect(fake_telegram.wait_for("setMyCommands"))
        assert "start" in [c["command"] for c in commands.params["commands"]]
        polls = fake_telegram.calls_of("getUpdates")
        assert {"message", "callback_query"} <= set(polls[0].params["allowed_updates"])

        start = fake_telegram.push_update(text_message("/start"))

        def is_welcome(call: Call) -> bool:
            return call.params["chat_id"] == LEARNER["id"] and "Hi," in call.params["text"]

        welcome = await bot.expect(fake_telegram.wait_for("sendMessage", is_welcome))
        markup = welcome.params["reply_markup"]
        assert markup["inline_keyboard"], markup
        assert welcome.result["reply_markup"] == markup

        since = len(fake_telegram.calls)
        press = fake_telegram.push_update(
            callback_query(button_data(markup, "Continue"), welcome.result, query_id="cb-1")
        )
        lesson = await bot.expect(
            fake_telegram.wait_for(
                "editMessageText",
                lambda c: c.params["message_id"] == welcome.result["message_id"],
                since=since,
            )
        )
        assert lesson.params["chat_id"] == LEARNER["id"]
        assert "Basics" in lesson.params["text"]
        await bot.expect(
            fake_telegram.wait_for(
                "answerCallbackQuery", lambda c: c.params["callback_query_id"] == "cb-1"
            )
        )
        # Both updates are confirmed: the next poll asks for what comes after them.
        assert press["update_id"] > start["update_id"]
        await bot.expect(
            fake_telegram.wait_for(
                "getUpdates", lambda c: c.params.get("offset") == press["update_id"] + 1
            )
        )

        code = await bot.interrupt()
        assert_clean_exit(code, bot.stderr)
    unknown = [c.method for c in fake_telegram.calls if not c.response["ok"]]
    assert not unknown, f"the bot called methods the fake does not know: {unknown}"


async def test_ctrl_c_during_startup_exits_without_a_traceback(
    fake_telegram: FakeTelegram, course_db: str, workdir: Path
) -> None:
    """SIGINT before aiogram's own signal handling is in place (Telegram slow to answer)."""
    held = fake_telegram.hold("deleteWebhook")
    env = child_env(BOT_TOKEN=TOKEN, BOT_API_URL=fake_telegram.url, DATABASE_URL=course_db)
    with BotProcess(["run"], env=env, cwd=workdir) as bot:
        await bot.expect(asyncio.wait_for(held.arrived.wait(), 30))
        code = await bot.interrupt()
        stderr = bot.stderr
    held.release.set()
    assert code == EXIT_INTERRUPTED, stderr
    assert "Traceback" not in stderr, stderr
    assert "Unclosed" not in stderr, stderr
    assert "interrupted" in stderr
    assert not fake_telegram.calls_of("getUpdates")


async def test_polling_serves_healthz_on_health_port(
    fake_telegram: FakeTelegram, course_db: str, workdir: Path
) -> None:
    port = free_port()
    env = child_env(
        BOT_TOKEN=TOKEN,
        BOT_API_URL=fake_telegram.url,
        DATABASE_URL=course_db,
        WEBHOOK_HOST="127.0.0.1",
        HEALTH_PORT=str(port),
    )
    with BotProcess(["run"], env=env, cwd=workdir) as bot:
        await bot.expect(fake_telegram.wait_for("getUpdates", timeout=START_WITHIN))
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http,
            http.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            assert response.status == 200
            assert await response.json() == {"database": "ok", "redis": "off"}
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as http,
            http.get(f"http://127.0.0.1:{port}/metrics") as response,
        ):
            assert response.status == 200
            assert "learnbot_updates_in_flight 0.0" in await response.text()
        code = await bot.interrupt()
        assert_clean_exit(code, bot.stderr)


async def test_a_taken_health_port_is_one_line(
    fake_telegram: FakeTelegram, course_db: str, workdir: Path
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = child_env(
            BOT_TOKEN=TOKEN,
            BOT_API_URL=fake_telegram.url,
            DATABASE_URL=course_db,
            HEALTH_PORT=str(port),
        )
        result = run_command(learnbot("run"), env=env, cwd=workdir, timeout=30)
    assert result.returncode == 1, result.stderr
    refusals = [line for line in result.stderr.splitlines() if line.startswith("learnbot:")]
    expected = f"learnbot: cannot listen on 127.0.0.1:{port}: Address already in use"
    assert refusals == [expected], result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    # Refused before Telegram was asked for anything.
    assert not fake_telegram.calls_of("getUpdates")
