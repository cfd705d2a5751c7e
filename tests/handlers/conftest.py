"""A learner talking to the real dispatcher (built by bot.app) through the recording
Bot API stand-in, on the real test databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from aiogram import Bot, Dispatcher
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup, User
from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import Database, ThrottlePolicy, build_app
from bot.callbacks import LessonCb
from bot.config import Settings
from bot.local_api import LocalBotSession
from bot.localchat import Button, LocalChat
from bot.locales import en
from bot.services.content.importer import import_course
from bot.services.content.parse import parse_course
from db.clock import CLOCK_KEY
from db.models import (
    ActivityLog,
    Base,
    Exercise,
    ExerciseAttempt,
    Lesson,
    Module,
    ModuleProgress,
    UserProgress,
)

TEST_COURSE = """
module: {slug: intro, title: Intro <course>, description: The first steps., order: 1}
lessons:
  - slug: basics
    title: Basics
    estimated_minutes: 3
    xp: 10
    pass_score: 70
    content: |
      # Basics
      Python runs **line by line**.
    exercises:
      - type: multiple_choice
        prompt: Pick b
        options: [a, b, c]
        answer: b
        explanation: b is right.
      - {type: true_false, prompt: "True is true", answer: true}
  - slug: typing
    title: Typing answers
    xp: 20
    pass_score: 50
    content: Type things.
    exercises:
      - {type: short_answer, prompt: "Six times seven?", answers: ["42", "forty-two"]}
      - {type: multiple_choice, prompt: "Pick c", options: [a, b, c], answer: c}
  - slug: reading
    title: Just reading
    xp: 5
    content: Nothing to answer here.
---
module: {slug: next, title: Next steps, order: 2}
lessons:
  - slug: deep
    title: Deep dive
    content: Deeper.
    exercises:
      - {type: true_false, prompt: "False is true", answer: false}
"""


M = TypeVar("M", bound=Base)

# What a learner's actions write; a stale or forged button must leave all of it alone.
LEARNING_TABLES: tuple[type[Base], ...] = (
    UserProgress,
    ModuleProgress,
    ExerciseAttempt,
    ActivityLog,
)


async def rows(
    sessionmaker: async_sessionmaker[AsyncSession], model: type[M], *where: ColumnElement[bool]
) -> list[M]:
    """The table's rows (filtered), by id, read back with a fresh session."""
    async with sessionmaker() as s:
        return list(await s.scalars(select(model).where(*where).order_by(model.id)))  # type: ignore[attr-defined]


async def one(
    sessionmaker: async_sessionmaker[AsyncSession], model: type[M], *where: ColumnElement[bool]
) -> M:
    found = await rows(sessionmaker, model, *where)
    assert len(found) == 1, f"expected one {model.__name__}, found {len(found)}"
    return found[0]


async def set_values(
    sessionmaker: async_sessionmaker[AsyncSession],
    model: type[Base],
    row_id: int,
    **values: Any,
) -> None:
    """Change a row behind the bot's back (an admin unpublishing, time passing...)."""
    async with sessionmaker() as s:
        await s.execute(update(model).where(model.id == row_id).values(**values))  # type: ignore[attr-defined]
        await s.commit()


