"""A Bot API stand-in inside the process: records every call and answers it like Telegram would.

`learnbot chat` prints what it records; the tests assert on it. Messages the bot sends or edits
are kept, so a pressed button can carry the message it belongs to, as Telegram's would; so are
the messages users sent (`receive`), so a copy of one (a broadcast) carries its text.

Telegram's errors can be scripted with `LocalBotSession.fail`, so code that must survive them
(a broadcast meeting a blocked learner or flood control, an edit that changes nothing) can be
tested against the exceptions aiogram really raises.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import (
    AnswerCallbackQuery,
    CopyMessage,
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import (
    BufferedInputFile,
    Chat,
    File,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    MessageId,
    User,
)

BOT_USER = User(id=1, is_bot=True, first_name="learnbot", username="learnbot")


@dataclass(slots=True)
class ScriptedFailure:
    """A Telegram error that matching calls get instead of an answer; see LocalBotSession.fail."""

    method: type[TelegramMethod[Any]]
    chat_id: int | str | None
    status: int
    description: str
    retry_after: int | None
    # Matching calls still to fail; None: every one until the failure is cleared.
    times: int | None
    # A body that is not the Bot API's JSON (a proxy's error page), answered instead of it.
    page: str | None = None

    def matches(self, method: TelegramMethod[Any]) -> bool:
        if not isinstance(method, self.method):
            return False
        if self.chat_id is None:
            return True
        # A command menu names its chat in its scope.
        chat_id = getattr(method, "chat_id", None) or getattr(
            getattr(method, "scope", None), "chat_id", None
        )
        # str() on both sides: Telegram takes a chat id as a number or as a string of one.
        return str(chat_id) == str(self.chat_id)

    def body(self) -> dict[str, Any]:
        """The JSON the Bot API answers with, which aiogram turns into its exceptions."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class LocalBotSession(BaseSession):
    def __init__(self, on_call: Callable[[TelegramMethod[Any], Any], None] | None = None) -> None:
        super().__init__()
        # Every call made, failed ones included, so a test can count attempts.
        self.calls: list[TelegramMethod[Any]] = []
        # What each call returned, or the exception it raised, in the order of `calls`.
        self.results: list[Any] = []
        self.messages: dict[tuple[int, int], Message] = {}
        # Told of every call that succeeded, with its result.
        self.on_call = on_call
        self.scripted: list[ScriptedFailure] = []
        self._message_ids = itertools.count(1)
        # Files a user "uploaded" (file_id -> bytes): getFile and the download serve them.
        self.files: dict[str, bytes] = {}
        # What users sent, by (chat id, message id): what copyMessage copies.
        self.received: dict[tuple[int, int], Message] = {}

    def receive(self, message: Message) -> None:
        """Keep a message a user sent, as Telegram keeps it for copyMessage."""
        self.received[message.chat.id, message.message_id] = message

    def upload(self, file_id: str, content: bytes) -> None:
        """Make `content` downloadable as `file_id`, as if a user had sent it."""
        self.files[file_id] = content

    def fail(
        self,
        method: type[TelegramMethod[Any]],
        *,
        status: int,
        description: str,
        chat_id: int | str | None = None,
        retry_after: int | None = None,
        times: int | None = 1,
        page: str | None = None,
    ) -> ScriptedFailure:
        """Make the next `times` calls of `method` (to `chat_id` only, if given) fail.

        `times=None` fails every matching call until `clear_failures()`. A failed call raises
        what aiogram raises for the same answer from Telegram, for example:

            # TelegramForbiddenError, once, for chat 42 only
            session.fail(SendMessage, chat_id=42, status=403,
                         description="Forbidden: bot was blocked by the user")
            # TelegramRetryAfter with .retry_after == 3, for every chat
            session.fail(SendMessage, status=429, retry_after=3,
                         description="Too Many Requests: retry after 3")
            # TelegramBadRequest on every edit until clear_failures()
            session.fail(EditMessageText, status=400, times=None,
                         description="Bad Request: message is not modified")
            # ClientDecodeError: a proxy's HTML page where the Bot API's answer should be
            session.fail(SendMessage, status=404, description="", page="<h1>Not Found</h1>")

        It is recorded in `calls` (its result is the exception) and changes no stored message.
        Scripted failures are matched in the order they were scripted.
        """
        if status < HTTPStatus.BAD_REQUEST:
            raise ValueError(f"status {status} is not an error status")
        if times is not None and times < 1:
            raise ValueError("times must be at least 1, or None for until cleared")
        failure = ScriptedFailure(method, chat_id, status, description, retry_after, times, page)
        self.scripted.append(failure)
        return failure

    def clear_failures(self) -> None:
        self.scripted.clear()

    def _raise_scripted_failure(self, bot: Bot, method: TelegramMethod[Any]) -> None:
        for failure in self.scripted:
            if failure.matches(method):
                if failure.times is not None:
                    failure.times -= 1
                    if failure.times == 0:
                        self.scripted.remove(failure)
                # aiogram's own check of an HTTP answer, so the exception and its fields are real.
                body = failure.page if failure.page is not None else self.json_dumps(failure.body())
                self.check_response(bot, method, failure.status, body)
                return

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
        try:
            self._raise_scripted_failure(bot, method)
            result = self._respond(bot, method)
        except Exception as error:
            # Recorded, so `results` stays in step with `calls`.
            self.results.append(error)
            raise
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
        # Bot.download builds "<file server>/file/bot<token>/<file_path>"; file_path is the id.
        file_id = url.rsplit("/", 1)[-1]
        if file_id not in self.files:
            raise FileNotFoundError(f"the local Bot API has no file {file_id!r}")
        content = self.files[file_id]
        for start in range(0, len(content), chunk_size):
            yield content[start : start + chunk_size]

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
        if isinstance(method, GetFile):
            if method.file_id not in self.files:
                raise NotImplementedError(f"the local Bot API has no file {method.file_id!r}")
            content = self.files[method.file_id]
            return File(
                file_id=method.file_id,
                file_unique_id=method.file_id,
                file_size=len(content),
                file_path=method.file_id,
            )
        if isinstance(method, CopyMessage):
            return self._copy(bot, method)
        if isinstance(method, SendDocument | SendPhoto):
            caption = method.caption or ""
            return self._store(
                bot, int(method.chat_id), next(self._message_ids), caption, method.reply_markup
            )
        if isinstance(method, DeleteMessage):
            self.messages.pop((int(method.chat_id), method.message_id), None)
            return True
        if method.__returning__ is bool:
            return True
        raise NotImplementedError(f"the local Bot API does not answer {type(method).__name__}")

    def _copy(self, bot: Bot, method: CopyMessage) -> MessageId:
        key = (int(method.from_chat_id), method.message_id)
        source = self.received.get(key) or self.messages.get(key)
        text = (source.text or source.caption or "") if source is not None else ""
        copy = self._store(
            bot, int(method.chat_id), next(self._message_ids), text, method.reply_markup
        )
        return MessageId(message_id=copy.message_id)

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
        """The calls of `kind` that succeeded."""
        return [
            call
            for call, result in zip(self.calls, self.results, strict=True)
            if isinstance(call, kind) and not isinstance(result, Exception)
        ]

    def failed(self, kind: type[TelegramMethod[Any]] = SendMessage) -> list[Any]:
        """The calls of `kind` that raised a (scripted) Telegram error."""
        return [
            call
            for call, result in zip(self.calls, self.results, strict=True)
            if isinstance(call, kind) and isinstance(result, TelegramAPIError)
        ]

    def callback_answers(self) -> list[AnswerCallbackQuery]:
        return self.sent(AnswerCallbackQuery)


def file_bytes(file: InputFile | str) -> bytes:
    """What a document or photo the bot sent contains (the bot sends files it made in memory)."""
    if not isinstance(file, BufferedInputFile):
        raise TypeError(f"expected a file made in memory, not {type(file).__name__}")
    return file.data
