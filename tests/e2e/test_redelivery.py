"""With Redis on, an update cut off by a crash or by the end of the shutdown grace is handled when
Telegram delivers it again, and takes effect once; only updates that finished are skipped as
duplicates.

Each learner's update completes a lesson: their run of `basics` is started and its first question
answered beforehand, and the update answers the second one (a commit of an attempt, the lesson's
progress and XP in the activity log, then the replies). The fake Bot API holds the replies to
some learners, so their updates are cut off after their commit, the hardest case: handled again,
they must not take effect twice.

Update and learner ids are random and only this test's keys are deleted afterwards, so the test
shares Redis database 15 with nobody's data and never flushes it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.callbacks.learner import AnswerCb
from bot.middlewares.dedup import CLAIM_PREFIX, DONE, update_key
from bot.services import exercises
from bot.services.content.importer import import_course
from bot.services.content.parse import parse_course
from bot.services.context import Context
from bot.services.exercises import NextQuestion
from db.engine import create_sessionmaker
from db.enums import ActivityType, ProgressStatus
from db.models import ActivityLog, ExerciseAttempt, Lesson, UserProgress
from tests.e2e.fake_telegram import BOT_USER, TOKEN, FakeTelegram
from tests.e2e.process import START_WITHIN, BotProcess, assert_clean_exit, child_env, free_port
from tests.e2e.updates import callback_query, user
from tests.support.course import TEST_COURSE
from tests.support.factories import create_user
from tests.support.redis import REDIS_URL

BOT_ID = int(TOKEN.split(":")[0])
UTC = ZoneInfo("UTC")
SECRET = "redelivery-secret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# A start on a loaded machine can take half a minute; a restart also waits out the killed
# process's leases (10 s at most).
RESTART_WITHIN = START_WITHIN + 30.0


@dataclass(frozen=True)
class Learner:
    chat_id: int
    user_id: int
    update: dict[str, Any]

    @property
    def update_id(self) -> int:
        update_id: int = self.update["update_id"]
        return update_id


@pytest.fixture
async def course_url(database_url: str, engine: AsyncEngine, context: Context) -> str:
    """The session's database of either kind holding TEST_COURSE (emptied afterwards by the
    `engine` fixture)."""
    async with create_sessionmaker(engine)() as session:
        await import_course(session, context, parse_course(TEST_COURSE), publish=True)
    return database_url


@pytest.fixture
async def learners(
    engine: AsyncEngine, redis: Redis
) -> AsyncIterator[Callable[[int], Awaitable[list[Learner]]]]:
    """A factory of learners one answer away from completing `basics`, each with the update
    that gives it; their Redis keys are deleted afterwards."""
    made: list[Learner] = []
    # One run of ids for all batches: a later batch's updates come after an earlier one's.
    update_ids = itertools.count(random.randint(10**9, 2 * 10**9))
    sessionmaker = create_sessionmaker(engine)
    # As a process of its own keeps them: the system's clock, the catalogs read once.
    context = Context()

    async def make(count: int) -> list[Learner]:
        async with sessionmaker() as session:
            basics = await session.scalar(select(Lesson.id).where(Lesson.slug == "basics"))
        assert basics is not None
        first_chat = random.randint(10**9, 2 * 10**9)
        batch = []
        for i in range(count):
            chat_id = first_chat + i
            user_id = await create_user(engine, chat_id)
            async with sessionmaker() as session:
                question = await exercises.start_run(session, context, user_id, basics)
                # "Pick b" of a, b, c: right.
                answered = await exercises.answer_choice(
                    session,
                    context,
                    user_id,
                    basics,
                    question.run,
                    question.exercise_id,
                    1,
                    zone=UTC,
                )
            assert isinstance(answered, NextQuestion)
            last = answered.next  # True or False: True is right
            data = AnswerCb(
                lesson_id=basics, run=last.run, exercise_id=last.exercise_id, option=0
            ).pack()
            sender = user(chat_id, f"Learner {i}")
            update = callback_query(
                data, question_message(chat_id), query_id=f"q-{chat_id}", sender=sender
            )
            batch.append(Learner(chat_id, user_id, {"update_id": next(update_ids), **update}))
        made.extend(batch)
        return batch

    try:
        yield make
    finally:
        keys = [update_key(BOT_ID, learner.update_id) for learner in made]
        for learner in made:
            keys += [k async for k in redis.scan_iter(match=f"fsm:*:{learner.chat_id}:*")]
        if keys:
            await redis.delete(*keys)


def question_message(chat_id: int) -> dict[str, Any]:
    """The message whose button the learner presses (the bot edits it in reply)."""
    return {
        "message_id": 1,
        "from": BOT_USER,
        "chat": {"id": chat_id, "type": "private", "first_name": "Learner"},
        "date": int(time.time()),
        "text": "Question 2 of 2: True is true",
    }


def outcomes(bot: BotProcess) -> dict[int, list[str]]:
    """update id -> the outcomes of its handlings, from the process's JSON update log."""
    found: dict[int, list[str]] = {}
    for line in bot.stderr.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("logger") == "bot.updates" and entry.get("update_id") is not None:
            found.setdefault(int(entry["update_id"]), []).append(str(entry["outcome"]))
    return found


