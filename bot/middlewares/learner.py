from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import Chat, TelegramObject, User

from bot.config import Settings
from bot.services.learners import LearnerCache, TelegramProfile, resolve_learner
from db.repositories.progress import UnknownLearner


class LearnerMiddleware(BaseMiddleware):
    """Registers (or refreshes) whoever sent the update and hands handlers a `learner`.

    Only in private chats: whoever speaks in a group or a channel the bot is in has not asked
    to learn. An update with no chat at all (a press whose message Telegram left out) comes
    from the person alone.
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        if user is None or user.is_bot or (chat is not None and chat.type != ChatType.PRIVATE):
            return await handler(event, data)
        profile = TelegramProfile(
            telegram_id=user.id,
            username=user.username,
            first_name=user.first_name,
            last_name=user.last_name,
            language_code=user.language_code,
        )
        cache: LearnerCache = data["learner_cache"]
        settings: Settings = data["settings"]
        zone = settings.default_timezone
        data["learner"] = await resolve_learner(data["session"], cache, profile, default_zone=zone)
        try:
            return await handler(event, data)
        except UnknownLearner:
            # The cached learner's row is gone (their data was deleted meanwhile): register
            # them afresh and handle the update again; its unit of work was rolled back.
            cache.forget(user.id)
            data["learner"] = await resolve_learner(
                data["session"], cache, profile, default_zone=zone
            )
            return await handler(event, data)
