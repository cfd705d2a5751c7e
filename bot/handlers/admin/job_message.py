"""The message a background job (bot.serving.background) reports in: edited as the job goes,
sent anew when it can no longer be edited, with a ticker that shows the job's progress."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiohttp import ClientError

from bot.views.screen import Screen

log = logging.getLogger(__name__)

# What may fail when a job speaks to Telegram: the API, the connection, or its time.
TELEGRAM_FAILURES = (TelegramAPIError, ClientError, TimeoutError)


@dataclass
class JobMessage:
    bot: Bot
    chat_id: int
    message_id: int
    # Names the job in the log ("course file 'x.yaml' of admin 1").
    label: str

    async def show(self, screen: Screen) -> None:
        """Edit the job's message; a fresh one when it cannot be edited (deleted, say)."""
        try:
            await self.bot.edit_message_text(
                screen.text,
                chat_id=self.chat_id,
                message_id=self.message_id,
                reply_markup=screen.markup,
            )
            return
        except TelegramBadRequest as exc:
            if "message is not modified" in exc.message:
                return
            log.debug("could not edit message %s: %s", self.message_id, exc.message)
        sent = await self.bot.send_message(self.chat_id, screen.text, reply_markup=screen.markup)
        self.message_id = sent.message_id

    async def tell(self, screen: Screen) -> None:
        """Last words of a job that failed or was stopped: Telegram may be what failed."""
        try:
            await self.show(screen)
        except TELEGRAM_FAILURES as exc:
            log.info("could not tell the end of %s: %s", self.label, exc)

    @contextlib.asynccontextmanager
    async def ticking(self, render: Callable[[], Screen], every: float) -> AsyncIterator[None]:
        """Show `render()` every `every` seconds while the block runs, when it changed."""
        ticker = asyncio.create_task(self._tick(render, every))
        try:
            yield
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker

    async def _tick(self, render: Callable[[], Screen], every: float) -> None:
        shown = None
        while True:
            await asyncio.sleep(every)
            screen = render()
            if screen.text == shown:
                continue
            try:
                await self.show(screen)
            except TELEGRAM_FAILURES as exc:
                # Only progress: the result is shown (or reported) whatever happened here.
                log.debug("progress of %s not shown: %s", self.label, exc)
            shown = screen.text