async def until(condition_met: Callable[[], Awaitable[bool]], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not await condition_met():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within}s: {what}")
        await asyncio.sleep(0.05)


async def claims(redis: Redis, group: list[Learner]) -> list[str | None]:
    values: list[str | None] = await redis.mget([update_key(BOT_ID, g.update_id) for g in group])
    return values


def to_chats(group: list[Learner]) -> Callable[[dict[str, Any]], bool]:
    chats = {learner.chat_id for learner in group}
    return lambda params: params.get("chat_id") in chats


async def assert_completed_once(engine: AsyncEngine, group: list[Learner]) -> None:
    """Every learner's lesson completed, by exactly one run of two answers and one grant of
    each kind: as if each update had been handled once."""
    ids = [learner.user_id for learner in group]
    async with engine.connect() as conn:
        progress = (
            await conn.execute(
                select(UserProgress.user_id, UserProgress.status, UserProgress.attempts).where(
                    UserProgress.user_id.in_(ids)
                )
            )
        ).all()
        attempts = Counter(
            (
                await conn.scalars(
                    select(ExerciseAttempt.user_id).where(ExerciseAttempt.user_id.in_(ids))
                )
            ).all()
        )
        activity = (
            await conn.execute(
                select(
                    ActivityLog.user_id,
                    ActivityLog.activity_type,
                    ActivityLog.entity_type,
                    ActivityLog.entity_id,
                    ActivityLog.xp,
                ).where(ActivityLog.user_id.in_(ids))
            )
        ).all()
    assert sorted(progress) == sorted((i, ProgressStatus.COMPLETED, 1) for i in ids), progress
    assert attempts == dict.fromkeys(ids, 2), "one attempt per question, each once"
    per_learner: dict[int, Counter[tuple[Any, ...]]] = {i: Counter() for i in ids}
    for user_id, *grant in activity:
        per_learner[user_id][tuple(grant)] += 1
    reference = per_learner[ids[0]]
    completed = [g for g in reference if g[0] == ActivityType.LESSON_COMPLETED]
    assert len(completed) == 1 and reference[completed[0]] == 1, reference
    assert all(n == 1 for n in reference.values()), f"a grant written twice: {reference}"
    for user_id, grants in per_learner.items():
        assert grants == reference, f"learner {user_id}: {grants} != {reference}"


def polling_env(fake: FakeTelegram, database_url: str, **extra: str) -> dict[str, str]:
    return child_env(
        BOT_TOKEN=TOKEN,
        BOT_API_URL=fake.url,
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_URL,
        LOG_FORMAT="json",
        **extra,
    )


def webhook_env(fake: FakeTelegram, database_url: str, port: int, **extra: str) -> dict[str, str]:
    return polling_env(
        fake,
        database_url,
        WEBHOOK_URL=f"http://127.0.0.1:{port}/hook",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET=SECRET,
        **extra,
    )


async def post(http: aiohttp.ClientSession, port: int, update: dict[str, Any]) -> int:
    """The webhook's status for the update; 0 when the connection broke without one."""
    url = f"http://127.0.0.1:{port}/hook"
    try:
        async with http.post(url, json=update, headers={SECRET_HEADER: SECRET}) as response:
            return response.status
    except aiohttp.ClientError:
        return 0


def workdirs(tmp_path: Path, *names: str) -> list[Path]:
    paths = [tmp_path / name for name in names]
    for path in paths:
        path.mkdir()
    return paths


