from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from bot.services.learners import TelegramProfile, ensure_learner


class LearnerMiddleware(BaseMiddleware):
    """Registers (or refreshes) whoever sent the update and hands handlers a `learner`."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or user.is_bot:
            return await handler(event, data)
        data["learner"] = await ensure_learner(
            data["session"],
            TelegramProfile(
                telegram_id=user.id,
                username=user.username,
                first_name=user.first_name,
                last_name=user.last_name,
                language_code=user.language_code,
            ),
        )
        return await handler(event, data)
