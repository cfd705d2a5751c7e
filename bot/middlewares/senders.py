"""Updates no learner can have sent are dropped before any handler, lookup or row: a bot as the
sender of a press or a private message, a private message without a sender, ids that do not
fit the database's BIGINT.

Telegram itself sends none of these, but a webhook takes what is posted to it, and each of them
used to reach the handlers and fail there: a bot is never registered as a learner (the handler
then missed its `learner`), and an id of 2^63 failed the insert. Each is ignored with the one
line the update log writes for it, its outcome naming why.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import Chat, TelegramObject, Update, User

from bot.middlewares.update_log import IGNORED, note_outcome

# Signed 64-bit, as BIGINT (MySQL, MariaDB) and SQLite's INTEGER store it.
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


def impossible_sender(update: TelegramObject, user: User | None, chat: Chat | None) -> str | None:
    """Why no learner can have sent this update, or None when one can have. In groups a bot
    may speak (an anonymous admin is GroupAnonymousBot), and the groups' own router answers."""
    if user is not None and not 0 < user.id <= BIGINT_MAX:
        return "sender id out of range"
    if chat is not None and not BIGINT_MIN <= chat.id <= BIGINT_MAX:
        return "chat id out of range"
    if _needs_learner(update, chat):
        if user is None:
            return "no sender"
        if user.is_bot:
            return "sent by a bot"
    return None


def _needs_learner(update: TelegramObject, chat: Chat | None) -> bool:
    """A press always has its presser, and a private chat always has its person: a learner."""
    if isinstance(update, Update) and update.callback_query is not None:
        return True
    return chat is not None and chat.type == ChatType.PRIVATE


class SenderCheckMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        why = impossible_sender(event, data.get("event_from_user"), data.get("event_chat"))
        if why is not None:
            note_outcome(data, f"{IGNORED} {why}")
            return None
        return await handler(event, data)
