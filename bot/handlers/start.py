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

from bot import texts
from bot.callbacks.learner import MenuAction, MenuCb
from bot.handlers.common import show
from bot.services import learners, lessons, review
from bot.services.context import Context
from bot.services.learners import Learner
from bot.views.course import lesson_screen
from bot.views.menu import main_menu_screen, with_menu

DEEP_LINK_LESSON = "lesson-"


async def start(
    message: Message,
    command: CommandObject,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
    context: Context,
) -> None:
    await state.clear()
    if command.args and command.args.startswith(DEEP_LINK_LESSON):
        slug = command.args.removeprefix(DEEP_LINK_LESSON)
        view = await lessons.open_lesson_by_slug(session, context, learner.id, slug)
        await show(message, lesson_screen(view))
        return
    await show(message, with_menu(texts.welcome(learner.first_name)))


async def help_(message: Message) -> None:
    await show(message, with_menu(str(texts.HELP)))


async def home(
    callback: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
    context: Context,
) -> None:
    await state.clear()
    # One indexed count, on the Menu button only: /start and the notices that carry the menu
    # show the Review entry without it, at no cost.
    await show(callback, main_menu_screen(await review.count_due(session, context, learner.id)))


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