async def snapshot(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> dict[str, list[dict[str, Any]]]:
    """Every column of every row of the learning tables."""
    result = {}
    for model in LEARNING_TABLES:
        columns = model.__table__.columns
        result[model.__tablename__] = [
            {c.name: getattr(row, c.key) for c in columns}
            for row in await rows(sessionmaker, model)
        ]
    return result


# The test course's answers, question by question: right, and all wrong.
RIGHT = {"basics": ["b", "True"], "typing": ["42", "c"], "reading": [], "deep": ["False"]}
WRONG = {"basics": ["a", "False"], "typing": ["41", "a"], "reading": [], "deep": ["True"]}


@dataclass
class Course:
    modules: dict[str, int]
    lessons: dict[str, int]
    exercises: dict[str, list[int]]


@pytest.fixture
async def course(sessionmaker: async_sessionmaker[AsyncSession]) -> Course:
    async with sessionmaker() as session:
        await import_course(session, parse_course(TEST_COURSE), publish=True)
        modules = {m.slug: m.id for m in await session.scalars(select(Module))}
        lessons = {les.slug: les.id for les in await session.scalars(select(Lesson))}
        by_lesson = {lid: slug for slug, lid in lessons.items()}
        exercises: dict[str, list[int]] = {slug: [] for slug in lessons}
        for ex in await session.scalars(select(Exercise).order_by(Exercise.order)):
            exercises[by_lesson[ex.lesson_id]].append(ex.id)
    return Course(modules, lessons, exercises)


class Chat(LocalChat):
    """LocalChat with what a test wants to look at."""

    @property
    def api(self) -> LocalBotSession:
        return self.session

    def texts(self) -> list[str]:
        """Every text the bot sent or edited, in order."""
        return [
            call.text or ""
            for call in self.api.calls
            if isinstance(call, SendMessage | EditMessageText)
        ]

    @property
    def last_text(self) -> str:
        texts = self.texts()
        assert texts, "the bot said nothing"
        return texts[-1]

    def last_keyboard(self) -> list[Button]:
        for call, result in zip(reversed(self.api.calls), reversed(self.api.results), strict=True):
            if isinstance(call, SendMessage | EditMessageText) and isinstance(
                call.reply_markup, InlineKeyboardMarkup
            ):
                return [
                    Button(b.text, result.message_id, b.callback_data, b.url)
                    for row in call.reply_markup.inline_keyboard
                    for b in row
                ]
        return []

    def button(self, label: str, *, exact: bool = False) -> Button:
        """The latest keyboard's first button whose text contains (or, exact, is) `label`."""
        buttons = self.last_keyboard()
        for b in buttons:
            if (b.text == label) if exact else (label in b.text):
                return b
        raise AssertionError(f"no button with {label!r} among {[b.text for b in buttons]}")

    def labels(self) -> list[str]:
        return [b.text for b in self.last_keyboard()]

    async def tap(self, label: str, *, exact: bool = False) -> None:
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
            await self.tap("Mark as done")
            return
        await self.tap("exercises")
        for answer in answers:
            await self.answer(answer)
        assert "Finished" in self.last_text

    def failures(self) -> list[str]:
        """What the error handler told the learner: a handler raised."""
        said = [*self.texts(), *(t for t in self.callback_texts() if t)]
        return [text for text in said if text == en.ERROR]

    def callback_texts(self) -> list[str | None]:
        return [a.text for a in self.api.callback_answers()]

    def forget(self) -> None:
        assert self.failures() == []
        self.api.calls.clear()
        self.api.results.clear()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(_env_file=None, database_url=database_url, bot_token=None)


def make_chat(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    user_id: int = 1000,
    throttle: ThrottlePolicy | None = None,
    dp: Dispatcher | None = None,
    bot: Bot | None = None,
) -> Chat:
    user = User(id=user_id, is_bot=False, first_name="Ada", username="ada")
    if bot is not None and dp is not None:
        assert isinstance(bot.session, LocalBotSession)
        return Chat(dp, bot, bot.session, user)
    api = LocalBotSession()
    app = build_app(
        settings, database=database_of(sessionmaker), bot_session=api, throttle=throttle
    )
    return Chat(app.dispatcher, app.bot, api, user)


def database_of(sessionmaker: async_sessionmaker[AsyncSession]) -> Database:
    """The app's view of the tests' shared engine and sessions (and the clock they carry)."""
    return Database(sessionmaker.kw["bind"], sessionmaker, sessionmaker.kw["info"][CLOCK_KEY])


@pytest.fixture
async def chat(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Chat]:
    chat = make_chat(settings, sessionmaker)
    yield chat
    await chat.bot.session.close()
    # Whatever a test did, no handler may have failed (forget() checks before it forgets).
    assert chat.failures() == []
