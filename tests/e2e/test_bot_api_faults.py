"""`learnbot run` in webhook mode meeting a faulty Bot API and hostile posts, as a process.

A dropped connection during setWebhook does not stop the start; a proxy in front of the Bot
API answering HTML error pages for a while costs no 500 and two log lines; the updates it left
unanswered get a 503, so Telegram posts them again, and when it does (after the outage) each is
answered and takes effect once, and so is every update after it; bodies nesting too deep get a
400 and impossible senders are ignored with one line each; a webhook without its secret does
not start.

SQLite only: these tests check the process, not persistence.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from sqlalchemy import select

from bot.callbacks.learner import AnswerCb
from bot.services import exercises
from bot.services.context import Context
from bot.services.exercises import NextQuestion
from db.engine import create_engine, create_sessionmaker
from db.models import Lesson
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
from tests.e2e.test_redelivery import Learner, assert_completed_once, question_message
from tests.e2e.updates import callback_query, text_message, user
from tests.support.factories import create_user

SECRET = "s3cret-faults"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# The outage lasted 60 s; its shape (traffic before, during and after an outage of
# HTML pages) is the same at 8 s, which keeps the suite fast. Nothing here depends on the
# length: the log lines are counted per outage, not per second.
OUTAGE_SECONDS = 8.0
# A post every this often during the outage, from learners in turn.
POST_EVERY = 0.25


async def one_answer_from_done(
    database_url: str, chats: list[int], update_ids: Callable[[], int]
) -> list[Learner]:
    """Learners one answer away from completing `basics`, each with the update that gives it
    (a commit of an attempt, the lesson's progress and XP, then the replies)."""
    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    # As a process of its own keeps them: the system's clock, the catalogs read once.
    context = Context()
    made = []
    try:
        async with sessionmaker() as session:
            basics = await session.scalar(select(Lesson.id).where(Lesson.slug == "basics"))
        assert basics is not None
        for chat_id in chats:
            user_id = await create_user(engine, chat_id)
            async with sessionmaker() as session:
                question = await exercises.start_run(session, context, user_id, basics)
                answered = await exercises.answer_choice(
                    session,
                    context,
                    user_id,
                    basics,
                    question.run,
                    question.exercise_id,
                    1,
                    zone=ZoneInfo("UTC"),
                )
            assert isinstance(answered, NextQuestion)
            last = answered.next
            data = AnswerCb(
                lesson_id=basics, run=last.run, exercise_id=last.exercise_id, option=0
            ).pack()
            press = callback_query(
                data,
                question_message(chat_id),
                query_id=f"q-{chat_id}",
                sender=user(chat_id, f"Finisher {chat_id}"),
            )
            made.append(Learner(chat_id, user_id, {"update_id": update_ids(), **press}))
    finally:
        await engine.dispose()
    return made


def answer_to(update: dict[str, Any]) -> tuple[str, Callable[[Call], bool]]:
    """The Bot API call that answers `update`: a message's reply, a press's alert or toast.

    A finisher's press whose first handling committed its answer before the reply failed is
    answered when posted again from what was recorded: its feedback's toast, then the run's
    result."""
    if "message" in update:
        chat_id = update["message"]["chat"]["id"]
        return "sendMessage", lambda call: call.params["chat_id"] == chat_id
    query_id = update["callback_query"]["id"]
    return "answerCallbackQuery", lambda call: call.params["callback_query_id"] == query_id


def result_to(chat_id: int) -> Callable[[Call], bool]:
    """A run's result sent to `chat_id`."""
    return lambda call: call.params["chat_id"] == chat_id and "Finished" in call.params["text"]


def log_lines(stderr: str) -> list[tuple[str, str, str]]:
    """(level, logger, message) of each line in the text log format."""
    lines = []
    for line in stderr.splitlines():
        parts = line.split(" ", 4)
        if len(parts) == 5 and parts[3].endswith(":"):
            lines.append((parts[2], parts[3].rstrip(":"), parts[4]))
    return lines


async def test_a_webhook_process_rides_out_a_bot_api_outage_and_hostile_posts(
    fake_telegram: FakeTelegram, course_db: str, workdir: Path
) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/tg-hook"
    env = child_env(
        BOT_TOKEN=TOKEN,
        BOT_API_URL=fake_telegram.url,
        DATABASE_URL=course_db,
        LOG_LEVEL="INFO",
        WEBHOOK_URL=hook,
        WEBHOOK_HOST="127.0.0.1",
        WEBHOOK_PORT=str(port),
        WEBHOOK_SECRET=SECRET,
    )
    learners = [user(8100 + i, f"Learner{i}") for i in range(4)]
    # Their last answers are sent during the outage, to be answered and counted after it.
    finishers = await one_answer_from_done(
        course_db, [8300 + i for i in range(3)], fake_telegram.next_update_id
    )
    # The first setWebhook's connection is cut: one blip at start.
    fake_telegram.drop("setWebhook")

    # Without the scheduler: a job's lines falling in the outage would blur the count.
    with BotProcess(["run", "--no-scheduler"], env=env, cwd=workdir) as bot:
        await bot.expect(fake_telegram.wait_for("setWebhook", timeout=START_WITHIN))
        assert fake_telegram.dropped("setWebhook")

        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
            good = {SECRET_HEADER: SECRET}

            async def post(update: dict[str, Any]) -> int:
                payload = {"update_id": fake_telegram.next_update_id(), **update}
                return await post_again(payload)

            async def post_again(payload: dict[str, Any]) -> int:
                async with http.post(hook, json=payload, headers=good) as response:
                    if response.status == 503:
                        assert response.headers["Retry-After"].isdigit()
                    return response.status

            async def answered(who: dict[str, Any], since: int) -> Call:
                return await bot.expect(
                    fake_telegram.wait_for(
                        "sendMessage", lambda c: c.params["chat_id"] == who["id"], since=since
                    )
                )

            since = len(fake_telegram.calls)
            for learner in learners:
                assert await post(text_message("/start", sender=learner)) == 200
            for learner in learners:
                await answered(learner, since)

            # Hostile posts, each with the right secret.
            deep = b'{"update_id": 1, "message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
            async with http.post(hook, data=deep, headers=good) as response:
                assert response.status == 400
            a_bot = {**user(8201, "Bot"), "is_bot": True}
            assert await post(text_message("/start", sender=a_bot)) == 200
            no_from = text_message("/start", sender=user(8202, "Nobody"))
            del no_from["message"]["from"]
            assert await post(no_from) == 200
            huge = text_message("/start", sender=user(8203, "Huge"))
            huge["message"]["from"]["id"] = 2**63
            assert await post(huge) == 200

            # The outage: every Bot API request gets an HTML page, while learners go on.
            fake_telegram.html_outage(OUTAGE_SECONDS)
            ends = time.monotonic() + OUTAGE_SECONDS
            posted: list[tuple[dict[str, Any], int]] = []
            for finisher in finishers:
                posted.append((finisher.update, await post_again(finisher.update)))
            turn = 0
            # Posts stop early, so that (but on a machine far too busy) each reply meets the
            # outage.
            while time.monotonic() < ends - 2.0:
                learner = learners[turn % len(learners)]
                update = {
                    "update_id": fake_telegram.next_update_id(),
                    **text_message("/help", sender=learner),
                }
                posted.append((update, await post_again(update)))
                turn += 1
                await asyncio.sleep(POST_EVERY)
            statuses = [status for _, status in posted]
            # Refused for Telegram to post again; never a 500. (A 200 only for a reply that
            # the machine's load pushed past the outage's end.)
            assert set(statuses) <= {200, 503}, statuses
            assert statuses.count(503) >= len(statuses) // 2, statuses
            while fake_telegram.in_outage:  # noqa: ASYNC110 (the fake's own clock)
                await asyncio.sleep(0.05)

            # Telegram posts the refused updates again: each one is answered now.
            since = len(fake_telegram.calls)
            put_off = [update for update, status in posted if status == 503]
            for update in put_off:
                assert await post_again(update) == 200
            for update in put_off:
                await bot.expect(fake_telegram.wait_for(*answer_to(update), since=since))
            # A finisher whose result the outage swallowed is shown it now.
            for update in put_off:
                if "callback_query" in update:
                    chat_id = update["callback_query"]["from"]["id"]
                    await bot.expect(
                        fake_telegram.wait_for("sendMessage", result_to(chat_id), since=since)
                    )
            # A reply for each one, not only for each learner.
            owed = Counter(u["message"]["chat"]["id"] for u in put_off if "message" in u)

            async def each_answered() -> None:
                while True:
                    replies = fake_telegram.calls_of("sendMessage", since=since)
                    got = Counter(call.params["chat_id"] for call in replies)
                    if all(got[chat] >= n for chat, n in owed.items()):
                        return
                    await asyncio.sleep(0.05)

            await bot.expect(asyncio.wait_for(each_answered(), 30))

            # After it, every learner's update is answered.
            since = len(fake_telegram.calls)
            for learner in learners:
                assert await post(text_message("/help", sender=learner)) == 200
            for learner in learners:
                await answered(learner, since)

        code = await bot.interrupt()
        stderr = bot.stderr
        assert_clean_exit(code, stderr)

    lines = log_lines(stderr)
    assert not [line for line in lines if line[0] in ("ERROR", "CRITICAL")], stderr
    # Two outages: the blip at start and the HTML pages; each one line in, one line out.
    down = [i for i, line in enumerate(lines) if line[2].startswith("Bot API unavailable")]
    back = [i for i, line in enumerate(lines) if line[2].startswith("Bot API reachable again")]
    assert len(down) == 2 and len(back) == 2, stderr
    assert lines[down[1]][0] == "WARNING"
    assert "not the Bot API's JSON" in lines[down[1]][2]
    # The closing line counts the updates the outage cost, as the traffic log saw them.
    unanswered = [
        line for line in lines if line[1] == "bot.updates" and " bot-api-unavailable " in line[2]
    ]
    assert f"; {len(unanswered)} updates were put off" in lines[back[1]][2], lines[back[1]]
    assert len(statuses) // 2 <= len(unanswered) <= len(statuses), (len(statuses), unanswered)
    # Between the two, nothing but the one line per update of the traffic log.
    during = lines[down[1] + 1 : back[1]]
    assert {logger for _, logger, _ in during} <= {"bot.updates"}, during
    # The hostile posts: one line each, no handler reached.
    refused = [line for line in lines if "refused a webhook post" in line[2]]
    assert [message.split(": ", 1)[1] for _, _, message in refused] == ["the body nests too deep"]
    for why in ("sent by a bot", "no sender", "sender id out of range"):
        ignored = [line for line in lines if f"ignored: {why}" in line[2]]
        assert len(ignored) == 1, (why, stderr)
        assert ignored[0][0] == "WARNING"
    strangers = {8201, 8202, 8203, 2**63}
    assert not [c for c in fake_telegram.calls if c.params.get("chat_id") in strangers]
    # Each finisher's answer took effect once, whether it was handled once or twice.
    engine = create_engine(course_db)
    try:
        await assert_completed_once(engine, finishers)
    finally:
        await engine.dispose()


async def test_a_webhook_without_its_secret_does_not_start(
    fake_telegram: FakeTelegram, course_db: str, workdir: Path
) -> None:
    env = child_env(
        BOT_TOKEN=TOKEN,
        BOT_API_URL=fake_telegram.url,
        DATABASE_URL=course_db,
        WEBHOOK_URL=f"http://127.0.0.1:{free_port()}/tg-hook",
    )
    # The child is awaited in a thread: the fake server answering it runs on this event loop.
    result = await asyncio.to_thread(run_command, learnbot("run"), env=env, cwd=workdir)

    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        "learnbot: configuration error: WEBHOOK_SECRET: must be set when WEBHOOK_URL is, so "
        "that only Telegram can post updates (e.g. the output of `openssl rand -hex 32`)"
    ]
    assert fake_telegram.calls == [], "nothing was asked of Telegram"
