"""The steady answer stream in an open loop: answers arriving at a fixed rate, at half of the
capacity measured in the same run, and the latency each one sees.

Set up as bench/stream.py sets up (`bench.stream.prepared`: the scratch database opened as
`learnbot run` opens it, the production dispatcher on the in-process Bot API, learners past
today's first run practising the lesson, `gc.freeze()`), learnbot only. First its capacity:
closed-loop blocks at --concurrency, the median updates/s. Then --updates arrivals at
--fraction of it, whether or not earlier ones are answered, as Telegram's are: evenly spaced or
a Poisson stream (exponential gaps, seeded). Latency runs from an update's arrival time to the
end of its handling, so an update that could not start on time counts its wait.

    python -m bench.stream_open                             # both databases, Poisson arrivals
    python -m bench.stream_open --arrivals even --json out.json
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.loops import Clock, Phase, percentile
from bench.machine import load_average, loadavg_line, run_header
from bench.report import gc_figures
from bench.scratch import scratch_database
from bench.stream import Stream, prepared

PERCENTILES = (50, 95, 99)


def gaps(updates: int, rate: float, arrivals: str, seed: int) -> list[float]:
    """Seconds between one arrival and the next."""
    if arrivals == "even":
        return [1.0 / rate] * updates
    rng = random.Random(seed)
    return [rng.expovariate(rate) for _ in range(updates)]


async def open_loop(stream: Stream, intervals: list[float]) -> Phase:
    phase = Phase()
    loop = asyncio.get_running_loop()
    # Every task kept to the end: one that failed (a learner pressing too fast, or more updates
    # in flight than learners) fails the run rather than leaving its latency out.
    tasks: list[asyncio.Task[None]] = []

    async def one(arrival: float) -> None:
        phase.max_start_lag_s = max(phase.max_start_lag_s, loop.time() - arrival)
        label = await stream.step()
        phase.add(label, loop.time() - arrival)

    gc.collect()
    with Clock(phase):
        arrival = loop.time()
        for gap in intervals:
            arrival += gap
            delay = arrival - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(arrival)))
        await asyncio.gather(*tasks)
    return phase


def run_queue_wait_s() -> float:
    """How long this process's threads have waited, runnable, for a CPU (the kernel's
    schedstat): time another process on the machine held the cores an update needed."""
    total = 0
    for stat in Path("/proc/self/task").glob("*/schedstat"):
        try:
            total += int(stat.read_text(encoding="ascii").split()[1])
        except (OSError, IndexError, ValueError):
            continue  # a thread that ended between the listing and the read
    return total / 1e9


def cpu_pressure_s() -> float | None:
    """The machine's time with some task waiting for a CPU (PSI), when the kernel reports it."""
    try:
        some = Path("/proc/pressure/cpu").read_text(encoding="ascii").splitlines()[0]
    except (OSError, IndexError):
        return None
    return int(some.rpartition("total=")[2]) / 1e6


