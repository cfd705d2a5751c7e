"""Learners talking to a dispatcher through the in-process Bot API.

A learner's journey is the one the benchmark measures: /start (as a known learner), open the
lesson, start its exercises, answer them. Whatever dispatcher answers (learnbot's or the floor's)
must offer the same buttons: one whose data starts a run, and one labelled with each answer.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import InlineKeyboardButton, Message, User

from bot.callbacks.learner import LessonCb, RunCb
from bot.cli.chat import LocalChat
from bot.cli.transcript import Button
from bot.serving.local_api import LocalBotSession

START = "start"
OPEN_LESSON = "open lesson"
START_RUN = "start run"
ANSWER = "answer"
LAST_ANSWER = "last answer"
UPDATE_TYPES = (START, OPEN_LESSON, START_RUN, ANSWER, LAST_ANSWER)
# A learner's very first /start registers them; it is not part of the journey measured.
FIRST_START = "first start"

_user_ids = itertools.count(1_000_000)


class BenchBotSession(LocalBotSession):
    """The local Bot API keeping only each chat's latest message and no call log, so a run of
    thousands of learners measures the bot's memory, not the stand-in's."""

    def __init__(self) -> None:
        super().__init__(on_call=self._keep_latest)
        self.latest: dict[int, Message] = {}

    def _keep_latest(self, _method: TelegramMethod[Any], result: Any) -> None:
        self.calls.clear()
        self.results.clear()
        if not isinstance(result, Message):
            return
        chat_id = result.chat.id
        previous = self.latest.get(chat_id)
        if previous is not None and previous.message_id != result.message_id:
            self.messages.pop((chat_id, previous.message_id), None)
        self.latest[chat_id] = result

    def forget(self, chat_id: int) -> None:
        latest = self.latest.pop(chat_id, None)
        if latest is not None:
            self.messages.pop((chat_id, latest.message_id), None)


@dataclass(frozen=True, slots=True)
class Target:
    """What answers the learners: learnbot's dispatcher or the floor's, on the shared Bot."""

    name: str
    dispatcher: Dispatcher
    bot: Bot
    api: BenchBotSession


@dataclass(frozen=True, slots=True)
class Course:
    lesson_id: int
    answers: tuple[str, ...]  # the right answers' button labels, in question order


class Learner:
    def __init__(self, target: Target, course: Course) -> None:
        self.target = target
        self.course = course
        user = User(id=next(_user_ids), is_bot=False, first_name="Bench")
        self.chat = LocalChat(target.dispatcher, target.bot, target.api, user)

    @property
    def id(self) -> int:
        return self.chat.user.id

    def journey(self) -> list[tuple[str, Callable[[], Awaitable[None]]]]:
        *answers, last = self.course.answers
        return [
            (START, lambda: self.chat.send_text("/start")),
            (OPEN_LESSON, self._open_lesson),
            (START_RUN, lambda: self._press(_starts_a_run)),
            *((ANSWER, self._answer(a)) for a in answers),
            (LAST_ANSWER, self._answer(last)),
        ]

    def practice(self) -> list[tuple[str, Callable[[], Awaitable[None]]]]:
        """The same day's next run, from the result the journey ended on: Try again, then the
        answers. The steady stream repeats it; first-of-day costs were paid by the journey.
        A later run may ask its questions in another order (review first), so each answer is
        whichever right answer the question on screen offers."""
        right = set(self.course.answers)

        def answer() -> Awaitable[None]:
            return self._press(lambda b: b.text in right)

        return [
            (START_RUN, lambda: self._press(_starts_a_run)),
            *((ANSWER, answer) for _ in self.course.answers[:-1]),
            (LAST_ANSWER, answer),
        ]

    async def _open_lesson(self) -> None:
        # As if pressed on the menu /start sent: the press carries that message, to be edited.
        message = self._latest()
        data = LessonCb(lesson_id=self.course.lesson_id).pack()
        await self.chat.press(Button("", message.message_id, data, None))

    def _answer(self, label: str) -> Callable[[], Awaitable[None]]:
        return lambda: self._press(lambda b: b.text == label)

    async def _press(self, wanted: Callable[[InlineKeyboardButton], bool]) -> None:
        message = self._latest()
        markup = message.reply_markup
        rows = markup.inline_keyboard if markup is not None else []
        for b in itertools.chain.from_iterable(rows):
            if wanted(b):
                await self.chat.press(Button(b.text, message.message_id, b.callback_data, b.url))
                return
        raise AssertionError(f"{self.target.name}: learner {self.id} has no such button in {rows}")

    def _latest(self) -> Message:
        message = self.target.api.latest.get(self.id)
        if message is None:
            raise AssertionError(f"{self.target.name}: learner {self.id} got no message")
        return message

    def check_finished(self) -> None:
        """The journey ended on the result, which offers to try again: nothing went astray."""
        markup = self._latest().reply_markup
        buttons = itertools.chain.from_iterable(markup.inline_keyboard if markup else [])
        if not any(_starts_a_run(b) for b in buttons):
            raise AssertionError(f"{self.target.name}: learner {self.id} did not finish")


def _starts_a_run(button: InlineKeyboardButton) -> bool:
    data = button.callback_data or ""
    return data.startswith(RunCb.__prefix__ + RunCb.__separator__)
