"""The last line of defence: log the failure, tell the learner something short and human."""

from __future__ import annotations

import logging

from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent

from bot.locales import en

log = logging.getLogger(__name__)


async def on_error(event: ErrorEvent) -> bool:
    update = event.update
    log.error(
        "update %s failed: %s: %s",
        update.update_id,
        type(event.exception).__name__,
        event.exception,
        exc_info=event.exception,
    )
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(en.ERROR, show_alert=True)
        elif update.message is not None:
            await update.message.answer(en.ERROR)
    except TelegramAPIError as exc:
        log.warning("could not tell the learner about the failure: %s", exc)
    return True
