"""A fake Telegram Bot API server for the end-to-end tests (Telegram itself is unreachable).

It listens on 127.0.0.1 on a free port and answers `/bot{token}/{method}` the way Telegram does,
for the methods the bot uses. Requests are read as aiogram's AiohttpSession sends them (a form,
urlencoded or multipart, whose structured values are JSON text) or as a JSON body. Every request
is recorded; a test queues updates with `push_update` and waits for the bot's calls with
`wait_for`, which gives up after a bounded time.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST"
BOT_USER: dict[str, Any] = {
    "id": 123456,
    "is_bot": True,
    "first_name": "Test bot",
    "username": "test_learnbot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

# The start of an HTTP answer that cannot be parsed: aiohttp's error for it quotes the URL.
GARBLED_ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: nonsense\r\n\r\n"

# Form values are text; these fields carry JSON (aiogram dumps lists, dicts and objects).
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "allowed_updates",
        "commands",
        "scope",
        "entities",
        "caption_entities",
        "link_preview_options",
        "reply_parameters",
        "media",
    }
)
INT_FIELDS = frozenset(
    {"chat_id", "message_id", "offset", "limit", "timeout", "max_connections", "cache_time"}
)
BOOL_FIELDS = frozenset(
    {"drop_pending_updates", "show_alert", "disable_notification", "protect_content"}
)


@dataclass
class Call:
    """One request the bot made: the method, its decoded parameters and what was answered."""

    method: str
    params: dict[str, Any]
    token: str
    response: dict[str, Any]

    @property
    def result(self) -> Any:
        return self.response.get("result")


@dataclass
class Hold:
    """Requests for a held method wait unanswered: `arrived` is set when one comes in, and they
    are answered once `release` is set."""

    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    waiting: int = 0  # requests held now
    # Only the requests whose parameters this accepts are held (all when None).
    only: Callable[[dict[str, Any]], bool] | None = None

    async def until_waiting(self, count: int, within: float = 10.0) -> None:
        """Until `count` requests are held; fails after `within` seconds."""
        deadline = time.monotonic() + within
        while self.waiting < count:
            if time.monotonic() >= deadline:
                raise AssertionError(f"{self.waiting} requests held, not {count}, in {within}s")
            await asyncio.sleep(0.02)


def decode_params(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Telegram's reading of form fields: JSON for structured ones, numbers and booleans."""
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str):
            if key in JSON_FIELDS:
                value = json.loads(value)
            elif key in INT_FIELDS and re.fullmatch(r"-?\d+", value):
                value = int(value)
            elif key in BOOL_FIELDS and value in ("true", "false"):
                value = value == "true"
        params[key] = value
    return params


# Telegram's limit on a message's text, in UTF-16 code units of the text once entities are parsed.
MESSAGE_LIMIT = 4096


class BadRequest(Exception):
    """Telegram's refusal of a request's values: answered 400 with this description."""


