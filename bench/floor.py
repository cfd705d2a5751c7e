"""The floor: what the benchmark's journey costs with no learnbot in it.

The same aiogram machinery as learnbot's dispatcher (a Dispatcher with memory FSM storage, the
same Bot on the same in-process Bot API, presses answered by the same callback-answer
middleware, routing by the same callback data), answering the same update types with replies of
the same shape: a text and an inline keyboard, sent for a command, edited in place for a press,
a question sent after each answer. Its screens are built once, and it touches no database, so
learnbot / floor is what our middlewares, services, SQL and views add to a bare aiogram bot.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot, Dispatcher, Router
from aiogram.filters import CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.memory import DisabledEventIsolation, MemoryStorage
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.callbacks.learner import (
    AnswerCb,
    LessonCb,
    MenuAction,
    MenuCb,
    ModuleCb,
    ResetCb,
    RunCb,
    StopRunCb,
)
from bot.middlewares.callback_answer import AnswerAfterSuccess
from bot.views.menu import main_menu

WELCOME = (
    "👋 Hi, {name}! Learn a little every day: read short lessons, answer their exercises and "
    "watch your progress grow.\n\nWhat would you like to do?"
)
LESSON = (
    "📖 <b>Basics</b>\n<i>⏱ 3 min · ✍️ 2 exercises · ⭐ 10 XP</i>\n\n<b>Basics</b>\n"
    "Python runs <b>line by line</b>."
)
RESULT = (
    "🏁 <b>Finished!</b> {n} of {n} correct.\nScore: <b>100%</b> (pass mark 70%)\n🎉 Passed!\n"
    "⭐ +10 XP"
)
OTHER_OPTIONS = ("other", "another")


@dataclass(frozen=True, slots=True)
class _Question:
    text: str
    markup: InlineKeyboardMarkup
    answered: str


def _questions(lesson_id: int, answers: tuple[str, ...]) -> list[_Question]:
    questions = []
    for number, answer in enumerate(answers, start=1):
        text = f"✍️ <b>Basics</b> · question {number} of {len(answers)}\n\nPick {answer}"
        kb = InlineKeyboardBuilder()
        for option, label in enumerate((answer, *OTHER_OPTIONS)):
            data = AnswerCb(lesson_id=lesson_id, run=1, exercise_id=number, option=option)
            kb.button(text=label, callback_data=data)
        kb.button(text="✖️ Stop", callback_data=StopRunCb(lesson_id=lesson_id))
        kb.adjust(1)
        answered = f"{text}\n\nYour answer: <b>{answer}</b>\n✅ <b>Correct!</b>"
        questions.append(_Question(text, kb.as_markup(), answered))
    return questions


def _lesson_markup(lesson_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text="✍️ Start exercises", callback_data=RunCb(lesson_id=lesson_id))
    kb.button(text="🔄 Reset lesson", callback_data=ResetCb(lesson_id=lesson_id))
    kb.button(text="⬅️ Back to module", callback_data=ModuleCb(module_id=1))
    kb.button(text="🏠 Menu", callback_data=MenuCb(action=MenuAction.HOME))
    kb.adjust(1, 1, 2)
    return kb.as_markup()


def _result_markup(lesson_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text="🔁 Try again", callback_data=RunCb(lesson_id=lesson_id))
    kb.button(text="⬅️ Back to module", callback_data=ModuleCb(module_id=1))
    kb.adjust(1)
    return kb.as_markup()


def build_floor(lesson_id: int, answers: tuple[str, ...]) -> Dispatcher:
    """A dispatcher that answers the journey's updates like learnbot, from prepared screens."""
    menu = main_menu()
    lesson_markup = _lesson_markup(lesson_id)
    questions = _questions(lesson_id, answers)
    result = RESULT.format(n=len(answers))
    result_markup = _result_markup(lesson_id)

    async def start(message: Message, state: FSMContext) -> None:
        await state.clear()
        name = message.from_user.first_name if message.from_user else ""
        await message.answer(WELCOME.format(name=name), reply_markup=menu)

    async def lesson(callback: CallbackQuery) -> None:
        assert isinstance(callback.message, Message)
        await callback.message.edit_text(LESSON, reply_markup=lesson_markup)

    async def start_run(callback: CallbackQuery, bot: Bot, state: FSMContext) -> None:
        await state.clear()
        first = questions[0]
        await bot.send_message(callback.from_user.id, first.text, reply_markup=first.markup)

    async def choose(
        callback: CallbackQuery,
        callback_data: AnswerCb,
        callback_answer: CallbackAnswer,
        bot: Bot,
        state: FSMContext,
    ) -> None:
        assert isinstance(callback.message, Message)
        callback_answer.text = "✅"
        number = callback_data.exercise_id
        await callback.message.edit_text(questions[number - 1].answered)
        await state.clear()
        chat_id = callback.from_user.id
        if number < len(questions):
            following = questions[number]
            await bot.send_message(chat_id, following.text, reply_markup=following.markup)
        else:
            await bot.send_message(chat_id, result, reply_markup=result_markup)

    router = Router(name="floor")
    router.message.register(start, CommandStart())
    router.callback_query.register(lesson, LessonCb.filter())
    router.callback_query.register(start_run, RunCb.filter())
    router.callback_query.register(choose, AnswerCb.filter())
    dp = Dispatcher(storage=MemoryStorage(), events_isolation=DisabledEventIsolation())
    dp.callback_query.middleware(AnswerAfterSuccess())
    dp.include_router(router)
    return dp
