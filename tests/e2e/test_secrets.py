"""The bot token never reaches the process's output, however the Bot API fails: aiohttp's
errors quote the request URL, and that URL holds the token."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web

from bot.logs import REDACTED
from tests.e2e.fake_telegram import GARBLED_ANSWER, TOKEN, Call, FakeTelegram
from tests.e2e.process import (
    START_WITHIN,
    BotProcess,
    assert_clean_exit,
    child_env,
    learnbot,
    run_command,
)
from tests.e2e.updates import LEARNER, text_message


async def test_polling_through_dropped_connections_never_logs_the_token(
    fake_telegram: FakeTelegram, course_db: str, workdir: Path
) -> None:
    # DEBUG: whatever any library says about its requests is in the output too. JSON lines:
    # the shipper's format must not let a secret through either.
    env = child_env(
        BOT_TOKEN=TOKEN,
        BOT_API_URL=fake_telegram.url,
        DATABASE_URL=course_db,
        LOG_LEVEL="DEBUG",
        LOG_FORMAT="json",
    )
    with BotProcess(["run"], env=env, cwd=workdir) as bot:
        await bot.expect(fake_telegram.wait_for("getUpdates", timeout=START_WITHIN))
        fake_telegram.drop("getUpdates")
        fake_telegram.drop("getUpdates", garbled=True)
        since = len(fake_telegram.calls)
        fake_telegram.push_update(text_message("/start"))

        def is_welcome(call: Call) -> bool:
            return call.params["chat_id"] == LEARNER["id"] and "Hi," in call.params["text"]

        # The poller waits a second or two after each failed poll, then polls again.
        await bot.expect(fake_telegram.wait_for("sendMessage", is_welcome, timeout=15, since=since))
        assert fake_telegram.dropped("getUpdates")

        code = await bot.interrupt()
        stderr, stdout = bot.stderr, bot.stdout
    assert_clean_exit(code, stderr)
    assert "failed to fetch updates" in stderr, "the failures are logged"
    assert REDACTED in stderr, "the garbled answer's error quoted the URL, and it was redacted"
    assert TOKEN not in stderr + stdout
    assert TOKEN.split(":")[1] not in stderr + stdout
    entries = [json.loads(line) for line in stderr.splitlines()]  # every line is one object
    handled = [e for e in entries if e["logger"] == "bot.updates"]
    assert [(e["user_id"], e["handler"], e["outcome"]) for e in handled] == [
        (LEARNER["id"], "start.start", "ok")
    ]


Serve = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def odd_api() -> AsyncIterator[Callable[[Serve], Awaitable[str]]]:
    """Start a server that answers every request with `serve`; its base URL."""
    runners: list[web.AppRunner] = []

    async def start(serve: Serve) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", serve)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        runners.append(runner)
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        return f"http://127.0.0.1:{runner.addresses[0][1]}"

    yield start
    for runner in runners:
        await runner.cleanup()


async def echo_404(request: web.Request) -> web.Response:
    # A web server that is not a Bot API, naming the path it did not find (the token in it).
    return web.Response(status=404, text=f"<h1>Not found: {request.path}</h1>")


async def garbled(request: web.Request) -> web.Response:
    if request.transport is not None:
        request.transport.write(GARBLED_ANSWER)
        request.transport.close()
    return web.Response(status=500)


@pytest.mark.parametrize(
    ("serve", "expected"),
    [
        (echo_404, "does not answer as a Bot API"),
        (garbled, "an answer that is not HTTP"),
    ],
)
async def test_a_bad_bot_api_at_start_is_one_line_without_the_token(
    odd_api: Callable[[Serve], Awaitable[str]],
    course_db: str,
    workdir: Path,
    serve: Serve,
    expected: str,
) -> None:
    url = await odd_api(serve)
    env = child_env(BOT_TOKEN=TOKEN, BOT_API_URL=url, DATABASE_URL=course_db)
    # The child is awaited in a thread: the server answering it runs on this event loop.
    result = await asyncio.to_thread(run_command, learnbot("run"), env=env, cwd=workdir)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert TOKEN not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("learnbot: "), result.stderr
    assert expected in lines[-1], result.stderr
    assert url in lines[-1], "the operator is told which server"
