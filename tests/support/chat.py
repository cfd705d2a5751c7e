"""A learner talking to the real dispatcher through the recording Bot API stand-in."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TextIO

from aiogram import Bot, Dispatcher
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import Chat as TelegramChat
from aiogram.types import Document, InlineKeyboardMarkup, Message, Update, User
from babel.support import LazyProxy
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.app import build_app
from bot.callbacks.learner import LessonCb
from bot.cli.chat import LocalChat
from bot.cli.transcript import Button
from bot.config import Settings
from bot.database import Database
from bot.middlewares.throttling import ThrottlePolicy
from bot.services.context import Context
from bot.serving.local_api import LocalBotSession


class Chat(LocalChat):
    """LocalChat with what a test wants to look at."""

    # Work an update leaves running in the background (an admin's course file) is waited for
    # after each update, as a person waits for the answer; a test of what happens meanwhile
    # turns this off.
    settle = True

    async def settled(self) -> None:
        if self.settle:
            await self.dp["background"].idle()

    async def send_text(self, text: str, reply_to: Message | None = None) -> None:
        await super().send_text(text, reply_to)
        await self.settled()

    async def press(self, button: Button, out: TextIO | None = None) -> None:
        await super().press(button, out)
        await self.settled()

    @property
    def api(self) -> LocalBotSession:
        return self.session

    def texts(self) -> list[str]:
        """Every text the bot sent or edited, in order (a call Telegram refused sent nothing)."""
        return [
            call.text or ""
            for call, result in zip(self.api.calls, self.api.results, strict=True)
            if isinstance(call, SendMessage | EditMessageText) and not isinstance(result, Exception)
        ]

    @property
    def last_text(self) -> str:
        texts = self.texts()
        assert texts, "the bot said nothing"
        return texts[-1]

    def last_keyboard(self) -> list[Button]:
        for call, result in zip(reversed(self.api.calls), reversed(self.api.results), strict=True):
            # A call Telegram refused left no message, so no keyboard on screen either.
            if (
                isinstance(call, SendMessage | EditMessageText)
                and isinstance(call.reply_markup, InlineKeyboardMarkup)
                and isinstance(result, Message)
            ):
                return [
                    Button(b.text, result.message_id, b.callback_data, b.url)
                    for row in call.reply_markup.inline_keyboard
                    for b in row
                ]
        return []

    def button(self, label: str | LazyProxy, *, exact: bool = False) -> Button:
        """The latest keyboard's first button whose text contains (or, exact, is) `label`
        (a text of bot.texts is read in the test's language)."""
        label = str(label)
        buttons = self.last_keyboard()
        for b in buttons:
            if (b.text == label) if exact else (label in b.text):
                return b
        raise AssertionError(f"no button with {label!r} among {[b.text for b in buttons]}")

    def labels(self) -> list[str]:
        return [b.text for b in self.last_keyboard()]

    async def tap(self, label: str | LazyProxy, *, exact: bool = False) -> None:
        await self.press(self.button(label, exact=exact))

    async def press_data(self, data: str | CallbackData, message_id: int | None = None) -> None:
        packed = data.pack() if isinstance(data, CallbackData) else data
        if message_id is None:
            message_id = max((mid for (_, mid) in self.api.messages), default=0)
        await self.press(Button("", message_id, packed, None))

    async def answer(self, answer: str) -> None:
        """Answer the question on screen: its button labelled `answer`, or typed text."""
        if any(b.text == answer for b in self.last_keyboard()):
            await self.tap(answer, exact=True)
        else:
            await self.send_text(answer)

    async def take_lesson(self, lesson_id: int, answers: list[str]) -> None:
        """Open the lesson and answer all its questions (or mark it done when it has none)."""
        await self.press_data(LessonCb(lesson_id=lesson_id))
        if not answers:
            await self.tap(texts.MARK_DONE)
            return
        resume = str(texts.RESUME_EXERCISES) in self.labels()
        await self.tap(texts.RESUME_EXERCISES if resume else texts.START_EXERCISES)
        for answer in answers:
            await self.answer(answer)
        assert str(texts.TRY_AGAIN) in self.labels(), "the run did not finish"

    async def send_document(
        self,
        file_id: str,
        file_name: str | None,
        size: int | None,
        mime: str | None = "application/x-yaml",
        content: bytes | None = None,
    ) -> None:
        """Send a file, described as a client would (name, declared size and type); with
        `content` it can also be downloaded (getFile, then the download)."""
        if content is not None:
            self.api.upload(file_id, content)
        document = Document(
            file_id=file_id,
            file_unique_id=f"u-{file_id}",
            file_name=file_name,
            file_size=size,
            mime_type=mime,
        )
        message = Message(
            message_id=next(self.ids),
            date=datetime.now(UTC),
            chat=TelegramChat(id=self.user.id, type="private"),
            from_user=self.user,
            document=document,
        )
        await self.dp.feed_update(self.bot, Update(update_id=next(self.ids), message=message))
        await self.settled()

    def failures(self) -> list[str]:
        """What the error handler told the learner: a handler raised."""
        said = [*self.texts(), *(t for t in self.callback_texts() if t)]
        return [text for text in said if text == str(texts.ERROR)]

    def callback_texts(self) -> list[str | None]:
        return [a.text for a in self.api.callback_answers()]

    def forget(self) -> None:
        assert self.failures() == []
        self.api.calls.clear()
        self.api.results.clear()


def make_chat(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    context: Context,
    *,
    user_id: int = 1000,
    language_code: str | None = None,
    throttle: ThrottlePolicy | None = None,
    dp: Dispatcher | None = None,
    bot: Bot | None = None,
) -> Chat:
    """A learner on the app the builder makes; pass `dp` and `bot` to join another chat's app.
    `language_code` is what the learner's Telegram client says it reads (none by default)."""
    user = User(
        id=user_id, is_bot=False, first_name="Ada", username="ada", language_code=language_code
    )
    if bot is not None and dp is not None:
        assert isinstance(bot.session, LocalBotSession)
        return Chat(dp, bot, bot.session, user)
    api = LocalBotSession()
    database = database_of(sessionmaker, context)
    app = build_app(settings, database=database, bot_session=api, throttle=throttle)
    return Chat(app.dispatcher, app.bot, api, user)


def database_of(sessionmaker: async_sessionmaker[AsyncSession], context: Context) -> Database:
    """The app's view of the tests' shared engine and sessions, with the services' context."""
    return Database(sessionmaker.kw["bind"], sessionmaker, context)
