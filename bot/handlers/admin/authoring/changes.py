"""The buttons that change the course at one press (publish, unpublish, delete once asked): each
change says how the press is answered and which screen follows, one handler does the rest."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.common import show
from bot.services.context import Context
from bot.views.screen import Screen

# What the press is answered with (a text) and the screen shown after the change.
Done = tuple[object, Screen]
Change = Callable[[Any, AsyncSession, Context], Awaitable[Done]]


def pressed(change: Change) -> Callable[..., Awaitable[None]]:
    """The handler of a button whose data `change` acts on."""

    async def handle(
        callback: CallbackQuery,
        callback_data: Any,
        callback_answer: CallbackAnswer,
        session: AsyncSession,
        context: Context,
    ) -> None:
        answer, screen = await change(callback_data, session, context)
        callback_answer.text = str(answer)
        await show(callback, screen)

    return handle
