"""Every feature's router, in the order updates try them: the fallback must stay last.

Each feature module builds its router in `create_router()`, so every dispatcher (production,
the local chat, each test) gets routers of its own: aiogram attaches a router to one parent only.
"""

from __future__ import annotations

from aiogram import Router

from bot.handlers import (
    achievements,
    errors,
    fallback,
    leaderboard,
    lessons,
    profile,
    progress,
    quiz,
    start,
)


def build_routers() -> list[Router]:
    return [
        start.create_router(),
        lessons.create_router(),
        quiz.create_router(),
        progress.create_router(),
        achievements.create_router(),
        leaderboard.create_router(),
        profile.create_router(),
        fallback.create_router(),
        errors.create_router(),
    ]
