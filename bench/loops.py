"""The loops that time learners' journeys: one update at a time, closed, and open."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field

from bench.learners import FIRST_START, Learner
from tests.support.roundtrips import counting_as


@dataclass(slots=True)
class Phase:
    """What one loop measured."""

    updates: int = 0
    wall_s: float = 0.0
    cpu_s: float = 0.0
    latency_s: dict[str, list[float]] = field(default_factory=dict)
    # Process CPU per update, by type; only where updates ran one at a time.
    cpu_by_type_s: dict[str, list[float]] = field(default_factory=dict)
    # Open loop only: how late the latest update started after its arrival time.
    max_start_lag_s: float = 0.0
    # The garbage collector's pauses (generation, seconds): they stop every update in flight.
    gc_pauses: list[tuple[int, float]] = field(default_factory=list)

    def add(self, label: str, latency: float, cpu: float | None = None) -> None:
        self.updates += 1
        self.latency_s.setdefault(label, []).append(latency)
        if cpu is not None:
            self.cpu_by_type_s.setdefault(label, []).append(cpu)

    @property
    def rate(self) -> float:
        return self.updates / self.wall_s if self.wall_s else 0.0

    @property
    def cpu_ms_per_update(self) -> float:
        return self.cpu_s * 1000 / self.updates if self.updates else 0.0


class Clock:
    """Wall and process CPU time over a phase, and the garbage collector's pauses in it."""

    def __init__(self, phase: Phase) -> None:
        self.phase = phase
        self._gc_started = 0.0

    def __enter__(self) -> Clock:
        gc.callbacks.append(self._on_gc)
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.phase.wall_s = time.perf_counter() - self.wall
        self.phase.cpu_s = time.process_time() - self.cpu
        gc.callbacks.remove(self._on_gc)

    def _on_gc(self, stage: str, info: dict[str, int]) -> None:
        if stage == "start":
            self._gc_started = time.perf_counter()
        else:
            pause = time.perf_counter() - self._gc_started
            self.phase.gc_pauses.append((info["generation"], pause))


async def register(learners: list[Learner], concurrency: int) -> None:
    """Each learner's first /start, outside any measurement."""
    gate = asyncio.Semaphore(concurrency)

    async def one(learner: Learner) -> None:
        async with gate:
            with counting_as(FIRST_START):
                await learner.chat.send_text("/start")

    await asyncio.gather(*(one(learner) for learner in learners))


async def one_at_a_time(learners: list[Learner]) -> Phase:
    """Every update alone: latency and process CPU of each, and round trips attributable."""
    phase = Phase()
    # First /starts, one at a time too, so what registering costs is known apart; they are not
    # the journey's updates and stay out of the phase's totals.
    for learner in learners:
        with counting_as(FIRST_START):
            latency, cpu = await _timed(learner.chat.send_text("/start"))
        phase.latency_s.setdefault(FIRST_START, []).append(latency)
        phase.cpu_by_type_s.setdefault(FIRST_START, []).append(cpu)
    with Clock(phase):
        for learner in learners:
            for label, action in learner.journey():
                with counting_as(label):
                    latency, cpu = await _timed(action())
                phase.add(label, latency, cpu)
            learner.check_finished()
            learner.target.api.forget(learner.id)
    return phase


async def _timed(action: Awaitable[None]) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    await action
    return time.perf_counter() - start, time.process_time() - cpu


async def closed_loop(learners: list[Learner], concurrency: int) -> Phase:
    """`concurrency` learners at a time, each update sent as soon as the previous is answered."""
    await register(learners, concurrency)
    phase = Phase()
    gate = asyncio.Semaphore(concurrency)

    async def one(learner: Learner) -> None:
        async with gate:
            for label, action in learner.journey():
                with counting_as(label):
                    start = time.perf_counter()
                    await action()
                    phase.add(label, time.perf_counter() - start)
            learner.check_finished()
            learner.target.api.forget(learner.id)

    with Clock(phase):
        await asyncio.gather(*(one(learner) for learner in learners))
    return phase


# How many rounds of arrivals pass between one learner's consecutive updates in the open loop.
STEP_SPACING = 4


def arrival_order(
    learners: int, steps: int, spacing: int = STEP_SPACING
) -> dict[tuple[int, int], int]:
    """The place of each (learner, step) in the open loop's stream of arrivals.

    Learner i's step s falls in round i + s * spacing, and each round holds at most one update
    of each step: once the first learners reach their last step, every round carries the
    journey's whole mix, as a stream of many people does, not a burst of one update type.
    """
    slots = sorted((i + s * spacing, s, i) for i in range(learners) for s in range(steps))
    return {(i, s): place for place, (_round, s, i) in enumerate(slots)}


async def open_loop(learners: list[Learner], rate: float, concurrency: int) -> Phase:
    """Updates arrive at `rate` per second whether or not earlier ones are answered.

    The arrivals follow `arrival_order`. Latency runs from the arrival time, so an update that
    could not start on time (its learner's previous one still running, or the process busy)
    counts its wait.
    """
    await register(learners, concurrency)
    phase = Phase()
    order = arrival_order(len(learners), len(learners[0].journey()) if learners else 0)
    interval = 1.0 / rate
    loop = asyncio.get_running_loop()

    async def one(index: int, learner: Learner, begin: float) -> None:
        for step, (label, action) in enumerate(learner.journey()):
            arrival = begin + order[index, step] * interval
            delay = arrival - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            phase.max_start_lag_s = max(phase.max_start_lag_s, loop.time() - arrival)
            with counting_as(label):
                await action()
            phase.add(label, loop.time() - arrival)
        learner.check_finished()
        learner.target.api.forget(learner.id)

    with Clock(phase):
        begin = loop.time()
        await asyncio.gather(*(one(i, learner, begin) for i, learner in enumerate(learners)))
    return phase


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value at least p% of the values do not exceed."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]
