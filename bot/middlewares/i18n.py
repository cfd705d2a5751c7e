from __future__ import annotations

from typing import Any

from aiogram.types import TelegramObject, User
from aiogram.utils.i18n import I18nMiddleware

from bot.services.learners import Learner, language_for


class LearnerLanguage(I18nMiddleware):
    """Every text of an update in the learner's language: the one stored for them, which they
    may have chosen themselves, rather than whatever their Telegram client says today.

    Where no learner is known (an update throttled before the database is asked, a group chat),
    the language their client's `language_code` maps to, as registration would choose it.
    """

    async def get_locale(self, event: TelegramObject, data: dict[str, Any]) -> str:
        learner: Learner | None = data.get("learner")
        if learner is not None:
            return learner.language
        user: User | None = data.get("event_from_user")
        return language_for(user.language_code if user is not None else None)
