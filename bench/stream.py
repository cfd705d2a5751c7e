"""The steady answer stream: learnbot against its floor, block by block, in one process.

Learners who have already finished today's first run (the journey paid the first-of-day costs:
registration, streak, completion, XP) keep practising: Try again, then the lesson's answers,
over and over. Blocks of a fixed number of such updates go alternately through learnbot's
dispatcher (bot.app.build_app) and the floor's (bench/floor.py) in the order A B B A A B B A …,
so a change of machine load moves both sides of each pair alike. Each adjacent pair (A B or
B A) gives one learnbot/floor ratio of CPU per update and one of throughput; the report is
their median and range per database and concurrency, with the load average at start and end.
Bounded by --blocks and --block-updates, and by --seconds per database and concurrency.

    python -m bench.stream                                   # both databases, concurrency 1 and 20
    python -m bench.stream --database sqlite --concurrency 2 --blocks 2 --block-updates 30
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.floor import build_floor
from bench.learners import BenchBotSession, Learner, Target
from bench.learning_loop import load_course, server_version
from bench.loops import register
from bench.machine import load_average, run_header
from bench.scratch import scratch_database
from bot.app import build_app
from bot.config import Settings
from bot.database import Database, open_database
from db import migrations
from db.engine import ServingLimits

BENCH_LIMITS = ServingLimits(statement_seconds=60, unit_seconds=60)
# One update of a learner's practice: its type, and what sends it.
Step = tuple[str, Callable[[], Awaitable[None]]]


@dataclass(frozen=True, slots=True)
class Block:
    target: str
    updates: int
    wall_s: float
    cpu_s: float


class Stream:
    """A pool of learners on one target, each at some step of its endless practice.

    A learner is taken by one worker at a time (the deque hands it out and takes it back), so
    its presses stay in order; the pool is large enough that no learner reaches the throttle's
    limit, and a throttled press would fail loudly (no button to press) rather than skew a figure.
    """

    def __init__(self, target: Target, learners: list[Learner]) -> None:
        self.target = target
        self._ready: deque[tuple[Learner, list[Step]]] = deque()
        self._learners = learners

    async def stagger(self) -> None:
        """Learner i starts its practice at step i mod the run's length, unmeasured: the queue
        then serves every step in turn, so each block has the same mix of Try again, answers
        and last answers (in step, a block would be mostly one kind, then mostly another)."""
        for i, learner in enumerate(self._learners):
            steps = learner.practice()
            skipped = i % len(steps)
            for _label, action in steps[:skipped]:
                await action()
            self._ready.append((learner, steps[skipped:]))

    def check(self) -> None:
        """Learners between two runs are on a result that offers Try again: nothing went astray."""
        for learner, steps in self._ready:
            if not steps:
                learner.check_finished()

    async def step(self) -> str:
        """The next free learner's next update, answered; its type."""
        if not self._ready:
            raise RuntimeError(
                "every learner has an update in flight: the process is overloaded, or too few "
                "--learners"
            )
        learner, steps = self._ready.popleft()
        if not steps:
            steps = learner.practice()
        label, action = steps[0]
        try:
            await action()
        except AssertionError as error:
            raise RuntimeError(
                f"{error}\n(a learner pressing faster than the throttle allows loses "
                "updates: raise --learners)"
            ) from error
        self._ready.append((learner, steps[1:]))
        return label

    async def block(self, updates: int, concurrency: int) -> Block:
        remaining = updates

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0 and self._ready:
                remaining -= 1
                await self.step()

        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return Block(
            self.target.name, updates, time.perf_counter() - wall, time.process_time() - cpu
        )


