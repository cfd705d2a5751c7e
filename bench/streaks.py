"""The scheduler's streak upkeep (and reminder) jobs over many learners, of whom some are due.

Learners are generated with one bulk INSERT .. SELECT (MariaDB's seq_1_to_N table, a recursive
CTE on SQLite) into a scratch database: `--due-percent` of them are due a look now (half hold a
freeze that covers the missed day, half lose their streak) and as many are owed a reminder now;
the rest are due tomorrow. Each job then runs once, as the scheduler would call it, and the
seconds, the rows it touched and the statements it sent are printed.

    python -m bench.streaks                                   # MariaDB, 10k and 100k learners
    python -m bench.streaks --database sqlite --learners 10000
    python -m bench.streaks --learners 1000000 --json streaks.json
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import sys
import time
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.machine import load_average, machine
from bench.scratch import KINDS, scratch_database
from bot.services.context import Context
from bot.services.reminders import queue_reminders
from bot.services.streak_upkeep import BATCH_SIZE, upkeep_streaks
from db import migrations
from db.clock import ManualClock
from db.engine import create_engine, create_sessionmaker
from tests.support.roundtrips import STATEMENT, RoundTrips, counting_as

# Noon UTC on a Wednesday: every zone below is well inside its 4 March.
NOW = datetime.datetime(2026, 3, 4, 12, 0, tzinfo=datetime.UTC)
# Seven zones (a count prime to 10, so the due tenth spreads over all of them).
ZONES = (
    "UTC",
    "Europe/Berlin",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "America/New_York",
    "Pacific/Kiritimati",
    "Etc/GMT+12",
)


def _naive(instant: datetime.datetime) -> str:
    return instant.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")


def _generate_sql(dialect: str, learners: int, due_percent: int) -> str:
    """One INSERT .. SELECT of `learners` users; `n` is the row number."""
    every = max(1, round(100 / due_percent))
    whens = " ".join(f"WHEN {i} THEN '{z}'" for i, z in enumerate(ZONES))
    zone = f"CASE n % {len(ZONES)} {whens} END"
    past = _naive(NOW - datetime.timedelta(hours=1))
    tomorrow = _naive(NOW + datetime.timedelta(days=1))
    # Due learners were last active on 2 March (3 March missed); the others on 3 March.
    select = f"""
        SELECT n, {zone}, 2, 2,
            CASE WHEN n % {every} = 0 THEN '2026-03-02' ELSE '2026-03-03' END,
            CASE WHEN n % {every} = 0 AND n % 2 = 0 THEN 1 ELSE 0 END,
            CASE WHEN n % {every} = 0 THEN '{past}' ELSE '{tomorrow}' END,
            1, 9,
            CASE WHEN (n + 1) % {every} = 0 THEN '{past}' ELSE '{tomorrow}' END,
            1, '{past}', '{past}'
    """
    columns = (
        "telegram_id, timezone, current_streak, longest_streak, last_active_date, "
        "streak_freezes, streak_due_at, reminders_enabled, reminder_hour, remind_at, "
        "is_active, created_at, updated_at"
    )
    if dialect == "mysql":
        numbers = f"(SELECT seq AS n FROM seq_1_to_{learners}) s"
        return f"INSERT INTO users ({columns}) {select} FROM {numbers}"
    return (
        f"INSERT INTO users ({columns}) WITH RECURSIVE s(n) AS "
        f"(SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < {learners}) {select} FROM s"
    )


async def _generate(engine: AsyncEngine, learners: int, due_percent: int) -> float:
    started = time.perf_counter()
    async with engine.begin() as conn:
        await conn.execute(text(_generate_sql(engine.dialect.name, learners, due_percent)))
    if engine.dialect.name == "mysql":
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE TABLE users"))
    return time.perf_counter() - started


async def _plan(engine: AsyncEngine) -> str:
    """Which index the due read uses (MariaDB's EXPLAIN `key`, SQLite's plan detail)."""
    query = (
        "SELECT id FROM users WHERE streak_due_at <= :now "
        "ORDER BY streak_due_at, id LIMIT 1000 FOR UPDATE"
    )
    async with engine.connect() as conn:
        if engine.dialect.name == "mysql":
            row = (await conn.execute(text("EXPLAIN " + query), {"now": NOW})).mappings().one()
            return f"key={row['key']} type={row['type']} rows={row['rows']}"
        query = query.removesuffix(" FOR UPDATE")
        rows = (await conn.execute(text("EXPLAIN QUERY PLAN " + query), {"now": NOW})).all()
        return "; ".join(str(r[-1]) for r in rows)


async def bench(url: str, learners: int, due_percent: int, batch_size: int) -> dict[str, Any]:
    await asyncio.to_thread(migrations.upgrade, url)
    engine = create_engine(url)
    counter = RoundTrips()
    counter.attach(engine)
    try:
        generated = await _generate(engine, learners, due_percent)
        sessions = create_sessionmaker(engine)
        context = Context(ManualClock(NOW))
        result: dict[str, Any] = {
            "learners": learners,
            "generate_seconds": round(generated, 2),
            "plan": await _plan(engine),
        }
        for job, run in (("upkeep", upkeep_streaks), ("reminders", queue_reminders)):
            with counting_as(job):
                started = time.perf_counter()
                async with sessions() as session:
                    rows = await run(session, context, "UTC", batch_size=batch_size)
                seconds = time.perf_counter() - started
            result[job] = {
                "seconds": round(seconds, 2),
                "rows": rows,
                "statements": counter.of(job)[STATEMENT],
            }
        return result
    finally:
        await engine.dispose()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", choices=(*KINDS, "both"), default="mysql")
    parser.add_argument(
        "--learners", type=int, nargs="+", default=[10_000, 100_000], help="one run per count"
    )
    parser.add_argument("--due-percent", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
    parser.add_argument("--json", help="write the figures, the machine and the load to this file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    kinds = KINDS if args.database == "both" else (args.database,)
    report: dict[str, Any] = {"machine": machine(), "runs": []}
    print(f"load average before: {load_average()}")
    for kind in kinds:
        for learners in args.learners:
            with scratch_database(kind) as url:
                result = asyncio.run(bench(url, learners, args.due_percent, args.batch_size))
            result["database"] = kind
            result["load_average"] = load_average()
            report["runs"].append(result)
            up, rem = result["upkeep"], result["reminders"]
            print(
                f"{kind} {learners:>9,} learners (generated in {result['generate_seconds']} s; "
                f"{result['plan']})\n"
                f"  upkeep:    {up['rows']:>7,} rows in {up['seconds']:>7.2f} s, "
                f"{up['statements']:,} statements\n"
                f"  reminders: {rem['rows']:>7,} queued in {rem['seconds']:>7.2f} s, "
                f"{rem['statements']:,} statements\n"
                f"  load average after: {result['load_average']}"
            )
            sys.stdout.flush()
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(report, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