async def test_polling_after_a_sigkill_every_unfinished_update_is_handled_and_counted_once(
    fake_telegram: FakeTelegram,
    course_url: str,
    engine: AsyncEngine,
    redis: Redis,
    learners: Callable[[int], Awaitable[list[Learner]]],
    tmp_path: Path,
) -> None:
    # The earliest updates are cut off after their commit, so the offset stays before every
    # later one: those finished, yet they come back after the restart as well, and are skipped.
    # The last ones arrive just before the kill, which finds them anywhere from not fetched to
    # mid-commit to finished.
    cut, finished, late = await learners(6), await learners(10), await learners(10)
    everyone = cut + finished + late
    env = polling_env(fake_telegram, course_url)
    first_dir, second_dir = workdirs(tmp_path, "first", "second")

    with BotProcess(["run"], env=env, cwd=first_dir) as bot:
        await bot.expect(fake_telegram.wait_for("getUpdates", timeout=START_WITHIN))
        held = fake_telegram.hold("sendMessage", only=to_chats(cut))
        for learner in cut + finished:
            fake_telegram.push_update(learner.update)

        async def mid_stream() -> bool:
            done = await claims(redis, finished)
            return held.waiting == len(cut) and done == [DONE] * len(finished)

        await bot.expect(until(mid_stream, 30, "the first updates held, the others handled"))
        in_flight = await claims(redis, cut)
        assert all(v is not None and v.startswith(CLAIM_PREFIX) for v in in_flight), in_flight
        for learner in late:
            fake_telegram.push_update(learner.update)

        async def late_begun() -> bool:
            return any(v is not None for v in await claims(redis, late))

        await bot.expect(until(late_begun, 30, "the last updates begun"))
        bot.proc.send_signal(signal.SIGKILL)
        bot.proc.wait(timeout=10)

    at_kill = dict(zip([g.update_id for g in everyone], await claims(redis, everyone), strict=True))
    first_cut = min(learner.update_id for learner in cut)
    offsets = [c.params.get("offset") for c in fake_telegram.calls_of("getUpdates")]
    assert all(o is None or o <= first_cut for o in offsets), "Telegram keeps them all"
    fake_telegram.unhold("sendMessage")

    with BotProcess(["run"], env=env, cwd=second_dir) as again:
        ids = {learner.update_id for learner in everyone}

        async def all_seen() -> bool:
            return ids <= outcomes(again).keys()

        await again.expect(until(all_seen, RESTART_WITHIN, "every update seen after the restart"))
        code = await again.interrupt()
        assert_clean_exit(code, again.stderr)

    seen = outcomes(again)
    assert all(seen[learner.update_id] == ["duplicate"] for learner in finished), seen
    unfinished = {i for i, claim in at_kill.items() if claim != DONE}
    assert {learner.update_id for learner in cut} <= unfinished
    for update_id in unfinished:
        assert len(seen[update_id]) == 1 and seen[update_id] != ["duplicate"], (update_id, seen)
    assert await claims(redis, everyone) == [DONE] * len(everyone)
    await assert_completed_once(engine, everyone)


