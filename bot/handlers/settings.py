"""Settings (timezone, reminders, delete my data): filled in by the profile feature; until
then the menu button answers."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from bot import texts
from bot.callbacks import MenuAction, MenuCb


async def coming_soon(callback: CallbackQuery, callback_answer: CallbackAnswer) -> None:
    callback_answer.text = str(texts.COMING_SOON)
    callback_answer.show_alert = True


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(coming_soon, MenuCb.filter(F.action == MenuAction.SETTINGS))
    return router
