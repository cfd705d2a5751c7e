"""One INFO line per update: what an operator needs to follow learners' traffic and spot the
slow or failing features, without the noise of aiogram's own per-update lines."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.types import TelegramObject, Update, User

from bot.services.errors import DomainError
from bot.serving.bot_api import is_transport_error
from db.health import is_unavailable

if TYPE_CHECKING:
    from bot.serving.metrics import Metrics

log = logging.getLogger("bot.updates")

NOTE_KEY = "update_note"
# The outcome of an update whose handling met the Bot API unavailable: it had no answer, and is
# worth handling again once the API is back (the webhook refuses it, the poller keeps it).
BOT_API_UNAVAILABLE = "bot-api-unavailable"
# The start of the outcome of an update dropped because no learner can have sent it.
IGNORED = "ignored:"


@dataclass(slots=True)
class UpdateNote:
    """What the layers inside learn about an update, for its log line. aiogram copies the data
    dict on its way to the handler, so the note travels as one shared object. Whoever feeds the
    update may pass its own note (as `update_note=`) to read the outcome afterwards."""

    handler: str | None = None
    outcome: str | None = None


def note_outcome(data: dict[str, Any], outcome: str) -> None:
    """Record why an update ends without reaching a handler (throttled, a duplicate)."""
    note: UpdateNote | None = data.get(NOTE_KEY)
    if note is not None:
        note.outcome = outcome


def outcome_of(error: BaseException) -> str:
    if isinstance(error, asyncio.CancelledError):
        return "cancelled"  # at shutdown, after the grace period: delivered again later
    if isinstance(error, DomainError):
        return f"domain-error:{type(error).__name__}"
    if is_unavailable(error):
        return "database-unavailable"
    if is_transport_error(error):
        return BOT_API_UNAVAILABLE  # counted in the Bot API's outage line
    return f"error:{type(error).__name__}"


class UpdateLogMiddleware(BaseMiddleware):
    """The outermost of our update middlewares: it times everything the others do as well,
    and counts each update in `metrics` as it logs it."""

    def __init__(self, metrics: Metrics | None = None) -> None:
        self.metrics = metrics

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        note = data.get(NOTE_KEY)
        if not isinstance(note, UpdateNote):
            note = data[NOTE_KEY] = UpdateNote()
        started = time.perf_counter()
        if self.metrics is not None:
            self.metrics.updates_in_flight.inc()
        try:
            result = await handler(event, data)
        except BaseException as exc:
            # The errors router answers and logs the failure itself; this line only counts it.
            note.outcome = outcome_of(exc)
            self._count(note, note.outcome, started)
            self._log(event, data, note, note.outcome, started)
            raise
        finally:
            if self.metrics is not None:
                self.metrics.updates_in_flight.dec()
        outcome = note.outcome or ("unhandled" if result is UNHANDLED else "ok")
        self._count(note, outcome, started)
        self._log(event, data, note, outcome, started)
        return result

    def _count(self, note: UpdateNote, outcome: str, started: float) -> None:
        if self.metrics is not None:
            self.metrics.observe_update(note.handler, outcome, time.perf_counter() - started)

    @staticmethod
    def _log(
        event: TelegramObject,
        data: dict[str, Any],
        note: UpdateNote,
        outcome: str,
        started: float,
    ) -> None:
        # An update dropped unhandled (see middlewares.senders) is worth an operator's look.
        level = logging.WARNING if outcome.startswith(IGNORED) else logging.INFO
        if not log.isEnabledFor(level):
            return
        ms = round((time.perf_counter() - started) * 1000)
        update_id = event.update_id if isinstance(event, Update) else None
        user: User | None = data.get("event_from_user")
        user_id = user.id if user is not None else None
        log.log(
            level,
            "update %s from %s: %s %s in %d ms",
            update_id,
            user_id,
            note.handler or "-",
            outcome,
            ms,
            extra={
                "update_id": update_id,
                "user_id": user_id,
                "handler": note.handler,
                "outcome": outcome,
                "ms": ms,
            },
        )


class NoteHandlerMiddleware(BaseMiddleware):
    """An inner middleware (it runs once a handler is chosen): names that handler in the note."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        note: UpdateNote | None = data.get(NOTE_KEY)
        chosen: HandlerObject | None = data.get("handler")
        if note is not None and chosen is not None:
            callback = chosen.callback
            module = getattr(callback, "__module__", "").removeprefix("bot.handlers.")
            note.handler = f"{module}.{getattr(callback, '__qualname__', type(callback).__name__)}"
        return await handler(event, data)