def order(pairs: int) -> list[int]:
    """A B B A A B B A …: 0 for learnbot, 1 for the floor, two blocks per pair."""
    return [(i + (i // 2)) % 2 for i in range(pairs * 2)]


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def figures(blocks: list[Block]) -> dict[str, Any]:
    """Per adjacent pair of blocks (one of each target), learnbot / floor."""
    cpu, throughput = [], []
    for first, second in zip(blocks[::2], blocks[1::2], strict=True):
        lb, fl = (first, second) if first.target == "learnbot" else (second, first)
        cpu.append((lb.cpu_s / lb.updates) / (fl.cpu_s / fl.updates))
        throughput.append((lb.updates / lb.wall_s) / (fl.updates / fl.wall_s))

    def per_target(name: str) -> dict[str, float]:
        mine = [b for b in blocks if b.target == name]
        return {
            "cpu_ms_per_update": round(
                statistics.median(b.cpu_s * 1000 / b.updates for b in mine), 3
            ),
            "updates_per_s": round(statistics.median(b.updates / b.wall_s for b in mine), 1),
        }

    return {
        "pairs": len(cpu),
        "cpu_ratio": _spread(cpu),
        "throughput_ratio": _spread(throughput),
        "learnbot": per_target("learnbot"),
        "floor": per_target("floor"),
        "blocks": [
            {"target": b.target, "updates": b.updates, "wall_s": round(b.wall_s, 4),
             "cpu_s": round(b.cpu_s, 4)}
            for b in blocks
        ],
    }  # fmt: skip


async def first_runs(learners: list[Learner], concurrency: int) -> None:
    """Each learner's first /start and today's first run; each ends on the result screen."""
    await register(learners, concurrency)
    gate = asyncio.Semaphore(concurrency)

    async def one(learner: Learner) -> None:
        async with gate:
            for _label, action in learner.journey():
                await action()
            learner.check_finished()

    await asyncio.gather(*(one(learner) for learner in learners))


@asynccontextmanager
async def prepared(
    url: str, learners: int, concurrency: int, *, floor: bool = True
) -> AsyncIterator[tuple[str, list[Stream], Database]]:
    """The database migrated and opened as `learnbot run` opens it, learnbot's production
    dispatcher (and the floor's, with `floor`) on one Bot, and a staggered Stream of `learners`
    per target, every learner past today's first run; then `gc.freeze()`. Yields the server's
    version, the streams (learnbot's first) and the database."""
    await asyncio.to_thread(migrations.upgrade, url)
    settings = Settings(_env_file=None, database_url=url, redis_url=None)
    # As `learnbot run` opens it: its pool as large as the dispatcher lets units of work run
    # at once (SQLAlchemy's default pool is half that, so at concurrency 20 a third of the
    # answers opened and closed a connection of their own), and the serving time limits' work
    # per round trip, with limits a loaded shared machine does not reach (SQLite's writers
    # queueing behind one another at concurrency 20 took over 3 s there).
    database = open_database(settings, limits=BENCH_LIMITS)
    course = await load_course(database)
    api = BenchBotSession()
    # The production dispatcher, throttling included: the pool keeps each learner below it.
    app = build_app(settings, database=database, bot_session=api)
    targets = [Target("learnbot", app.dispatcher, app.bot, api)]
    if floor:
        with app.dispatcher["i18n"].context():  # the floor's prepared screens: learnbot's texts
            floor_dp = build_floor(course.lesson_id, course.answers)
        targets.append(Target("floor", floor_dp, app.bot, api))
    try:
        streams = []
        for target in targets:
            pool = [Learner(target, course) for _ in range(learners)]
            # Today's first run for every learner, outside any measurement: from here on every
            # update is a later one of the same day.
            await first_runs(pool, concurrency)
            stream = Stream(target, pool)
            await stream.stagger()
            streams.append(stream)
        gc.collect()
        gc.freeze()  # as `learnbot run` does once it has started (see bot/cli/run.py)
        yield await server_version(database.engine), streams, database
    finally:
        await app.close()
        await database.close()


async def bench_database(url: str, args: argparse.Namespace) -> dict[str, Any]:
    async with prepared(url, args.learners, max(args.concurrency)) as (server, streams, _):
        result: dict[str, Any] = {"server": server, "runs": {}}
        for concurrency in args.concurrency:
            run: dict[str, Any] = {"load_average_before": load_average()}
            deadline = time.monotonic() + args.seconds
            # One unmeasured block each first: the pool's learners at this concurrency warm up.
            for stream in streams:
                await stream.block(args.block_updates, concurrency)
            blocks = []
            for which in order(args.blocks):
                blocks.append(await streams[which].block(args.block_updates, concurrency))
                if len(blocks) % 2 == 0 and time.monotonic() > deadline:
                    run["stopped_early"] = f"after {len(blocks) // 2} pairs, at --seconds"
                    break
            for stream in streams:
                stream.check()
            run.update(figures(blocks))
            run["load_average_after"] = load_average()
            result["runs"][f"concurrency {concurrency}"] = run
            _print_run(server, concurrency, run)
    return result


def _print_run(server: str, concurrency: int, run: dict[str, Any]) -> None:
    def cell(spread: dict[str, float]) -> str:
        return f"{spread['median']:.3f} [{spread['min']:.3f}–{spread['max']:.3f}]"

    lb, fl = run["learnbot"], run["floor"]
    print(
        f"{server:24} c={concurrency:<3} pairs {run['pairs']:<3} "
        f"CPU ratio {cell(run['cpu_ratio'])}  throughput ratio {cell(run['throughput_ratio'])}  "
        f"CPU ms/update {lb['cpu_ms_per_update']:.2f} vs {fl['cpu_ms_per_update']:.2f}  "
        f"updates/s {lb['updates_per_s']:.0f} vs {fl['updates_per_s']:.0f}  "
        f"load {run['load_average_before']} -> {run['load_average_after']}"
        + (f"  ({run['stopped_early']})" if "stopped_early" in run else "")
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", choices=["mysql", "sqlite", "both"], default="both")
    parser.add_argument(
        "--concurrency", type=int, nargs="+", default=[1, 20], help="learners at once, each run"
    )
    parser.add_argument("--blocks", type=int, default=10, help="pairs of blocks (A B or B A)")
    parser.add_argument("--block-updates", type=int, default=300, help="updates per block")
    parser.add_argument(
        "--learners", type=int, default=200, help="learners per target, taking turns"
    )
    parser.add_argument(
        "--seconds", type=float, default=300, help="stop a run's blocks after this long"
    )
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)
    if min(args.concurrency) < 1 or args.blocks < 1 or args.block_updates < 1:
        parser.error("--concurrency, --blocks and --block-updates must be >= 1")
    if args.learners < max(args.concurrency):
        parser.error("--learners must be at least the largest --concurrency")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    kinds = ["mysql", "sqlite"] if args.database == "both" else [args.database]
    result = run_header(args)
    print("learnbot / floor per pair of blocks: median [min–max]")
    for kind in kinds:
        with scratch_database(kind) as url:
            result["databases"][kind] = asyncio.run(bench_database(url, args))
    result["load_average_after"] = load_average()
    m = result["machine"]
    print(
        f"\n{m['cpu_model']}, {m['cores']} cores, Python {m['python']}; load average "
        f"{result['load_average_before']} before, {result['load_average_after']} after"
    )
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
