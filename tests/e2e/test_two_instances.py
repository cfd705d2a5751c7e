"""Two `learnbot run` webhook processes on one MariaDB database and one Redis, as behind a load
balancer: a dialog begun on one instance goes on on the other (FSM state lives in Redis), and
an update delivered to both is handled once.

Needs MariaDB (skipped on SQLite) and Redis (skipped when it does not answer, a failure under
CI=true). Learner and update ids are random and only their keys are deleted afterwards, so the
test shares Redis database 15 with nobody's data and never flushes it.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.callbacks.learner import LessonCb
from db.engine import create_sessionmaker
from db.models import Lesson
from tests.e2e.fake_telegram import TOKEN, Call, FakeTelegram
from tests.e2e.process import START_WITHIN, BotProcess, assert_clean_exit, child_env, free_port
from tests.e2e.updates import button_data, callback_query, text_message, user
from tests.support.redis import REDIS_URL, require_redis

SECRET = "two-instances"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
REPLIES = ("sendMessage", "editMessageText")
REPLY_WITHIN = 5.0


class Instance:
    def __init__(self, name: str, fake: FakeTelegram, database_url: str, workdir: Path) -> None:
        self.port = free_port()
        self.hook = f"http://127.0.0.1:{self.port}/tg-hook"
        self.cwd = workdir / name  # each its own log files
        self.cwd.mkdir()
        self.env = child_env(
            BOT_TOKEN=TOKEN,
            BOT_API_URL=fake.url,
            DATABASE_URL=database_url,
            REDIS_URL=REDIS_URL,
            WEBHOOK_URL=self.hook,
            WEBHOOK_PORT=str(self.port),
            WEBHOOK_SECRET=SECRET,
        )

    def start(self) -> BotProcess:
        return BotProcess(["run"], env=self.env, cwd=self.cwd)


def _to_url(hook: str) -> Callable[[Call], bool]:
    return lambda call: call.params["url"] == hook


async def _reply(
    fake: FakeTelegram, bot: BotProcess, since: int, matches: Callable[[Call], bool]
) -> Call:
    """The first message sent or edited from index `since` on that `matches`."""

    async def first() -> Call:
        deadline = time.monotonic() + REPLY_WITHIN
        while True:
            for call in fake.calls[since:]:
                if call.method in REPLIES and matches(call):
                    return call
            if time.monotonic() >= deadline:
                seen = [f"{c.method} {c.params.get('text', '')!r}" for c in fake.calls[since:]]
                raise AssertionError(f"no such reply within {REPLY_WITHIN}s; the bot sent {seen}")
            await asyncio.sleep(0.02)

    return await bot.expect(first())


async def test_two_instances_share_dialogs_and_handle_an_update_once(
    fake_telegram: FakeTelegram, mysql_course_url: str, engine: AsyncEngine, workdir: Path
) -> None:
    require_redis()
    async with create_sessionmaker(engine)() as session:
        typing = await session.scalar(select(Lesson.id).where(Lesson.slug == "typing"))
    assert typing is not None
    learner = user(random.randint(10**9, 2 * 10**9), "Ada")
    other = user(learner["id"] + 1, "Ken")
    # Claims of update ids outlive the test in Redis: ids of earlier runs must not collide.
    update_ids = itertools.count(random.randint(10**9, 2 * 10**9))
    used: list[int] = []
    a = Instance("a", fake_telegram, mysql_course_url, workdir)
    b = Instance("b", fake_telegram, mysql_course_url, workdir)
    assert a.port != b.port
    redis = Redis.from_url(REDIS_URL)
    try:
        # Started within the statement, so one that fails to start stops the other.
        with a.start() as bot_a, b.start() as bot_b:
            for instance, bot in ((a, bot_a), (b, bot_b)):
                registered = fake_telegram.wait_for(
                    "setWebhook", _to_url(instance.hook), timeout=START_WITHIN
                )
                await bot.expect(registered)
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:

                async def post(to: Instance, update: dict[str, Any]) -> None:
                    async with http.post(
                        to.hook, json=update, headers={SECRET_HEADER: SECRET}
                    ) as response:
                        # The update is handled before the answer: its replies are sent.
                        assert response.status == 200, await response.text()

                def new(update: dict[str, Any]) -> dict[str, Any]:
                    used.append(next(update_ids))
                    return {"update_id": used[-1], **update}

                def to(who: dict[str, Any], text: str) -> Callable[[Call], bool]:
                    return lambda c: c.params["chat_id"] == who["id"] and text in c.params["text"]

                since = len(fake_telegram.calls)
                await post(a, new(text_message("/start", sender=learner)))
                welcome = await _reply(fake_telegram, bot_a, since, to(learner, "Hi, Ada"))

                since = len(fake_telegram.calls)
                open_lesson = LessonCb(lesson_id=typing).pack()
                await post(
                    a,
                    new(
                        callback_query(open_lesson, welcome.result, query_id="a-1", sender=learner)
                    ),
                )
                lesson = await _reply(
                    fake_telegram,
                    bot_a,
                    since,
                    lambda c: (
                        c.params["chat_id"] == learner["id"]
                        and "Start exercises" in str(c.params.get("reply_markup"))
                    ),
                )

                since = len(fake_telegram.calls)
                start = button_data(lesson.params["reply_markup"], "Start exercises")
                await post(
                    a, new(callback_query(start, lesson.result, query_id="a-2", sender=learner))
                )
                await _reply(fake_telegram, bot_a, since, to(learner, "Six times seven?"))

                # The typed answer reaches the other instance, which knows the question.
                since = len(fake_telegram.calls)
                await post(b, new(text_message("42", sender=learner)))
                await _reply(fake_telegram, bot_b, since, to(learner, "Correct"))

                # Telegram delivering one update twice, each time to another instance.
                since = len(fake_telegram.calls)
                twice = new(text_message("/help", sender=other))
                await post(a, twice)
                await post(b, twice)
                helped = [
                    c for c in fake_telegram.calls[since:] if c.params.get("chat_id") == other["id"]
                ]
                assert [c.method for c in helped] == ["sendMessage"], fake_telegram.methods()

            for bot in (bot_a, bot_b):
                code = await bot.interrupt()
                assert_clean_exit(code, bot.stderr)
    finally:
        # This test's keys only: the learners' FSM state and locks, and the update claims.
        keys = [
            key
            for who in (learner, other)
            async for key in redis.scan_iter(match=f"fsm:*{who['id']}:{who['id']}*")
        ]
        bot_id = TOKEN.split(":")[0]
        keys += [f"learnbot:update:{bot_id}:{update_id}" for update_id in used]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()
