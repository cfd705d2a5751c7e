"""/admin: the admin's menu, the way into every admin feature."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.callbacks.admin import AdminMenuCb, AdminSection
from bot.handlers.common import show
from bot.views.admin.menu import admin_menu_screen


async def open_menu(event: Message | CallbackQuery, state: FSMContext) -> None:
    # The menu is where every admin dialog can be left for: whatever was being typed is dropped.
    await state.clear()
    await show(event, admin_menu_screen())


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(open_menu, Command("admin"))
    router.callback_query.register(open_menu, AdminMenuCb.filter(F.section == AdminSection.HOME))
    return router
