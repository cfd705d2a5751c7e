"""What a steady answer's database work costs three ways: learnbot's unit of work, the same SQL
on a bare connection, and the same SQL straight on the driver.

An answer in a lesson takes the learner's lock and reads their state (`progress.lesson_state`),
inserts the attempt, upserts the exercise's review card, updates the progress row and commits:
five round trips. Here each learner answers an exercise of its latest run again, so every pass
sends the very statements an answer sends (the attempt's INSERT IGNORE finds it there and writes
nothing, the others write the same values) and leaves the database as it found it. The ways:

- `session`: the repositories in a `@unit_of_work` on an AsyncSession, as the bot runs them;
- `driver_sql`: the SQL and parameters SQLAlchemy handed the driver (caught with its
  `before_cursor_execute` event), sent again with an AsyncConnection's `exec_driver_sql` in a
  transaction: the hot path's way of sending (db/repositories/driver_sql.py) without learnbot's
  repositories, unit of work and ORM session around it;
- `driver` (MariaDB only): the same, on aiomysql's own cursor, committed there: no SQLAlchemy
  at all, the floor of any unit of work.

Blocks of `--block-answers` answers go through the ways in turn, the order reversed every
round (A B C C B A …) so a change of machine load moves them alike; each way's CPU per answer
(`time.process_time`) is reported as the median over the rounds, beside its ratio to the
session's in the same round.

    python -m bench.driver_floor [--database mysql|sqlite|both] [--concurrency C ...]
        [--rounds N] [--block-answers M] [--json FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiomysql
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncSession

from bench.machine import load_average, run_header
from bench.scratch import KINDS, scratch_database
from bench.stream import prepared
from bot.database import Database
from bot.services import review
from bot.services.context import Context
from bot.services.unit_of_work import unit_of_work
from db.repositories import progress

# Learners answering at once: one each, so no pass waits for another's lock.
LEARNERS = 20


@dataclass(frozen=True, slots=True)
class Answerer:
    user_id: int
    lesson_id: int
    module_id: int
    exercise_id: int
    run: int


@unit_of_work
async def answer_again(session: AsyncSession, ctx: Context, who: Answerer) -> None:
    """The statements of an answer, in the order `exercises._answer` sends them."""
    state = await progress.lesson_state(
        session, who.user_id, who.lesson_id, who.module_id, with_standing=True
    )
    now = ctx.clock.now()
    await progress.add_attempt(
        session,
        user_id=who.user_id,
        lesson_id=who.lesson_id,
        exercise_id=who.exercise_id,
        run=who.run,
        answer="again",
        is_correct=True,
        points_earned=0,
        now=now,
    )
    await review.record_lesson_answer(session, ctx, who.user_id, who.exercise_id, right=True)
    await progress.save_progress(session, state.progress, now=now)


_ANSWERERS = text(
    "SELECT a.user_id, a.lesson_id, l.module_id, MIN(a.exercise_id), a.run "
    "FROM exercise_attempts a JOIN lessons l ON l.id = a.lesson_id "
    "GROUP BY a.user_id, a.lesson_id, l.module_id, a.run ORDER BY a.user_id, a.run DESC"
)


async def answerers(database: Database) -> list[Answerer]:
    """One exercise of each learner's latest run."""
    async with database.sessionmaker() as session:
        rows = (await session.execute(_ANSWERERS)).all()
    latest: dict[int, Answerer] = {}
    for row in rows:
        latest.setdefault(row[0], Answerer(*row))
    return list(latest.values())[:LEARNERS]


# What one answer sent: the SQL with the driver's parameters.
Caught = list[tuple[str, Any]]


async def catch(database: Database, who: Answerer) -> Caught:
    caught: Caught = []
    engine = database.engine.sync_engine

    def before_cursor(_conn: Any, _cursor: Any, sql: str, parameters: Any, *_: Any) -> None:
        # SQLite's BEGIN IMMEDIATE (db.engine) is the transaction's, which each way begins.
        if not sql.startswith("BEGIN"):
            caught.append((sql, parameters))

    event.listen(engine, "before_cursor_execute", before_cursor)
    try:
        async with database.sessionmaker() as session:
            await answer_again(session, database.context, who)
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor)
    return caught


class QuietCursor(aiomysql.Cursor):  # type: ignore[misc]
    """As SQLAlchemy's: a warning (the attempt's INSERT IGNORE finding its row) costs no SHOW
    WARNINGS round trip."""

    async def _show_warnings(self, conn: Any) -> None:
        return None


