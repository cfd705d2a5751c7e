"""Long polling that confirms an update to Telegram only once it has been handled.

aiogram's own polling asks for the next updates, and so confirms the ones it just received,
while their handlers are still running; stopping it then cancels them. An update in flight at
SIGTERM or at a crash was lost. Here the offset sent to Telegram never passes an update whose
handler has not finished: Telegram keeps it, and delivers it again after a restart.

Telegram's offset confirms every update below it, so while an early update is still being
handled, the later ones, already handled or in flight, come back with each poll: they are
recognised by id and skipped.

An update whose handling met the Bot API unavailable is kept in memory and fed again once a poll
goes through (bot/serving/kept.py says how, and why not left unconfirmed at Telegram).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

from aiogram import Bot, Dispatcher
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.types import Update
from pydantic import ValidationError

from bot.middlewares.update_log import BOT_API_UNAVAILABLE, NOTE_KEY, UpdateNote
from bot.serving.bot_api import HEALTH_KEY, is_transport_error
from bot.serving.kept import KeptUpdates

log = logging.getLogger(__name__)

POLL_SECONDS = 25
# After a failed poll: wait this long, longer after each further failure, up to the maximum.
RETRY_SECONDS, RETRY_FACTOR, RETRY_MAX_SECONDS = 1.0, 1.5, 5.0
# When a poll brings nothing new because an early update holds the offset back, the next one
# waits for a handler to finish, or this long, so polls do not spin.
RECHECK_SECONDS = 1.0


class GetRawUpdates(GetUpdates):
    """getUpdates whose answer is left as JSON objects."""

    __returning__ = list[dict[str, Any]]


class Poller(KeptUpdates):
    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        *,
        allowed_updates: list[str],
        poll_seconds: int = POLL_SECONDS,
    ) -> None:
        self.dp = dp
        self.bot = bot
        self.allowed_updates = allowed_updates
        self.poll_seconds = poll_seconds
        self.in_flight: dict[int, asyncio.Task[bool]] = {}
        # Handled, but not yet confirmed: an earlier update is still in flight.
        self.done: set[int] = set()
        # Cancelled at shutdown before they were handled: Telegram must keep them.
        self.cut_off: set[int] = set()
        self.highest: int | None = None
        workflow = getattr(dp, "workflow_data", {})
        super().__init__(workflow.get(HEALTH_KEY))

    @property
    def offset(self) -> int | None:
        """The first update id Telegram must keep: everything below it is handled."""
        unhandled = self.in_flight.keys() | self.cut_off
        if unhandled:
            return min(unhandled)
        return None if self.highest is None else self.highest + 1

    async def run(self, stop: asyncio.Event, grace: float) -> None:
        """Poll until `stop` is set; then let the handlers in flight finish for up to `grace`
        seconds, cancel the rest, and confirm what was handled."""
        log.info("serving Telegram by long polling")
        stopping = asyncio.ensure_future(stop.wait())
        try:
            await self._poll(stopping)
        finally:
            stopping.cancel()
            await self._drain(grace)

    async def _poll(self, stopping: asyncio.Future[Any]) -> None:
        delay = RETRY_SECONDS
        while not stopping.done():
            fetch = asyncio.ensure_future(self._fetch())
            await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if stopping.done():
                fetch.cancel()
                return
            try:
                confirmed, raw_updates = fetch.result()
            except Exception as exc:
                log.log(
                    # The Bot API's outage is logged once, by its health.
                    logging.DEBUG if is_transport_error(exc) else logging.ERROR,
                    "failed to fetch updates (trying again in %.1f s): %s: %s",
                    delay,
                    type(exc).__name__,
                    exc,
                )
                await asyncio.wait({stopping}, timeout=delay)
                delay = min(delay * RETRY_FACTOR, RETRY_MAX_SECONDS)
                continue
            delay = RETRY_SECONDS
            if confirmed is not None:
                # Telegram has forgotten everything below the offset that poll sent: those ids
                # cannot come back. Ids handled since it was sent can, so they stay known.
                self.done = {i for i in self.done if i >= confirmed}
            known = self.in_flight.keys() | self.done
            fresh = []
            for raw in raw_updates:
                update_id = raw.get("update_id")
                if isinstance(update_id, int) and update_id in known:
                    continue
                update = self._parse(raw)
                if update is not None:
                    fresh.append(update)
                elif isinstance(update_id, int):
                    self._skip(update_id)
            self._replay()
            for update in fresh:
                if not self._waits(update):
                    self._start(update)
            if not fresh and (self.in_flight or self.kept):
                # Short polls while updates are kept (see _fetch): spaced out like these.
                pending: set[asyncio.Future[Any]] = {*self.in_flight.values(), stopping}
                await asyncio.wait(
                    pending, timeout=RECHECK_SECONDS, return_when=asyncio.FIRST_COMPLETED
                )

    def _parse(self, raw: dict[str, Any]) -> Update | None:
        """The update, or None (said in one line) when it is not one: one bad update must not
        fail the whole batch, as it would if aiogram read the batch, again at every poll."""
        try:
            return Update.model_validate(raw, context={"bot": self.bot})
        except (ValidationError, RecursionError):
            log.warning("ignored update %s: not a Telegram update", raw.get("update_id"))
            return None

    def _skip(self, update_id: int) -> None:
        """Confirm an update that is not handled, as if it had been."""
        self.highest = max(update_id, self.highest if self.highest is not None else update_id)
        self.done.add(update_id)

    async def _fetch(self) -> tuple[int | None, list[dict[str, Any]]]:
        """The offset sent, and the updates from it on, as sent (each is read on its own)."""
        offset = self.offset
        # While updates are kept for the Bot API's return, polls are short: a long poll
        # answers only when it ends, and the first that goes through says the API is back.
        poll_seconds = 0 if self.kept else self.poll_seconds
        # Typed as what it answers: aiogram's generic parameter is fixed by GetUpdates.
        method = cast(
            TelegramMethod[list[dict[str, Any]]],
            GetRawUpdates(
                offset=offset, timeout=poll_seconds, allowed_updates=self.allowed_updates
            ),
        )
        # The HTTP request must outlive the long poll it asks for.
        session_timeout = self.bot.session.timeout or 0
        timeout = int(session_timeout + poll_seconds)
        return offset, await self.bot(method, request_timeout=timeout)

    def _start(self, update: Update) -> None:
        update_id = update.update_id
        self.highest = max(update_id, self.highest if self.highest is not None else update_id)
        task = asyncio.create_task(self._handle(update))
        self.in_flight[update_id] = task

        def finished(task: asyncio.Task[bool]) -> None:
            del self.in_flight[update_id]
            (self.cut_off if task.cancelled() else self.done).add(update_id)

        task.add_done_callback(finished)

    async def _handle(self, update: Update) -> bool:
        """Feed one update; False when its handling met the Bot API unavailable (it is kept)."""
        note = UpdateNote()
        try:
            result = await self.dp.feed_update(
                self.bot, update, dispatcher=self.dp, bots=[self.bot], **{NOTE_KEY: note}
            )
            if isinstance(result, TelegramMethod):
                await self.dp.silent_call_request(bot=self.bot, result=result)
        except Exception:
            # The errors router answers and logs what handlers raise; this is what it did not.
            log.exception("update %s failed outside its handler", update.update_id)
        if note.outcome == BOT_API_UNAVAILABLE:
            self._keep(update)
            return False
        return True

    async def _drain(self, grace: float) -> None:
        handling = list(self.in_flight.values())
        replaying = list(self.replaying)
        lost = 0
        if handling or replaying:
            waiting = len(handling) + sum(len(queue) + 1 for queue in self.queues.values())
            log.info("stopping: waiting up to %g s for %d updates in flight", grace, waiting)
            _, unfinished = await asyncio.wait([*handling, *replaying], timeout=grace)
            # Each replay's update being fed now, and those behind it: counted before the
            # cancellation empties the queues.
            lost = sum(len(queue) + 1 for queue in self.queues.values())
            for task in unfinished:
                task.cancel()
            if unfinished:
                await asyncio.wait(unfinished)
            if cut := len(unfinished.intersection(handling)):
                log.warning(
                    "stopped with %d updates unfinished: Telegram will deliver them again", cut
                )
        lost += len(self.kept)
        if lost:
            # Confirmed to Telegram already (see the module's docstring): gone with the process.
            log.warning("stopped with %d updates still waiting for the Bot API: lost", lost)
        offset = self.offset
        if offset is None:
            return
        try:
            # Confirms what was handled; limit=1, timeout=0: nothing more is taken on.
            await self.bot(GetUpdates(offset=offset, limit=1, timeout=0), request_timeout=5)
        except Exception as exc:
            log.warning("could not confirm the handled updates to Telegram: %s", exc)