async def test_webhook_after_a_sigkill_the_updates_posted_again_are_handled_once(
    fake_telegram: FakeTelegram,
    course_url: str,
    engine: AsyncEngine,
    redis: Redis,
    learners: Callable[[int], Awaitable[list[Learner]]],
    tmp_path: Path,
    db_kind: str,
) -> None:
    if db_kind != "sqlite":
        pytest.skip("the polling test covers both databases; the webhook differs only in HTTP")
    cut, finished = await learners(6), await learners(6)
    port = free_port()
    env = webhook_env(fake_telegram, course_url, port)
    first_dir, second_dir = workdirs(tmp_path, "first", "second")
    timeout = aiohttp.ClientTimeout(total=RESTART_WITHIN)

    async with aiohttp.ClientSession(timeout=timeout) as http:
        with BotProcess(["run"], env=env, cwd=first_dir) as bot:
            await bot.expect(fake_telegram.wait_for("setWebhook", timeout=START_WITHIN))
            held = fake_telegram.hold("sendMessage", only=to_chats(cut))
            posts = {
                g.update_id: asyncio.ensure_future(post(http, port, g.update))
                for g in cut + finished
            }
            answered = await bot.expect(asyncio.gather(*(posts[g.update_id] for g in finished)))
            assert answered == [200] * len(finished)
            await bot.expect(held.until_waiting(len(cut), within=30))
            bot.proc.send_signal(signal.SIGKILL)
            bot.proc.wait(timeout=10)
            assert await asyncio.gather(*(posts[g.update_id] for g in cut)) == [0] * len(cut)
    fake_telegram.unhold("sendMessage")

    # A new session: the old one's kept-alive connections went with the killed process.
    async with aiohttp.ClientSession(timeout=timeout) as http:
        since = len(fake_telegram.calls)
        with BotProcess(["run"], env=env, cwd=second_dir) as again:
            await again.expect(
                fake_telegram.wait_for("setWebhook", timeout=START_WITHIN, since=since)
            )
            # Telegram posts again what got no 200, and, had their 200s been lost on the way,
            # the others too.
            statuses = await again.expect(
                asyncio.gather(*(post(http, port, g.update) for g in cut + finished))
            )
            assert statuses == [200] * len(cut + finished)
            code = await again.interrupt()
            assert_clean_exit(code, again.stderr)

    seen = outcomes(again)
    assert all(seen[learner.update_id] == ["duplicate"] for learner in finished), seen
    assert all(seen[learner.update_id] != ["duplicate"] for learner in cut), seen
    assert await claims(redis, cut + finished) == [DONE] * len(cut + finished)
    await assert_completed_once(engine, cut + finished)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_updates_cut_off_by_the_shutdown_grace_are_handled_after_the_restart(
    fake_telegram: FakeTelegram,
    course_url: str,
    engine: AsyncEngine,
    redis: Redis,
    learners: Callable[[int], Awaitable[list[Learner]]],
    tmp_path: Path,
    db_kind: str,
    mode: str,
) -> None:
    if db_kind != "sqlite":
        pytest.skip("the process's shutdown is the same on either database")
    group = await learners(6)
    port = free_port()
    if mode == "webhook":
        env = webhook_env(fake_telegram, course_url, port, SHUTDOWN_GRACE_SECONDS="0.5")
        ready = "setWebhook"
    else:
        env = polling_env(fake_telegram, course_url, SHUTDOWN_GRACE_SECONDS="0.5")
        ready = "getUpdates"
    first_dir, second_dir = workdirs(tmp_path, "first", "second")
    timeout = aiohttp.ClientTimeout(total=RESTART_WITHIN)

    async with aiohttp.ClientSession(timeout=timeout) as http:
        with BotProcess(["run"], env=env, cwd=first_dir) as bot:
            await bot.expect(fake_telegram.wait_for(ready, timeout=START_WITHIN))
            held = fake_telegram.hold("sendMessage")
            if mode == "webhook":
                posts = [asyncio.ensure_future(post(http, port, g.update)) for g in group]
            else:
                for learner in group:
                    fake_telegram.push_update(learner.update)
            await bot.expect(held.until_waiting(len(group), within=30))
            bot.proc.send_signal(signal.SIGTERM)
            code = await bot.wait(within=30)
            assert_clean_exit(code, bot.stderr)
            assert "updates unfinished" in bot.stderr
            if mode == "webhook":
                assert 200 not in await asyncio.gather(*posts), "Telegram must post them again"
    # Cancelled, they gave their claims back: nothing for the restart to wait out.
    assert await claims(redis, group) == [None] * len(group)
    fake_telegram.unhold("sendMessage")

    async with aiohttp.ClientSession(timeout=timeout) as http:
        since = len(fake_telegram.calls)
        with BotProcess(["run"], env=env, cwd=second_dir) as again:
            await again.expect(fake_telegram.wait_for(ready, timeout=START_WITHIN, since=since))
            if mode == "webhook":
                statuses = await again.expect(
                    asyncio.gather(*(post(http, port, g.update) for g in group))
                )
                assert statuses == [200] * len(group)
            wanted = {learner.update_id for learner in group}

            async def all_seen() -> bool:
                return wanted <= outcomes(again).keys()

            await again.expect(until(all_seen, 30, "every update handled after the restart"))
            code = await again.interrupt()
            assert_clean_exit(code, again.stderr)

    seen = outcomes(again)
    assert all("duplicate" not in seen[learner.update_id] for learner in group), seen
    assert await claims(redis, group) == [DONE] * len(group)
    await assert_completed_once(engine, group)
