"""Every feature's router, in the order updates try them: the fallback must stay the last
of the private chat's.

Each feature module builds its router in `create_router()`, so every dispatcher (production,
the local chat, each test) gets routers of its own: aiogram attaches a router to one parent only.
"""

from __future__ import annotations

from aiogram import Router

from bot.handlers import (
    achievements,
    errors,
    fallback,
    groups,
    leaderboard,
    lessons,
    progress,
    quiz,
    review,
    settings,
    start,
)
from bot.handlers.admin import build_admin_routers
from bot.handlers.filters import in_private_chat, pressed_in_private_chat
from bot.handlers.routing import IndexedRouter


def build_routers() -> list[Router]:
    # Learning happens in private chats only: the learner middleware registers nobody elsewhere,
    # so no feature (nor the fallback) may see another chat's updates.
    # A press or a command goes straight to the features that handle it (see routing.py).
    private = IndexedRouter(name="private")
    private.message.filter(in_private_chat)
    private.callback_query.filter(pressed_in_private_chat)
    private.my_chat_member.filter(in_private_chat)
    private.include_routers(
        # First: an admin's dialog takes what they type before any learner feature sees it.
        *build_admin_routers(),
        start.create_router(),
        # Before quiz: its /cancel ends a run of exercises, this one's ends typing a time zone.
        settings.create_router(),
        lessons.create_router(),
        quiz.create_router(),
        review.create_router(),
        progress.create_router(),
        achievements.create_router(),
        leaderboard.create_router(),
        fallback.create_router(),
    )
    # Errors reach the errors router whichever router's handler raised them.
    return [private, groups.create_router(), errors.create_router()]
