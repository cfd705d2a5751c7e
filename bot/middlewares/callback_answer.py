from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.types import CallbackQuery, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswerMiddleware


class AnswerAfterSuccess(CallbackAnswerMiddleware):
    """Answers every button press once, like aiogram's CallbackAnswerMiddleware, but only when
    the handler succeeded.

    A press whose handler raised is left to the errors router: Telegram takes one answer per
    press, and it must be the one that says what went wrong, not the failed action's text.
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, CallbackQuery):
            return await handler(event, data)
        answer = data["callback_answer"] = self.construct_callback_answer(properties=None)
        result = await handler(event, data)
        if not answer.disabled and not answer.answered:
            await self.answer(event, answer)
        return result
