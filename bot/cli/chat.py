"""`learnbot chat`: the real dispatcher in a terminal, no Telegram needed.

The bot's messages are printed with their buttons numbered; typing a number presses that button
of the latest keyboard, anything else is sent as text ("1 sends the text 1). Standard input may
be a pipe, so a chat can be scripted.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import logging
import re
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from aiogram import Bot, Dispatcher
from aiogram.methods import (
    AnswerCallbackQuery,
    CopyMessage,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    Chat,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    Update,
    User,
)

from bot.app import build_app
from bot.config import Settings
from bot.database import database
from bot.services.content.sample import has_published_content, seed_sample_course
from bot.services.learners import language_for
from bot.serving.local_api import LocalBotSession
from db import migrations

QUIT = {"/quit", "/exit"}
# The chatter's first name when none is given: a name in the language the bot will speak (the
# greeting shows it), and one that any learner may carry.
DEFAULT_NAMES = {"en": "Alex", "ru": "Саша"}
QUOTE = '"'


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    message_id: int
    callback_data: str | None
    url: str | None


def html_to_text(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _describe(file: InputFile | str) -> str:
    if isinstance(file, BufferedInputFile):
        return f"{file.filename}, {len(file.data):,} bytes"
    return str(file)


class Transcript:
    """Prints what the bot does and remembers the latest keyboard's buttons."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.buttons: list[Button] = []

    def on_call(self, method: TelegramMethod[Any], result: Any) -> None:
        if isinstance(method, SendMessage | EditMessageText):
            edited = isinstance(method, EditMessageText)
            message_id = result.message_id if isinstance(result, Message) else 0
            self._print_message(method.text or "", method.reply_markup, message_id, edited=edited)
        elif isinstance(method, SendPhoto | SendDocument):
            # A terminal shows no picture: say what was sent, and keep its buttons pressable.
            file = method.photo if isinstance(method, SendPhoto) else method.document
            kind = "picture" if isinstance(method, SendPhoto) else "file"
            text = f"[{kind}: {_describe(file)}]\n{method.caption or ''}"
            message_id = result.message_id if isinstance(result, Message) else 0
            self._print_message(text, method.reply_markup, message_id, edited=False)
        elif isinstance(method, CopyMessage):
            self.out.write(f"  [a copy of message {method.message_id} sent to {method.chat_id}]\n")
            self.out.flush()
        elif isinstance(method, AnswerCallbackQuery) and method.text:
            kind = "alert" if method.show_alert else "notice"
            self.out.write(f"  [{kind}] {method.text}\n")
            self.out.flush()

    def _print_message(self, text: str, markup: Any, message_id: int, *, edited: bool) -> None:
        head = "bot (edited):" if edited else "bot:"
        body = html_to_text(text).strip("\n")
        self.out.write(f"\n{head}\n" + "\n".join(f"  {line}" for line in body.splitlines()) + "\n")
        if isinstance(markup, InlineKeyboardMarkup):
            self.buttons = [
                Button(b.text, message_id, b.callback_data, b.url)
                for row in markup.inline_keyboard
                for b in row
            ]
            for number, button in enumerate(self.buttons, start=1):
                self.out.write(f"  [{number}] {button.text}\n")
        self.out.flush()


