"""/start (with `lesson-<slug>` deep links), /help, the main menu, and blocked/unblocked bot."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import (
    KICKED,
    MEMBER,
    ChatMemberUpdatedFilter,
    Command,
    CommandObject,
    CommandStart,
)
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import MenuAction, MenuCb
from bot.handlers.common import show, show_lesson
from bot.keyboards.menu import main_menu
from bot.locales import en
from bot.services import learners, lessons
from bot.services.learners import Learner

router = Router(name=__name__)

DEEP_LINK_LESSON = "lesson-"


async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
) -> None:
    await state.clear()
    if command.args and command.args.startswith(DEEP_LINK_LESSON):
        lesson_id = await lessons.lesson_id_for_slug(
            session, command.args.removeprefix(DEEP_LINK_LESSON)
        )
        view = await lessons.open_lesson(session, learner.id, lesson_id) if lesson_id else None
        if view is not None:
            await show_lesson(message, view)
            return
        await message.answer(en.LESSON_NOT_FOUND, reply_markup=main_menu())
        return
    await message.answer(en.welcome(learner.first_name), reply_markup=main_menu())


async def help_(message: Message) -> None:
    await message.answer(en.HELP, reply_markup=main_menu())


async def home(callback: CallbackQuery, state: FSMContext) -> None:
    await state.clear()
    await show(callback, en.MAIN_MENU, main_menu())


async def blocked(event: ChatMemberUpdated, session: AsyncSession, learner: Learner) -> None:
    await learners.set_active(session, learner.id, active=False)


async def unblocked(event: ChatMemberUpdated, session: AsyncSession, learner: Learner) -> None:
    await learners.set_active(session, learner.id, active=True)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(help_, Command("help"))
    router.callback_query.register(home, MenuCb.filter(F.action == MenuAction.HOME))
    router.my_chat_member.register(blocked, ChatMemberUpdatedFilter(member_status_changed=KICKED))
    router.my_chat_member.register(unblocked, ChatMemberUpdatedFilter(member_status_changed=MEMBER))
    return router
