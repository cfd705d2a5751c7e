"""How fast the learning loop serves learners, and how many SQL statements each update costs.

Every learner opens a lesson, starts its exercises and answers them, through the real dispatcher
(bot.app) and the in-process Bot API, so what is measured is handlers + services + SQL, not
Telegram. Learners run concurrently; each of their updates waits for the previous one, as a
person's would.

    .venv/bin/python -m bench.learning_loop --learners 200 --concurrency 20
    .venv/bin/python -m bench.learning_loop --database sqlite --learners 50

It creates a scratch database (a MariaDB/MySQL one at TEST_MYSQL_URL, or a SQLite file) and
drops it afterwards, and imports bench/course.yaml into it. Bounded by --learners; nothing else
runs.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import statistics
import time
from pathlib import Path
from typing import Any

from aiogram.types import User
from sqlalchemy import event, select

from bench.scratch import scratch_database
from bot.app import Database, build_app
from bot.callbacks import LessonCb
from bot.config import Settings
from bot.local_api import LocalBotSession
from bot.localchat import Button, LocalChat
from bot.services.catalog import CatalogExercise, catalog
from bot.services.content.importer import import_course
from bot.services.content.parse import parse_course
from bot.services.grading import correct_answer_text
from db import migrations
from db.clock import SYSTEM_CLOCK
from db.engine import create_engine, create_sessionmaker
from db.enums import ExerciseType
from db.models import Lesson

COURSE_FILE = Path(__file__).with_name("course.yaml")
LESSON = "basics"


class StatementCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: Any) -> None:
        self.count += 1


def right_button(exercise: CatalogExercise) -> str:
    """The label of the button that answers `exercise` right, as the bot labels its buttons."""
    if exercise.type is ExerciseType.SHORT_ANSWER:
        raise ValueError("the benchmark answers with buttons only, not typed answers")
    return correct_answer_text(exercise)


async def learner_journey(
    chat: LocalChat, lesson_id: int, answers: list[str], timings: dict[str, list[float]]
) -> None:
    async def step(name: str, action: Any) -> None:
        start = time.perf_counter()
        await action
        timings[name].append(time.perf_counter() - start)

    api = chat.session
    assert isinstance(api, LocalBotSession)

    def button(label: str) -> Button:
        for call, result in zip(reversed(api.calls), reversed(api.results), strict=True):
            if str(getattr(call, "chat_id", "")) != str(chat.user.id):
                continue  # another learner's message: they share the one bot
            markup = getattr(call, "reply_markup", None)
            if markup is not None and hasattr(markup, "inline_keyboard"):
                for row in markup.inline_keyboard:
                    for b in row:
                        if b.text == label or label in b.text:
                            return Button(b.text, result.message_id, b.callback_data, b.url)
        raise AssertionError(f"no button {label!r}")

    await step("/start", chat.send_text("/start"))
    await step("open lesson", chat.press(Button("", 0, LessonCb(lesson_id=lesson_id).pack(), None)))
    await step("start run", chat.press(button("Start exercises")))
    for answer in answers:
        await step("answer", chat.press(button(answer)))


async def run(url: str, learners: int, concurrency: int) -> None:
    await asyncio.to_thread(migrations.upgrade, url)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        course = COURSE_FILE.read_text(encoding="utf-8")
        await import_course(session, parse_course(course), publish=True)
        lesson_id = await session.scalar(select(Lesson.id).where(Lesson.slug == LESSON))
        assert lesson_id is not None
        lesson = (await catalog(session)).lesson(lesson_id)
        answers = [right_button(exercise) for exercise in lesson.exercises]
    settings = Settings(_env_file=None, database_url=url)
    database = Database(engine, sessionmaker, SYSTEM_CLOCK)
    counter = StatementCounter()
    event.listen(engine.sync_engine, "before_cursor_execute", counter)

    timings: dict[str, list[float]] = collections.defaultdict(list)
    gate = asyncio.Semaphore(concurrency)

    # One app for everybody, as in production: learners share its dispatcher and bot.
    api = LocalBotSession()
    app = build_app(settings, database=database, bot_session=api, throttle=None)

    async def one(n: int) -> None:
        async with gate:
            user = User(id=10_000 + n, is_bot=False, first_name=f"L{n}")
            chat = LocalChat(app.dispatcher, app.bot, api, user)
            await learner_journey(chat, lesson_id, answers, timings)

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(learners)))
    elapsed = time.perf_counter() - started
    updates = sum(len(v) for v in timings.values())
    print(f"database: {engine.url.render_as_string(hide_password=True).split('@')[-1]}")
    print(f"learners: {learners}, concurrency: {concurrency}, updates: {updates}")
    print(f"wall time: {elapsed:.2f} s, throughput: {updates / elapsed:.0f} updates/s")
    print(f"SQL statements: {counter.count} ({counter.count / updates:.1f} per update)")
    for name, values in timings.items():
        values.sort()
        p95 = values[int(len(values) * 0.95) - 1] if len(values) > 1 else values[0]
        print(
            f"  {name:12s} n={len(values):5d}  median {statistics.median(values) * 1000:6.1f} ms"
            f"  p95 {p95 * 1000:6.1f} ms"
        )
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["mysql", "sqlite"], default="mysql")
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    with scratch_database(args.database) as url:
        asyncio.run(run(url, args.learners, args.concurrency))


if __name__ == "__main__":
    main()