def telegram_length(text: str) -> int:
    """The length Telegram checks its limits against: UTF-16 code units."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def plain_text(text: str, parse_mode: str | None) -> str:
    """What Telegram keeps of a formatted text: the entities go, the characters stay."""
    if parse_mode and parse_mode.upper() == "HTML":
        return html.unescape(re.sub(r"<[^>]+>", "", text))
    return text


class FakeTelegram:
    def __init__(
        self,
        *,
        token: str = TOKEN,
        poll_cap: float = 0.5,
        message_limit: int | None = MESSAGE_LIMIT,
    ) -> None:
        self.token = token
        # sendMessage and editMessageText refuse a longer text, as Telegram does; None: no limit.
        self.message_limit = message_limit
        # getUpdates never holds a request longer than this, whatever `timeout` asks for.
        self.poll_cap = poll_cap
        self.calls: list[Call] = []
        self.webhook_url: str | None = None
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._new_update = asyncio.Event()
        self._new_call = asyncio.Event()
        self._closing = False
        self._holds: dict[str, Hold] = {}
        self._drops: dict[str, list[bool]] = {}
        # Until this time.monotonic(), every request gets a proxy's HTML error page.
        self._outage_until = 0.0
        self._outage_status = 404
        self.outage_requests = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def close(self) -> None:
        self._closing = True
        self._new_update.set()  # wake long polls so they answer now
        for hold in self._holds.values():
            hold.release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        """What BOT_API_URL should be."""
        return f"http://127.0.0.1:{self.port}"

    # --- what a test drives -----------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (an `update_id` is assigned when missing)."""
        update = dict(update)
        update.setdefault("update_id", next(self._update_ids))
        self._updates.append(update)
        self._new_update.set()
        return update

    def hold(self, method: str, *, only: Callable[[dict[str, Any]], bool] | None = None) -> Hold:
        """Keep the bot waiting on `method` (a slow or stuck Telegram) until released;
        `only`: just the requests whose parameters it accepts (those to some chats, say)."""
        hold = self._holds.setdefault(method, Hold())
        if only is not None:
            hold.only = only
        return hold

    def drop(self, method: str, *, garbled: bool = False) -> None:
        """Cut the connection of the next request for `method` without answering it (a network
        failure between the bot and Telegram); `garbled`: after half an answer that does not
        parse. Call again to cut the following request too."""
        self._drops.setdefault(method, []).append(garbled)

    def html_outage(self, seconds: float, *, status: int = 404) -> None:
        """For the next `seconds`, answer every request with an HTML error page instead of the
        Bot API's JSON: a reverse proxy in front of a Bot API that is away. Such requests are
        counted in `outage_requests`, not recorded in `calls`."""
        self._outage_status = status
        self._outage_until = time.monotonic() + seconds

    @property
    def in_outage(self) -> bool:
        return time.monotonic() < self._outage_until

    def dropped(self, method: str) -> bool:
        """Whether every drop asked for `method` has happened."""
        return not self._drops.get(method)

    def unhold(self, method: str) -> None:
        """Answer the held requests for `method`, and hold no more of them."""
        hold = self._holds.pop(method, None)
        if hold is not None:
            hold.release.set()

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def calls_of(self, method: str, *, since: int = 0) -> list[Call]:
        return [call for call in self.calls[since:] if call.method == method]

    def methods(self) -> list[str]:
        return [call.method for call in self.calls]

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 (the tests' vocabulary; bounded inside)
        *,
        since: int = 0,
    ) -> Call:
        """The first call of `method` (from index `since` on) that satisfies `predicate`.

        Fails with the recorded methods once `timeout` seconds pass without one.
        """
        deadline = time.monotonic() + timeout
        checked = since
        while True:
            for call in self.calls[checked:]:
                if call.method == method and (predicate is None or predicate(call)):
                    return call
            checked = max(checked, len(self.calls))
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                seen = [f"{c.method}{_brief(c.params)}" for c in self.calls[since:]]
                raise AssertionError(
                    f"no matching {method} call within {timeout}s; the bot called: {seen}"
                )
            self._new_call.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_call.wait(), remaining)

    # --- the Bot API ------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        token = request.match_info["token"]
        raw: dict[str, Any] = dict(request.query)
        if request.method == "POST":
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    raw.update(body)
            else:
                form = await request.post()
                raw.update({key: value for key, value in form.items() if isinstance(value, str)})
        params = decode_params(raw)
        if self.in_outage:
            self.outage_requests += 1
            self._new_call.set()
            page = f"<html><head><title>{self._outage_status}</title></head><body>nginx</body>"
            return web.Response(status=self._outage_status, text=page, content_type="text/html")
        if drops := self._drops.get(method):
            garbled = drops.pop(0)
            self._new_call.set()
            if request.transport is not None:
                if garbled:
                    request.transport.write(GARBLED_ANSWER)
                request.transport.close()
            # Nothing more reaches the bot: the connection is gone.
            return web.Response(status=500)
        hold = self._holds.get(method)
        if hold is not None and (hold.only is None or hold.only(params)):
            hold.arrived.set()
            hold.waiting += 1
            try:
                await hold.release.wait()
            finally:
                hold.waiting -= 1

        if token != self.token:
            status, response = 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        else:
            answer = getattr(self, f"_api_{method}", None)
            if answer is None:
                status = 404
                response = {"ok": False, "error_code": 404, "description": "Not Found"}
            else:
                try:
                    status, response = 200, {"ok": True, "result": await answer(params)}
                except KeyError as missing:
                    description = f"Bad Request: {missing.args[0]} is required"
                    status = 400
                    response = {"ok": False, "error_code": 400, "description": description}
                except BadRequest as refusal:
                    description = f"Bad Request: {refusal}"
                    status = 400
                    response = {"ok": False, "error_code": 400, "description": description}
        self.calls.append(Call(method, params, token, response))
        self._new_call.set()
        return web.json_response(response, status=status)

    async def _api_getMe(self, params: dict[str, Any]) -> Any:
        return BOT_USER

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook_url = params.get("url")
        return True

    async def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            # Telegram forgets every update before the offset: the bot has confirmed them.
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = params.get("timeout")
        wait = min(float(timeout) if isinstance(timeout, int) else 0.0, self.poll_cap)
        if not self._updates and wait > 0 and not self._closing:
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), wait)
        limit = params.get("limit")
        size = limit if isinstance(limit, int) and limit > 0 else 100
        return self._updates[:size]

    async def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat_id = params["chat_id"]
        return self._store(chat_id, next(self._message_ids), params)

    async def _api_copyMessage(self, params: dict[str, Any]) -> Any:
        # Telegram refuses a copy that does not name its chat and source (KeyError -> 400).
        for required in ("chat_id", "from_chat_id", "message_id"):
            params[required]
        return {"message_id": next(self._message_ids)}

    async def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        if "inline_message_id" in params:
            return True
        return self._store(params["chat_id"], params["message_id"], params)

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        if "inline_message_id" in params:
            return True
        key = (params["chat_id"], params["message_id"])
        message = dict(self._messages.get(key) or self._new_message(*key, ""))
        message["edit_date"] = int(time.time())
        message.pop("reply_markup", None)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._messages[key] = message
        return message

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        return True

    async def _api_deleteMessage(self, params: dict[str, Any]) -> Any:
        self._messages.pop((params["chat_id"], params["message_id"]), None)
        return True

    def _new_message(self, chat_id: int, message_id: int, text: str) -> dict[str, Any]:
        return {
            "message_id": message_id,
            "from": BOT_USER,
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "date": int(time.time()),
            "text": text,
        }

    def _store(self, chat_id: int, message_id: int, params: dict[str, Any]) -> dict[str, Any]:
        text = plain_text(params.get("text", ""), params.get("parse_mode"))
        if self.message_limit is not None and telegram_length(text) > self.message_limit:
            raise BadRequest("message is too long")
        message = self._new_message(chat_id, message_id, text)
        if (chat_id, message_id) in self._messages:
            message["edit_date"] = int(time.time())
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self._messages[(chat_id, message_id)] = message
        return message


def _brief(params: dict[str, Any]) -> str:
    text = params.get("text")
    return f"({text[:40]!r})" if isinstance(text, str) else ""
