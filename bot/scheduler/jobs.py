"""The job table: every scheduled job, how often it runs and the service it calls.

A job is thin: the runner opens a session, calls the service (a unit of work returning the
rows it touched), records the run and logs its rows and seconds. Adding a job is one entry
here; `learnbot jobs run` and the scheduler both take their jobs from this table only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.services.context import Context
from bot.services.leaderboard_rebuild import rebuild_leaderboard
from bot.services.reminders import queue_reminders
from bot.services.streak_upkeep import upkeep_streaks

__all__ = ["JOBS", "Job", "job_named", "job_names"]

# The session, the services' context, and the settings for what a rule takes from them (the
# default time zone).
Service = Callable[[AsyncSession, Context, Settings], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class Job:
    # Also the lock's name and job_runs.job (at most 64 characters).
    name: str
    # Seconds between runs, from the settings; a run covers one such slot of time.
    every: Callable[[Settings], int]
    # Rows touched.
    run: Service


def _leaderboard_interval(settings: Settings) -> int:
    return settings.leaderboard_refresh_seconds


def _hourly(settings: Settings) -> int:
    # Zones are whole or half (or three-quarter) hours off UTC: a learner's midnight passes
    # at most 45 minutes before an hourly run looks.
    return 3600


def _quarter_hourly(settings: Settings) -> int:
    return 900


async def _leaderboard(session: AsyncSession, ctx: Context, settings: Settings) -> int:
    return await rebuild_leaderboard(session, ctx)


async def _streaks(session: AsyncSession, ctx: Context, settings: Settings) -> int:
    return await upkeep_streaks(session, ctx, settings.default_timezone)


async def _reminders(session: AsyncSession, ctx: Context, settings: Settings) -> int:
    return await queue_reminders(session, ctx, settings.default_timezone)


JOBS: tuple[Job, ...] = (
    Job("leaderboard", every=_leaderboard_interval, run=_leaderboard),
    Job("streaks", every=_hourly, run=_streaks),
    Job("reminders", every=_quarter_hourly, run=_reminders),
)


def job_names() -> list[str]:
    return [job.name for job in JOBS]


def job_named(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