class LocalChat:
    def __init__(self, dp: Dispatcher, bot: Bot, session: LocalBotSession, user: User) -> None:
        self.dp = dp
        self.bot = bot
        self.session = session
        self.user = user
        # Ids unlike any earlier session's: with REDIS_URL set, update ids are claimed there.
        self.ids = itertools.count(time.time_ns() // 1000)

    async def send_text(self, text: str) -> None:
        message = Message(
            message_id=next(self.ids),
            date=datetime.now(UTC),
            chat=Chat(id=self.user.id, type="private"),
            from_user=self.user,
            text=text,
        )
        await self.dp.feed_update(self.bot, Update(update_id=next(self.ids), message=message))

    async def press(self, button: Button, out: TextIO | None = None) -> None:
        if button.callback_data is None:
            if out is not None:
                out.write(f"  (that button opens {button.url})\n")
            return
        message = self.session.messages.get((self.user.id, button.message_id))
        query = CallbackQuery(
            id=str(next(self.ids)),
            from_user=self.user,
            chat_instance="local",
            data=button.callback_data,
            message=message,
        )
        await self.dp.feed_update(self.bot, Update(update_id=next(self.ids), callback_query=query))


async def read_line(stdin: TextIO) -> str:
    """The next line of `stdin` ("" at its end), read in a daemon thread.

    Not `asyncio.to_thread`: on Ctrl-C, asyncio.run waits for its executor's threads, and one
    blocked in readline() would hold the chat open until the next Enter.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str] = loop.create_future()

    def deliver(line: str | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(line or "")

    def read() -> None:
        try:
            line, error = stdin.readline(), None
        except Exception as exc:
            line, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(deliver, line, error)

    threading.Thread(target=read, name="chat-stdin", daemon=True).start()
    return await future


async def prepare_database(settings: Settings, out: TextIO) -> None:
    """Migrate, and load the sample course into a database with nothing to learn yet."""
    await asyncio.to_thread(migrations.upgrade, settings.database_url)
    async with database(settings) as db, db.sessionmaker() as session:
        if not await has_published_content(session):
            await seed_sample_course(session)
            out.write("(the database had no published lessons: loaded the sample course)\n")


async def run_chat(
    settings: Settings,
    *,
    user_id: int,
    name: str | None,
    admin: bool,
    language: str | None = None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    # The chat is a conversation, not an operator's console: only problems get logged into it.
    root = logging.getLogger()
    root.setLevel(max(root.level, logging.WARNING))
    if admin:
        settings = settings.model_copy(update={"admin_ids": settings.admin_ids | {user_id}})
    transcript = Transcript(stdout)
    session = LocalBotSession(on_call=transcript.on_call)
    # One person at a keyboard (or a script) is no flood: no throttling here. Built before the
    # database is touched: what stops the bot (its catalogues) then stops it with nothing written.
    app = build_app(settings, bot_session=session, throttle=None)
    try:
        await prepare_database(settings, stdout)
    except BaseException:
        await app.close()
        raise
    dp, bot = app.dispatcher, app.bot
    name = name or DEFAULT_NAMES[language_for(language)]
    user = User(id=user_id, is_bot=False, first_name=name, language_code=language)
    chat = LocalChat(dp, bot, session, user)
    interactive = stdin.isatty()
    where = settings.db_url.render_as_string(hide_password=True)
    stdout.write(
        f"Local chat as {name} (id {user_id}{', admin' if admin else ''}"
        f"{f', language {language}' if language else ''}) on {where}.\n"
        "Type a number to press a button, anything else is sent as text (to send a number "
        "that is also a button's, quote it: \"1); /quit or Ctrl-D leaves.\n"
    )
    try:
        await dp.emit_startup(bot=bot, dispatcher=dp, **dp.workflow_data)
        await chat.send_text("/start")
        while True:
            if interactive:
                stdout.write("> ")
                stdout.flush()
            line = await read_line(stdin)
            if not line:
                break
            line = line.strip()
            if not line:
                continue
            if not interactive:
                stdout.write(f"\n> {line}\n")
            if line in QUIT:
                break
            if line.startswith(QUOTE):
                await chat.send_text(line[1:])  # a quoted number is an answer, not a press
                continue
            if line.isdigit() and 1 <= int(line) <= len(transcript.buttons):
                await chat.press(transcript.buttons[int(line) - 1], stdout)
                continue
            await chat.send_text(line)
    finally:
        await dp.emit_shutdown(bot=bot, dispatcher=dp, **dp.workflow_data)
        await app.close()
    stdout.write("Bye!\n")
    return 0
