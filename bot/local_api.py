"""A Bot API stand-in inside the process: records every call and answers it like Telegram would.

`learnbot chat` prints what it records; the tests assert on it. Messages the bot sends or edits
are kept, so a pressed button can carry the message it belongs to, as Telegram's would.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator, Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, InlineKeyboardMarkup, Message, User

BOT_USER = User(id=1, is_bot=True, first_name="learnbot", username="learnbot")


class LocalBotSession(BaseSession):
    def __init__(self, on_call: Callable[[TelegramMethod[Any], Any], None] | None = None) -> None:
        super().__init__()
        self.calls: list[TelegramMethod[Any]] = []
        # What each call returned, in the same order as `calls`.
        self.results: list[Any] = []
        self.messages: dict[tuple[int, int], Message] = {}
        self.on_call = on_call
        self._message_ids = itertools.count(1)

    async def close(self) -> None:
        return None

    # The signatures below are aiogram's BaseSession's, timeout parameters included.
    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109
    ) -> TelegramType:
        self.calls.append(method)
        result = self._respond(bot, method)
        self.results.append(result)
        if self.on_call is not None:
            self.on_call(method, result)
        return result  # type: ignore[no-any-return]

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError("the local Bot API serves no files")
        yield b""  # makes this an async generator, as the base class declares

    def _respond(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, GetMe):
            return BOT_USER
        if isinstance(method, SendMessage):
            return self._store(
                bot, int(method.chat_id), next(self._message_ids), method.text, method.reply_markup
            )
        if isinstance(method, EditMessageText | EditMessageReplyMarkup):
            if method.chat_id is None or method.message_id is None:
                return True
            key = (int(method.chat_id), method.message_id)
            old = self.messages.get(key)
            text = method.text if isinstance(method, EditMessageText) else (old.text if old else "")
            return self._store(bot, key[0], key[1], text or "", method.reply_markup)
        if isinstance(method, DeleteMessage):
            self.messages.pop((int(method.chat_id), method.message_id), None)
            return True
        if method.__returning__ is bool:
            return True
        raise NotImplementedError(f"the local Bot API does not answer {type(method).__name__}")

    def _store(self, bot: Bot, chat_id: int, message_id: int, text: str, markup: Any) -> Message:
        message = Message(
            message_id=message_id,
            date=datetime.now(UTC),
            chat=Chat(id=chat_id, type="private"),
            from_user=BOT_USER,
            text=text,
            reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
        ).as_(bot)
        self.messages[(chat_id, message_id)] = message
        return message

    # What the tests look at most.
    def sent(self, kind: type[TelegramMethod[Any]] = SendMessage) -> list[Any]:
        return [call for call in self.calls if isinstance(call, kind)]

    def callback_answers(self) -> list[AnswerCallbackQuery]:
        return self.sent(AnswerCallbackQuery)
