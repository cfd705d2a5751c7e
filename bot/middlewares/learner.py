from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import Chat, TelegramObject, User
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.services.context import Context
from bot.services.learners import LearnerCache, TelegramProfile, resolve_learner
from db.repositories.progress import UnknownLearner


class LearnerMiddleware(BaseMiddleware):
    """One concern, one layer: the update's AsyncSession (services commit their own units of
    work inside it), the `learner` who sent it, registered or refreshed, and every text from
    here on in the learner's stored language (the update-level LearnerLanguage spoke their
    client's until the learner was known).

    A learner only in private chats: whoever speaks in a group or a channel the bot is in has
    not asked to learn. An update with no chat at all (a press whose message Telegram left out)
    comes from the person alone. The session connects only when a statement runs, so an
    update that needs no learner (a group's, a bot's) never touches the database.
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], i18n: I18n) -> None:
        self.sessionmaker = sessionmaker
        self.i18n = i18n

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self.sessionmaker() as session:
            data["session"] = session
            user: User | None = data.get("event_from_user")
            chat: Chat | None = data.get("event_chat")
            if user is None or user.is_bot or (chat is not None and chat.type != ChatType.PRIVATE):
                return await handler(event, data)
            return await self._as_learner(handler, event, data, session, user)

    async def _as_learner(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
        session: AsyncSession,
        user: User,
    ) -> Any:
        profile = TelegramProfile(
            telegram_id=user.id,
            username=user.username,
            first_name=user.first_name,
            last_name=user.last_name,
            language_code=user.language_code,
        )
        cache: LearnerCache = data["learner_cache"]
        settings: Settings = data["settings"]
        context: Context = data["context"]
        zone = settings.default_timezone
        data["learner"] = learner = await resolve_learner(
            session, context, cache, profile, default_zone=zone
        )
        try:
            with self.i18n.use_locale(learner.language):
                return await handler(event, data)
        except UnknownLearner:
            # The cached learner's row is gone (their data was deleted meanwhile): register
            # them afresh and handle the update again; its unit of work was rolled back.
            cache.forget(user.id)
            data["learner"] = learner = await resolve_learner(
                session, context, cache, profile, default_zone=zone
            )
            with self.i18n.use_locale(learner.language):
                return await handler(event, data)