class BeginWaits:
    """The wall time of each BEGIN the engine sends: on SQLite a writer's BEGIN IMMEDIATE
    waits there for the database's write lock, in SQLite's busy handler, which sleeps in
    growing steps (up to 100 ms) rather than waking when the lock is freed."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.seconds: list[float] = []
        event.listen(engine.sync_engine, "before_cursor_execute", self._before)
        event.listen(engine.sync_engine, "after_cursor_execute", self._after)

    def _before(self, conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("BEGIN"):
            conn.info["bench_begin"] = time.perf_counter()

    def _after(self, conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("BEGIN"):
            self.seconds.append(time.perf_counter() - conn.info.pop("bench_begin"))

    def figures(self) -> dict[str, Any]:
        slow = [s for s in self.seconds if s >= 0.01]
        return {
            "begins": len(self.seconds),
            "over_10_ms": len(slow),
            "total_ms": round(sum(self.seconds) * 1000, 1),
            "longest_ms": round(max(self.seconds, default=0.0) * 1000, 2),
        }


def latency_figures(latencies: list[float]) -> dict[str, float]:
    return {f"p{p}_ms": round(percentile(latencies, p) * 1000, 2) for p in PERCENTILES}


async def bench_database(url: str, args: argparse.Namespace) -> dict[str, Any]:
    async with prepared(url, args.learners, args.concurrency, floor=False) as (
        server,
        streams,
        database,
    ):
        (stream,) = streams
        result: dict[str, Any] = {"server": server, "loadavg_before": loadavg_line()}
        await stream.block(args.block_updates, args.concurrency)  # unmeasured: warm-up
        blocks = [
            await stream.block(args.block_updates, args.concurrency)
            for _ in range(args.capacity_blocks)
        ]
        rates = [b.updates / b.wall_s for b in blocks]
        capacity = statistics.median(rates)
        rate = capacity * args.fraction
        begins = BeginWaits(database.engine)
        waited, pressure = run_queue_wait_s(), cpu_pressure_s()
        phase = await open_loop(stream, gaps(args.updates, rate, args.arrivals, args.seed))
        waited = run_queue_wait_s() - waited
        pressure_after = cpu_pressure_s()
        stream.check()
        everything = [x for values in phase.latency_s.values() for x in values]
        result.update(
            capacity_updates_per_s={
                "median": round(capacity, 1),
                "min": round(min(rates), 1),
                "max": round(max(rates), 1),
                "concurrency": args.concurrency,
            },
            offered_updates_per_s=round(rate, 1),
            achieved_updates_per_s=round(phase.rate, 1),
            updates=phase.updates,
            cpu_ms_per_update=round(phase.cpu_ms_per_update, 2),
            latency=latency_figures(everything),
            latency_by_type={k: latency_figures(v) for k, v in phase.latency_s.items()},
            latest_start_ms=round(phase.max_start_lag_s * 1000, 2),
            gc=gc_figures(phase),
            # Seconds per second of the open loop: how much of it the process's threads spent
            # runnable but without a CPU, and the machine had some task in that state.
            run_queue_wait_share=round(waited / phase.wall_s, 3),
            machine_cpu_pressure_share=(
                None
                if pressure is None or pressure_after is None
                else round((pressure_after - pressure) / phase.wall_s, 3)
            ),
            begin_waits=begins.figures(),
            loadavg_after=loadavg_line(),
        )
    latency = result["latency"]
    print(
        f"{server:24} capacity {result['capacity_updates_per_s']['median']:.0f}/s "
        f"(c={args.concurrency}), offered {rate:.1f}/s, achieved {phase.rate:.1f}/s: "
        f"p50 {latency['p50_ms']:.1f} ms, p95 {latency['p95_ms']:.1f} ms, "
        f"p99 {latency['p99_ms']:.1f} ms, latest start {result['latest_start_ms']:.1f} ms, "
        f"CPU {result['cpu_ms_per_update']:.2f} ms/update, "
        f"full GCs {result['gc']['full_collections']} (longest {result['gc']['longest_ms']} ms)\n"
        f"{'':24} waiting for a CPU {result['run_queue_wait_share']:.0%} of the loop "
        f"(machine: some task {result['machine_cpu_pressure_share']}), "
        f"BEGINs {result['begin_waits']}\n"
        f"{'':24} /proc/loadavg {result['loadavg_before']} -> {result['loadavg_after']}"
    )
    return result


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", choices=["mysql", "sqlite", "both"], default="both")
    parser.add_argument(
        "--concurrency", type=int, default=20, help="learners at once when measuring capacity"
    )
    parser.add_argument("--capacity-blocks", type=int, default=3, help="closed-loop blocks")
    parser.add_argument("--block-updates", type=int, default=300, help="updates per block")
    parser.add_argument("--fraction", type=float, default=0.5, help="of capacity, offered")
    parser.add_argument("--updates", type=int, default=2000, help="arrivals in the open loop")
    parser.add_argument("--arrivals", choices=["poisson", "even"], default="poisson")
    parser.add_argument("--seed", type=int, default=20, help="of the Poisson arrivals")
    parser.add_argument(
        "--learners", type=int, default=200, help="learners, taking turns; more than in flight"
    )
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)
    if min(args.concurrency, args.capacity_blocks, args.block_updates, args.updates) < 1:
        parser.error("--concurrency, --capacity-blocks, --block-updates, --updates must be >= 1")
    if not 0 < args.fraction <= 1:
        parser.error("--fraction must be in (0, 1]")
    if args.learners < args.concurrency:
        parser.error("--learners must be at least --concurrency")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    kinds = ["mysql", "sqlite"] if args.database == "both" else [args.database]
    result = run_header(args)
    for kind in kinds:
        with scratch_database(kind) as url:
            result["databases"][kind] = asyncio.run(bench_database(url, args))
    result["load_average_after"] = load_average()
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
