"""Every feature's router, in the order updates try them: the fallback must stay the last
of the private chat's.

Each feature module builds its router in `create_router()`, so every dispatcher (production,
the local chat, each test) gets routers of its own: aiogram attaches a router to one parent only.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.types import CallbackQuery

from bot.handlers import (
    achievements,
    errors,
    fallback,
    groups,
    leaderboard,
    lessons,
    progress,
    quiz,
    settings,
    start,
)


def _pressed_in_private_chat(callback: CallbackQuery) -> bool:
    # Telegram may leave out a message too old to come with the press. The bot sends its
    # buttons to private chats only, so a press without one comes from a private chat too.
    return callback.message is None or callback.message.chat.type == ChatType.PRIVATE


def build_routers() -> list[Router]:
    # Learning happens in private chats only: the learner middleware registers nobody elsewhere,
    # so no feature (nor the fallback) may see another chat's updates.
    private = Router(name="private")
    private.message.filter(F.chat.type == ChatType.PRIVATE)
    private.callback_query.filter(_pressed_in_private_chat)
    private.my_chat_member.filter(F.chat.type == ChatType.PRIVATE)
    private.include_routers(
        start.create_router(),
        # Before quiz: its /cancel ends a run of exercises, this one's ends typing a time zone.
        settings.create_router(),
        lessons.create_router(),
        quiz.create_router(),
        progress.create_router(),
        achievements.create_router(),
        leaderboard.create_router(),
        fallback.create_router(),
    )
    # Errors reach the errors router whichever router's handler raised them.
    return [private, groups.create_router(), errors.create_router()]
