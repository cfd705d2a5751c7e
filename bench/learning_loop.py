"""The learner journey through the production dispatcher: round trips, CPU, rates, latency.

Learners send /start, open a lesson, start its exercises and answer them, through learnbot's
dispatcher (bot.app.build_app, as `learnbot run` builds it) and the in-process Bot API, on a
scratch MariaDB/MySQL database (at TEST_MYSQL_URL) and a scratch SQLite file. In the same
process the floor (bench/floor.py) answers the same journey with no database work. Every loop is
bounded by --learners; see docs/benchmarks.md for what each figure means.

    python -m bench.learning_loop                       # both databases, 100 learners per loop
    python -m bench.learning_loop --database sqlite --learners 4 --concurrency 2 --json out.json
    python -m bench.learning_loop --database mysql --learners 0 --rss-learners 10000
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench import report
from bench.floor import build_floor
from bench.learners import BenchBotSession, Course, Learner, Target
from bench.loops import closed_loop, one_at_a_time, open_loop
from bench.machine import load_average, machine
from bench.rss import measure_rss
from bench.scratch import scratch_database
from bot.app import build_app
from bot.config import Settings
from bot.database import Database, open_database
from bot.services.catalog import catalog
from bot.services.content.importer import import_course
from bot.services.content.parse import parse_course
from bot.services.grading import correct_answer_text
from db import migrations
from db.enums import ExerciseType
from db.models import Lesson
from tests.support.roundtrips import RoundTrips

COURSE_FILE = Path(__file__).with_name("course.yaml")
LESSON = "basics"
WARM_UP_LEARNERS = 3


async def load_course(database: Database) -> Course:
    async with database.sessionmaker() as session:
        await import_course(
            session, database.context, parse_course(COURSE_FILE.read_text("utf-8")), publish=True
        )
        lesson_id = await session.scalar(select(Lesson.id).where(Lesson.slug == LESSON))
        assert lesson_id is not None
        answers = []
        for exercise in (await catalog(session, database.context)).lesson(lesson_id).exercises:
            if exercise.type is ExerciseType.SHORT_ANSWER:
                raise ValueError("the benchmark answers with buttons only, not typed answers")
            answers.append(correct_answer_text(exercise))
        await session.commit()
    return Course(lesson_id, tuple(answers))


async def server_version(engine: AsyncEngine) -> str:
    if engine.dialect.name == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    async with engine.connect() as conn:
        return f"MySQL/MariaDB {await conn.scalar(text('SELECT VERSION()'))}"


def print_trace(counter: RoundTrips, learner_id: int) -> None:
    assert counter.log is not None
    print(f"\nwhat the driver was asked during learner {learner_id}'s journey:")
    label = None
    for trip in counter.log:
        if trip.label != label:
            label = trip.label
            print(f"  {label}:")
        print(f"      {trip.kind:9} {trip.sql or ''}")


async def bench_database(url: str, args: argparse.Namespace) -> dict[str, Any]:
    await asyncio.to_thread(migrations.upgrade, url)
    # Memory FSM storage, as one `learnbot run` without REDIS_URL: whatever the environment says.
    settings = Settings(_env_file=None, database_url=url, redis_url=None)
    database = open_database(settings)
    counter = RoundTrips()
    counter.attach(database.engine)
    course = await load_course(database)
    api = BenchBotSession()
    # The production dispatcher, throttling included: one journey stays far below its limit.
    app = build_app(settings, database=database, bot_session=api)
    # As `learnbot run` does once it has started (see bot/cli/run.py).
    gc.collect()
    gc.freeze()
    learnbot = Target("learnbot", app.dispatcher, app.bot, api)
    with app.dispatcher["i18n"].context():  # the floor's prepared screens use learnbot's texts
        floor = Target("floor", build_floor(course.lesson_id, course.answers), app.bot, api)

    def learners(target: Target, n: int) -> list[Learner]:
        return [Learner(target, course) for _ in range(n)]

    result: dict[str, Any] = {
        "server": await server_version(database.engine),
        "learners": args.learners,
        "concurrency": args.concurrency,
        "load_average_before": load_average(),
    }
    try:
        if args.learners > 0:
            for target in (learnbot, floor):
                await one_at_a_time(learners(target, WARM_UP_LEARNERS))
            if args.trace:
                counter.clear()
                counter.log = []
                traced = learners(learnbot, 1)
                await one_at_a_time(traced)
                print_trace(counter, traced[0].id)
                counter.log = None
            counter.clear()
            alone = await one_at_a_time(learners(learnbot, args.learners))
            trips = report.round_trips(counter, alone)
            unattributed = counter.total(None)
            floor_alone = await one_at_a_time(learners(floor, args.learners))
            counter.clear()
            busy = await closed_loop(learners(learnbot, args.learners), args.concurrency)
            result["round_trips_concurrent"] = report.round_trips(counter, busy)
            floor_busy = await closed_loop(learners(floor, args.learners), args.concurrency)
            rate = args.rate or busy.rate / 2
            unattributed += counter.total(None)
            counter.clear()
            opened = await open_loop(learners(learnbot, args.learners), rate, args.concurrency)
            unattributed += counter.total(None)
            result["per_update"] = report.per_update(trips, alone, floor_alone, opened)
            # Named by concurrency; with --concurrency 1 the busy loop repeats the first.
            busy_key = f"concurrency {args.concurrency}"
            if args.concurrency == 1:
                busy_key += " again"
            result["closed_loop"] = {
                "concurrency 1": report.compare(alone, floor_alone),
                busy_key: report.compare(busy, floor_busy),
            }
            result["open_loop"] = report.open_loop_figures(opened, rate, busy.rate)
            result["unattributed_round_trips"] = unattributed
        if args.rss_learners > 0:
            result["rss"] = await measure_rss(
                learnbot, course, args.rss_learners, args.concurrency, args.rss_seconds
            )
    finally:
        await app.close()
        await database.close()
    result["load_average_after"] = load_average()
    return result


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", choices=["mysql", "sqlite", "both"], default="both")
    parser.add_argument("--learners", type=int, default=100, help="learners per loop (0: no loops)")
    parser.add_argument("--concurrency", type=int, default=20, help="learners at once")
    parser.add_argument(
        "--rate", type=float, help="open loop: updates/s (default: half the closed loop's)"
    )
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    parser.add_argument(
        "--rss-learners", type=int, default=0, help="distinct learners for the RSS check"
    )
    parser.add_argument(
        "--rss-seconds", type=float, default=900, help="stop the RSS check after this long"
    )
    parser.add_argument(
        "--trace", action="store_true", help="print what one journey asks of the driver"
    )
    args = parser.parse_args(argv)
    if args.learners < 0 or args.concurrency < 1 or args.rss_learners < 0:
        parser.error("--learners and --rss-learners must be >= 0, --concurrency >= 1")
    if args.rate is not None and args.rate <= 0:
        parser.error("--rate must be positive")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    kinds = ["mysql", "sqlite"] if args.database == "both" else [args.database]
    figures: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "arguments": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "machine": machine(),
        "load_average_before": load_average(),
        "databases": {},
    }
    for kind in kinds:
        with scratch_database(kind) as url:
            result = asyncio.run(bench_database(url, args))
        figures["databases"][kind] = result
        if args.learners > 0 or args.rss_learners > 0:
            report.print_database(kind, result)
    figures["load_average_after"] = load_average()
    m = figures["machine"]
    print(
        f"\n{m['cpu_model']}, {m['cores']} cores, Python {m['python']}; load average "
        f"{figures['load_average_before']} before, {figures['load_average_after']} after"
    )
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
