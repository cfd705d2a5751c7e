"""`learnbot run` with MariaDB behind a TCP proxy the test controls: refused, black-holed,
restored. The learner is answered within seconds every time, the process stays up, answers
resume by themselves, and the log holds a line or two per outage, not one per update. A
webhook server's `/healthz` says 503 while the database is cut, quickly, and 200 once it is back.

MariaDB/MySQL only (skipped without one, a failure under CI), unlike the other e2e tests.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import aiohttp
from sqlalchemy.engine import make_url

from bot.texts import outage
from tests.e2e.fake_telegram import TOKEN, Call, FakeTelegram
from tests.e2e.process import START_WITHIN, BotProcess, assert_clean_exit, child_env, free_port
from tests.e2e.updates import LEARNER, text_message
from tests.support.i18n import reading
from tests.support.tcp_proxy import TcpProxy

ANSWER_WITHIN = 5.0


async def test_refused_black_holed_and_restored_database(
    fake_telegram: FakeTelegram, mysql_course_url: str, workdir: Path
) -> None:
    direct = make_url(mysql_course_url)
    proxy = TcpProxy(direct.host or "127.0.0.1", direct.port or 3306)
    await proxy.start()
    url = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    env = child_env(BOT_TOKEN=TOKEN, BOT_API_URL=fake_telegram.url, DATABASE_URL=url)

    async def say(text: str) -> Call:
        since = len(fake_telegram.calls)
        fake_telegram.push_update(text_message(text))
        started = time.monotonic()
        call = await bot.expect(
            fake_telegram.wait_for(
                "sendMessage",
                lambda c: c.params["chat_id"] == LEARNER["id"],
                timeout=ANSWER_WITHIN,
                since=since,
            )
        )
        assert time.monotonic() - started < ANSWER_WITHIN
        return call

    try:
        with BotProcess(["run"], env=env, cwd=workdir) as bot:
            await bot.expect(fake_telegram.wait_for("getUpdates", timeout=START_WITHIN))
            assert "Hi," in (await say("/start")).params["text"]

            for cut in (proxy.refuse, proxy.blackhole):
                await cut()
                with reading("en"):
                    unavailable = str(outage.DATABASE_UNAVAILABLE)
                assert (await say("/progress")).params["text"] == unavailable
                await proxy.restore()
                answer = await say("/progress")
                assert "My progress" in answer.params["text"], "answers resume by themselves"

            code = await bot.interrupt()
            stderr = bot.stderr
    finally:
        await proxy.close()
    assert_clean_exit(code, stderr)
    loud = [line for line in stderr.splitlines() if " WARNING " in line or " ERROR " in line]
    outage_lines = [line for line in loud if "Received SIGINT" not in line]
    assert len(outage_lines) == 2, stderr  # one per outage
    assert all("db.health" in line for line in outage_lines), stderr
    assert stderr.count("reachable again") == 2, stderr


async def test_healthz_is_503_while_the_database_is_cut(
    fake_telegram: FakeTelegram, mysql_course_url: str, workdir: Path
) -> None:
    direct = make_url(mysql_course_url)
    proxy = TcpProxy(direct.host or "127.0.0.1", direct.port or 3306)
    await proxy.start()
    url = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    port = free_port()
    env = child_env(
        BOT_TOKEN=TOKEN,
        BOT_API_URL=fake_telegram.url,
        DATABASE_URL=url,
        WEBHOOK_URL=f"http://127.0.0.1:{port}/tg-hook",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET="s3cret-outage",
    )
    health = f"http://127.0.0.1:{port}/healthz"

    async def probe(http: aiohttp.ClientSession) -> tuple[int, dict[str, str], float]:
        started = time.monotonic()
        async with http.get(health) as response:
            return response.status, await response.json(), time.monotonic() - started

    async def until_ready(http: aiohttp.ClientSession) -> None:
        # The pool's connections cut by the outage are replaced on the next checks.
        deadline = time.monotonic() + ANSWER_WITHIN
        while (answer := await probe(http))[0] != 200:
            assert time.monotonic() < deadline, f"not ready again: {answer}"
            await asyncio.sleep(0.1)
        assert answer[1] == {"database": "ok", "redis": "off"}

    try:
        with BotProcess(["run"], env=env, cwd=workdir) as bot:
            await bot.expect(fake_telegram.wait_for("setWebhook", timeout=START_WITHIN))
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
                await bot.expect(until_ready(http))
                for cut in (proxy.refuse, proxy.blackhole):
                    await cut()
                    status, states, took = await bot.expect(probe(http))
                    assert (status, states) == (503, {"database": "down", "redis": "off"})
                    assert took < ANSWER_WITHIN, f"{cut.__name__}: answered after {took:.1f}s"
                    await proxy.restore()
                    await bot.expect(until_ready(http))
            code = await bot.interrupt()
            stderr = bot.stderr
    finally:
        await proxy.close()
    assert_clean_exit(code, stderr)
