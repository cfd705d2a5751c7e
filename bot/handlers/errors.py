"""Every failure answered in one place: the services' domain errors with their own short
notices, anything else logged with a short, human message and no trace."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import ExceptionTypeFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, ErrorEvent, Message, TelegramObject, User
from babel.support import LazyProxy

from bot import texts
from bot.handlers.common import show
from bot.middlewares.update_log import UpdateNote
from bot.services.errors import (
    AlreadyAnswered,
    AlreadyDone,
    ChoicesOnly,
    DomainError,
    Gone,
    LessonGone,
    ModuleGone,
    NoExercises,
    NotUnderstood,
    SeveralTimezones,
    Stale,
    UnknownLesson,
    UnknownTimezone,
)
from bot.serving.bot_api import BotApiHealth, is_transport_error
from bot.texts import outage
from bot.texts import settings as settings_texts
from bot.views.menu import with_menu
from db.health import is_unavailable

log = logging.getLogger(__name__)

# Most specific first: the first class in an error's MRO found here gives its notice.
NOTICES: dict[type[DomainError], LazyProxy] = {
    UnknownLesson: texts.LESSON_NOT_FOUND,
    LessonGone: texts.LESSON_UNAVAILABLE,
    ModuleGone: texts.MODULE_UNAVAILABLE,
    Stale: texts.QUESTION_STALE,
    ChoicesOnly: texts.ANSWER_WITH_BUTTONS,
    NotUnderstood: texts.BUTTON_NOT_UNDERSTOOD,
    AlreadyDone: texts.ALREADY_DONE,
    NoExercises: texts.NO_EXERCISES,
    SeveralTimezones: settings_texts.SEVERAL_TIMEZONES,
    UnknownTimezone: settings_texts.UNKNOWN_TIMEZONE,
}


def notice_for(error: DomainError) -> str | None:
    for cls in type(error).__mro__:
        if cls in NOTICES:
            return str(NOTICES[cls])
    return None


async def on_domain_error(event: ErrorEvent, state: FSMContext | None = None) -> None:
    error = event.exception
    assert isinstance(error, DomainError)
    callback, message = event.update.callback_query, event.update.message
    if callback is not None:
        await _never_raise(event, _answer_press(callback, error))
    elif message is not None:
        await _never_raise(event, _answer_message(message, error, state))


async def _answer_press(callback: CallbackQuery, error: DomainError) -> None:
    if isinstance(error, AlreadyAnswered):
        await callback.answer()  # the first press already got its feedback
        return
    await callback.answer(notice_for(error))
    if isinstance(error, Gone):
        # The button points at something no longer there: offer the menu in its place.
        await show(callback, with_menu(str(texts.MAIN_MENU)))
    elif isinstance(error, Stale) and isinstance(callback.message, Message):
        # A dead question must not look answerable.
        await callback.message.edit_reply_markup(reply_markup=None)


async def _answer_message(message: Message, error: DomainError, state: FSMContext | None) -> None:
    if isinstance(error, AlreadyAnswered):
        return
    notice = notice_for(error)
    assert notice is not None
    if isinstance(error, Gone | Stale):
        if state is not None:
            await state.clear()  # the question the chat was waiting for is over
        await show(message, with_menu(notice))
        return
    await message.answer(notice)


async def on_error(
    event: ErrorEvent, event_from_user: User | None = None, update_note: UpdateNote | None = None
) -> None:
    """The last line of defence: log the failure, tell the learner something short and human."""
    update = event.update
    user = event_from_user
    handler = update_note.handler if update_note is not None else None
    log.error(
        "update %s from %s failed in %s: %s: %s",
        update.update_id,
        user.id if user else None,
        handler or "-",
        type(event.exception).__name__,
        event.exception,
        exc_info=event.exception,
        extra={"update_id": update.update_id, "user_id": user.id if user else None},
    )
    await _tell(event, str(texts.ERROR))


def database_unavailable(event: ErrorEvent) -> bool:
    return is_unavailable(event.exception)


async def on_database_unavailable(event: ErrorEvent) -> None:
    """Not a bug: the database is down or too slow. The learner is asked to come back; the
    outage itself was logged once where it was found (db.health), so nothing is logged here."""
    await _tell(event, str(outage.DATABASE_UNAVAILABLE))


def bot_api_unavailable(event: ErrorEvent) -> bool:
    return is_transport_error(event.exception)


async def on_bot_api_unavailable(
    event: ErrorEvent, bot_api_health: BotApiHealth | None = None
) -> None:
    """Not a bug: the Bot API did not answer as one (down, a proxy's error page, flood control).
    The learner cannot be told through the API that just failed, so nothing is sent; the
    outage is logged once by the health, which counts this update in its closing line. The
    update's outcome (noted by the update log) has it handled again: the webhook answers it
    503 and the poller keeps it, and the de-duplication claim was given back."""
    if bot_api_health is not None:
        bot_api_health.update_lost(event.update.update_id)


async def _tell(event: ErrorEvent, text: str) -> None:
    """An alert for a press, a message for a message; a failure to say it is only logged."""
    update = event.update
    if update.callback_query is not None:
        await _never_raise(event, update.callback_query.answer(text, show_alert=True))
    elif update.message is not None:
        await _never_raise(event, update.message.answer(text))


async def _never_raise(event: ErrorEvent, answer: Awaitable[object]) -> None:
    """Await an error handler's answer. What it raises ends here: an error handler that raised
    would fail the update a second time (in webhook mode a 500, and Telegram posts the update
    again)."""
    try:
        await answer
    except Exception as exc:
        _answer_failed(event, exc)


def _answer_failed(event: ErrorEvent, exc: Exception) -> None:
    """A failure of the Bot API is the health's to log; a refusal gets one line; anything else
    is a bug in the answer itself, logged with its traceback."""
    if is_transport_error(exc):
        log.debug("update %s: no answer, the Bot API failed", event.update.update_id)
    elif isinstance(exc, TelegramAPIError):
        log.warning(
            "update %s: the answer to %s was refused: %s",
            event.update.update_id,
            type(event.exception).__name__,
            exc.message,
        )
    else:
        log.exception(
            "update %s: answering %s failed",
            event.update.update_id,
            type(event.exception).__name__,
        )


class ErrorHandlersNeverRaise(BaseMiddleware):
    """Around the whole error event, every router's error handlers included (the features'
    own, like the broadcasts' or the authoring dialogs'): what one of them raises ends here,
    as in `_never_raise`, instead of failing the update a second time."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        except Exception as exc:
            assert isinstance(event, ErrorEvent)
            _answer_failed(event, exc)
            return None


def create_router() -> Router:
    router = Router(name=__name__)
    router.errors.register(on_domain_error, ExceptionTypeFilter(DomainError))
    router.errors.register(on_database_unavailable, database_unavailable)
    router.errors.register(on_bot_api_unavailable, bot_api_unavailable)
    router.errors.register(on_error)
    return router
