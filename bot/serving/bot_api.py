"""The Bot API as a dependency that fails: one log line when it stops answering and one when it
is back, and the start-up calls tried again over a short blip.

Every request the bot makes passes the session's middlewares here, so the outage is seen
whichever part of the process met it (a handler's reply, the sender, the poller). An update
that could not be answered because of it is counted, not logged with a traceback: during an
outage every update fails the same way, and a traceback apiece buried the log (hundreds of
them a minute) while saying nothing a single line does not. Such an update is not lost: the
webhook answers it 503, so Telegram posts it again, and the poller keeps it to feed it again
once the API answers (bot.serving.webhook, bot.serving.polling).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramEntityTooLarge,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    DeleteMyCommands,
    DeleteWebhook,
    GetMe,
    GetMyCommands,
    GetWebhookInfo,
    SetChatMenuButton,
    SetMyCommands,
    SetMyDescription,
    SetMyShortDescription,
    SetWebhook,
)
from aiohttp import ClientConnectorError, ClientResponseError, InvalidURL

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod
    from aiogram.methods.base import TelegramType

log = logging.getLogger(__name__)

HEALTH_KEY = "bot_api_health"

# The calls a process makes while it starts, each of which sets a state and may be sent again:
# one dropped connection must not stop the start. Sending a message is never repeated here: a
# request cut after Telegram took it would reach the learner twice.
SETUP_METHODS: tuple[type[TelegramMethod[Any]], ...] = (
    GetMe,
    SetWebhook,
    DeleteWebhook,
    GetWebhookInfo,
    SetMyCommands,
    DeleteMyCommands,
    GetMyCommands,
    SetChatMenuButton,
    SetMyDescription,
    SetMyShortDescription,
)
# The waits between tries of a setup call: about 3.5 s in all covers a blip (a dropped
# connection, a proxy restarting); an API that is away longer is reported at once rather than
# after minutes of silence, and the process manager starts the bot again.
SETUP_RETRY_DELAYS = (0.5, 1.0, 2.0)
# Telegram may ask a setup call to wait; longer than this is given up on (and said so).
SETUP_MAX_RETRY_AFTER = 5.0


def is_transport_error(error: BaseException) -> bool:
    """Whether `error` says the Bot API did not give a Bot API answer: no connection, a timeout,
    a server error, an answer that is not JSON (a proxy's HTML page), or flood control."""
    if isinstance(error, TelegramEntityTooLarge):
        return False  # a file too big to send: the request's fault, not the API's
    return isinstance(
        error, TelegramNetworkError | TelegramServerError | TelegramRetryAfter | ClientDecodeError
    )


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def network_reason(exc: TelegramNetworkError) -> str:
    """Why the Bot API could not be reached, in words that hold no URL: aiohttp's errors quote
    the request URL, and the Bot API's URL holds the token."""
    cause = exc.__cause__
    if isinstance(cause, ClientResponseError):
        return f"an answer that is not HTTP ({first_line(cause.message)})"
    if isinstance(cause, ClientConnectorError):
        why = cause.os_error.strerror or type(cause.os_error).__name__
        return f"cannot connect to {cause.host}:{cause.port} ({why})"
    if isinstance(cause, InvalidURL):
        return "BOT_API_URL does not make a valid request URL"
    if cause is not None:
        return type(cause).__name__
    return "request timed out" if "timeout" in exc.message.lower() else "network error"


def describe(error: BaseException) -> str:
    """One line about a transport error, with no URL and no body in it (both may echo the
    token)."""
    if isinstance(error, TelegramRetryAfter):
        return f"flood control, asked to wait {error.retry_after} s"
    if isinstance(error, TelegramNetworkError):
        return network_reason(error)
    if isinstance(error, TelegramServerError):
        return f"server error: {first_line(error.message)}"
    if isinstance(error, ClientDecodeError):
        return "an answer that is not the Bot API's JSON"
    if isinstance(error, TelegramAPIError):
        return first_line(error.message)
    return type(error).__name__


class BotApiHealth:
    """Outage bookkeeping for one bot: a WARNING when its requests start failing, one INFO line
    when one goes through again, with how many updates were put off meanwhile."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.down_since: float | None = None
        self.failures = 0
        self.updates = 0

    @property
    def down(self) -> bool:
        return self.down_since is not None

    def failed(self, error: BaseException) -> None:
        self.failures += 1
        if self.down_since is None:
            self.down_since = self.clock()
            log.warning(
                "Bot API unavailable (%s): updates meanwhile are put off until it is back",
                describe(error),
            )
        else:
            log.debug("Bot API still unavailable: %s", describe(error))

    def update_lost(self, update_id: int) -> None:
        """An update whose answer the outage swallowed: it is to be handled again."""
        if self.down_since is not None:
            self.updates += 1
            return
        # The outage ended while this update was failing: a line of its own, not a traceback.
        log.info("update %s is put off: the Bot API failed while handling it", update_id)

    def ok(self) -> None:
        if self.down_since is None:
            return
        seconds = self.clock() - self.down_since
        log.info(
            "Bot API reachable again after %.1f s; %d updates were put off, "
            "%d requests failed meanwhile",
            seconds,
            self.updates,
            self.failures,
            extra={
                "outage_seconds": round(seconds, 1),
                "updates": self.updates,
                "failures": self.failures,
            },
        )
        self.down_since, self.failures, self.updates = None, 0, 0


class WatchBotApi(BaseRequestMiddleware):
    """Feeds every request's outcome to the health: any answer from Telegram (a refusal
    included) says it is there; a transport error says it is not."""

    def __init__(self, health: BotApiHealth) -> None:
        self.health = health

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            response = await make_request(bot, method)
        except Exception as exc:
            if is_transport_error(exc):
                self.health.failed(exc)
            elif isinstance(exc, TelegramAPIError):
                self.health.ok()
            raise
        self.health.ok()
        return response


class RetrySetupCalls(BaseRequestMiddleware):
    """Tries a setup call (SETUP_METHODS) again after a transport error, with a bounded
    back-off; the last error is raised for the start to report in one line."""

    def __init__(
        self,
        delays: tuple[float, ...] = SETUP_RETRY_DELAYS,
        sleep: Callable[[float], Any] = asyncio.sleep,
    ) -> None:
        self.delays = delays
        self.sleep = sleep

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if not isinstance(method, SETUP_METHODS):
            return await make_request(bot, method)
        for delay in self.delays:
            try:
                return await make_request(bot, method)
            except Exception as exc:
                if not is_transport_error(exc):
                    raise
                if isinstance(exc, TelegramRetryAfter):
                    if exc.retry_after > SETUP_MAX_RETRY_AFTER:
                        raise
                    delay = max(delay, float(exc.retry_after))
                log.debug(
                    "%s failed (%s); trying again in %.1f s",
                    method.__api_method__,
                    describe(exc),
                    delay,
                )
            await self.sleep(delay)
        return await make_request(bot, method)


def watch(bot: Bot, health: BotApiHealth) -> None:
    """Install the retry of setup calls and the outage watch on the bot's session (outermost
    first: each try a retry makes is seen by the watch)."""
    bot.session.middleware(RetrySetupCalls())
    bot.session.middleware(WatchBotApi(health))
