"""Replying in place: a button press edits the message it came from, a command sends anew."""

from __future__ import annotations

import logging

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.keyboards import course as course_kb
from bot.keyboards.menu import main_menu
from bot.locales import en
from bot.services.lessons import LessonView

log = logging.getLogger(__name__)


async def show(
    event: Message | CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    if isinstance(event, Message):
        await event.answer(text, reply_markup=markup)
        return
    message = event.message
    if isinstance(message, Message):
        try:
            await message.edit_text(text, reply_markup=markup)
            return
        except TelegramBadRequest as exc:
            if "message is not modified" in exc.message:
                return
            # Too old or no longer editable: a fresh message still answers the press.
            log.debug("could not edit message %s: %s", message.message_id, exc.message)
    assert event.bot is not None
    await event.bot.send_message(event.from_user.id, text, reply_markup=markup)


async def gone(callback: CallbackQuery, callback_answer: CallbackAnswer, notice: str) -> None:
    """The button points at something no longer there: say so, and offer the menu."""
    callback_answer.text = notice
    await show(callback, en.MAIN_MENU, main_menu())


def lesson_text(view: LessonView, page: int) -> str:
    header = f"📖 <b>{en.esc(view.title)}</b>"
    details = []
    if view.estimated_minutes:
        details.append(f"⏱ {view.estimated_minutes} min")
    if view.exercise_count:
        details.append(f"✍️ {view.exercise_count} exercises")
    details.append(f"⭐ {view.xp} XP")
    if len(view.pages) > 1:
        details.append(f"page {page + 1}/{len(view.pages)}")
    body = view.pages[page]
    return f"{header}\n<i>{' · '.join(details)}</i>\n\n{body}".rstrip()


async def show_lesson(event: Message | CallbackQuery, view: LessonView, page: int = 0) -> None:
    page = min(max(page, 0), len(view.pages) - 1)
    await show(event, lesson_text(view, page), course_kb.lesson_page(view, page))
