"""How much memory a process holds after serving many distinct learners.

The goal it checks: a process that has served 10,000 distinct learners stays under 300 MB of
resident memory. Each learner sends /start (registering) and opens a lesson, `concurrency` at
a time, through the production dispatcher; the run stops at `learners` or after `seconds`.
Run it in a process of its own (`--learners 0`), or the loops before it count too.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.learners import Course, Learner, Target
from bench.machine import max_rss_mib, rss_mib


async def measure_rss(
    target: Target, course: Course, learners: int, concurrency: int, seconds: float
) -> dict[str, Any]:
    """Distinct learners through /start and one lesson, `concurrency` at a time, bounded in
    count and time; the process's resident memory before and after."""
    before, max_before = rss_mib(), max_rss_mib()
    started = time.perf_counter()
    deadline = started + seconds
    remaining = learners

    async def worker() -> int:
        nonlocal remaining
        served = 0
        while remaining > 0 and time.perf_counter() < deadline:
            remaining -= 1
            learner = Learner(target, course)
            for _label, action in learner.journey()[:2]:
                await action()
            target.api.forget(learner.id)
            served += 1
        return served

    served = sum(await asyncio.gather(*(worker() for _ in range(concurrency))))
    after = rss_mib()
    # Memory FSM storage keeps a record per chat it has seen: a likely share of the growth.
    fsm_records = getattr(target.dispatcher.storage, "storage", None)
    return {
        "learners_served": served,
        "learners_asked": learners,
        "seconds": round(time.perf_counter() - started, 1),
        "rss_before_mib": before,
        "rss_after_mib": after,
        "max_rss_before_mib": max_before,
        "max_rss_after_mib": max_rss_mib(),
        "growth_kib_per_learner": (
            round((after - before) * 1024 / served, 1) if served and after and before else None
        ),
        "fsm_records": len(fsm_records) if isinstance(fsm_records, dict) else None,
    }