Way = Callable[[Answerer], Awaitable[None]]


def ways(database: Database, caught: dict[int, Caught]) -> dict[str, Way]:
    async def session_way(who: Answerer) -> None:
        async with database.sessionmaker() as session:
            await answer_again(session, database.context, who)

    async def driver_sql_way(who: Answerer) -> None:
        async with database.engine.connect() as conn, conn.begin():
            for sql, params in caught[who.user_id]:
                await conn.exec_driver_sql(sql, params)

    async def driver_way(who: Answerer) -> None:
        async with database.engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            assert raw is not None
            for sql, params in caught[who.user_id]:
                async with raw.cursor(QuietCursor) as cursor:
                    await cursor.execute(sql, params)
                    await cursor.fetchall()
            await raw.commit()

    found: dict[str, Way] = {
        "session": session_way,
        "driver_sql": driver_sql_way,
    }
    if database.engine.dialect.name == "mysql":
        found["driver"] = driver_way
    return found


async def block(way: Way, people: list[Answerer], answers: int, concurrency: int) -> float:
    """CPU ms per answer over `answers` answers, `concurrency` learners at a time."""
    remaining = answers

    async def worker(who: Answerer) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await way(who)

    gc.collect()
    cpu = time.process_time()
    await asyncio.gather(*(worker(who) for who in people[:concurrency]))
    return (time.process_time() - cpu) * 1000 / answers


async def bench_database(url: str, args: argparse.Namespace) -> dict[str, Any]:
    async with prepared(url, LEARNERS, max(args.concurrency), floor=False) as (server, _, db):
        people = await answerers(db)
        if len(people) < max(args.concurrency):
            raise RuntimeError(f"{len(people)} learners, fewer than the concurrency asked for")
        caught = {who.user_id: await catch(db, who) for who in people}
        sent = len(caught[people[0].user_id])
        result: dict[str, Any] = {"server": server, "round_trips": sent + 1, "runs": {}}
        for concurrency in args.concurrency:
            run: dict[str, Any] = {"load_average_before": load_average()}
            named = ways(db, caught)
            cpu: dict[str, list[float]] = {name: [] for name in named}
            ratios: dict[str, list[float]] = {name: [] for name in named}
            for way in named.values():  # unmeasured: every way warms up alike
                await block(way, people, args.block_answers, concurrency)
            for round_ in range(args.rounds):
                order = list(named) if round_ % 2 == 0 else list(reversed(named))
                this = {name: await block(named[name], people, args.block_answers, concurrency)
                        for name in order}  # fmt: skip
                for name, ms in this.items():
                    cpu[name].append(ms)
                    ratios[name].append(ms / this["session"])
            run["cpu_ms_per_answer"] = {n: round(statistics.median(v), 3) for n, v in cpu.items()}
            run["ratio_to_session"] = {
                n: [round(statistics.median(v), 3), round(min(v), 3), round(max(v), 3)]
                for n, v in ratios.items()
            }
            run["load_average_after"] = load_average()
            result["runs"][f"concurrency {concurrency}"] = run
            print(
                f"{server:24} c={concurrency:<3} round trips {sent + 1}  CPU ms per answer "
                + "  ".join(
                    f"{n} {run['cpu_ms_per_answer'][n]:.3f} "
                    f"(x{run['ratio_to_session'][n][0]:.2f} "
                    f"[{run['ratio_to_session'][n][1]:.2f}–{run['ratio_to_session'][n][2]:.2f}])"
                    for n in named
                )
                + f"  load {run['load_average_before']} -> {run['load_average_after']}"
            )
    return result


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", choices=[*KINDS, "both"], default="both")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--rounds", type=int, default=10, help="rounds of one block per way")
    parser.add_argument("--block-answers", type=int, default=300, help="answers per block")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)
    if max(args.concurrency) > LEARNERS or min(args.concurrency) < 1:
        parser.error(f"--concurrency must be 1 to {LEARNERS}")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    kinds = list(KINDS) if args.database == "both" else [args.database]
    results: dict[str, Any] = {**run_header(args), "databases": {}}
    for kind in kinds:
        with scratch_database(kind) as url:
            results["databases"][kind] = asyncio.run(bench_database(url, args))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
        print(f"figures written to {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
