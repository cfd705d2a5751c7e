"""`learnbot chat`: the real dispatcher in a terminal, no Telegram needed.

The bot's messages are printed with their buttons numbered; typing a number presses that button
of the latest keyboard, anything else is sent as text ("1 sends the text 1); a message may take
several lines (bot.cli.chat_input). Standard input may be a pipe, so a chat can be scripted.
The broadcast sender and the scheduler run beside it, as in `learnbot run`: what an admin
broadcasts reaches this chat too.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import logging
import sys
import time
from datetime import UTC, datetime
from typing import TextIO

from aiogram import Bot, Dispatcher
from aiogram.types import (
    CallbackQuery,
    Chat,
    Message,
    Update,
    User,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_app, build_workers
from bot.cli.chat_input import USAGE, Typed, read_message
from bot.cli.transcript import Button, Transcript
from bot.config import Settings
from bot.database import database
from bot.scheduler.jobs import job_named
from bot.scheduler.runner import JobRunner
from bot.services.broadcasts import pushes
from bot.services.content.sample import has_published_content, seed_sample_course
from bot.services.learners import language_for
from bot.serving.local_api import LocalBotSession
from bot.serving.workers import running
from db import migrations

QUIT = {"/quit", "/exit"}
# The chatter's first name when none is given: a name in the language the bot will speak (the
# greeting shows it), and one that any learner may carry.
DEFAULT_NAMES = {"en": "Alex", "ru": "Саша"}
QUOTE = '"'
# In this chat, /broadcast alone is sent as a reply to the chatter's latest message (a terminal
# has no other way to reply), so it offers that message to every learner, as in Telegram.
BROADCAST = "/broadcast"
# How long leaving waits for the broadcasts still going out to reach their chats.
LEAVE_WAIT_SECONDS = 10.0


class LocalChat:
    def __init__(self, dp: Dispatcher, bot: Bot, session: LocalBotSession, user: User) -> None:
        self.dp = dp
        self.bot = bot
        self.session = session
        self.user = user
        # Ids unlike any earlier session's: with REDIS_URL set, update ids are claimed there.
        self.ids = itertools.count(time.time_ns() // 1000)
        # The chatter's latest message that is not a command: what a reply would answer.
        self.latest: Message | None = None

    async def send_text(self, text: str, reply_to: Message | None = None) -> None:
        message = Message(
            message_id=next(self.ids),
            date=datetime.now(UTC),
            chat=Chat(id=self.user.id, type="private"),
            from_user=self.user,
            text=text,
            reply_to_message=reply_to,
        )
        self.session.receive(message)
        if not text.startswith("/"):
            self.latest = message
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


async def prepare_database(settings: Settings, out: TextIO) -> None:
    """Migrate, load the sample course into a database with nothing to learn yet, and build
    the leaderboard: the scheduler's first rebuild may be minutes away."""
    await asyncio.to_thread(migrations.upgrade, settings.database_url)
    async with database(settings) as db:
        async with db.sessionmaker() as session:
            if not await has_published_content(session):
                await seed_sample_course(session, db.context)
                out.write("(the database had no published lessons: loaded the sample course)\n")
        runner = JobRunner(db.engine, db.sessionmaker, db.context, settings)
        await runner.run_by_hand(job_named("leaderboard"))


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
    # The imports (aiogram's models above all) live as long as the process: frozen, no full
    # collection walks them again, and neither does the interpreter's exit, which took longer
    # than the first reply.
    gc.freeze()
    if admin:
        settings = settings.model_copy(update={"admin_ids": settings.admin_ids | {user_id}})
    transcript = Transcript(stdout, chat_id=user_id)
    session = LocalBotSession(on_call=transcript.on_call)
    transcript.session = session
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
    where = settings.db_url.render_as_string(hide_password=True)
    stdout.write(
        f"Local chat as {name} (id {user_id}{', admin' if admin else ''}"
        f"{f', language {language}' if language else ''}) on {where}.\n"
        "Type a number to press a button, anything else is sent as text (to send a number "
        "that is also a button's, quote it: \"1); /quit or Ctrl-D leaves.\n"
        f"{USAGE}\n"
        "Broadcasts are sent and the scheduled jobs run while the chat is open"
        f"{' (in this chat /broadcast alone replies to your latest message)' if admin else ''}.\n"
    )
    try:
        await dp.emit_startup(bot=bot, dispatcher=dp, **dp.workflow_data)
        async with running(build_workers(app)):
            await chat.send_text("/start")
            await converse(chat, transcript, stdin, stdout)
            await let_broadcasts_go_out(app.sessionmaker, stdout)
    finally:
        await dp.emit_shutdown(bot=bot, dispatcher=dp, **dp.workflow_data)
        await app.close()
    stdout.write("Bye!\n")
    return 0


async def converse(chat: LocalChat, transcript: Transcript, stdin: TextIO, out: TextIO) -> None:
    """Until /quit or the end of the input."""
    interactive = stdin.isatty()

    def prompt(text: str) -> None:
        out.write(text)
        out.flush()

    while True:
        typed = await read_message(stdin, prompt if interactive else None)
        if typed is None:
            return
        if not typed.text:
            continue
        if not interactive:
            # Echoed so a piped transcript reads as a conversation; "..." marks a further line.
            out.write("\n> " + typed.text.replace("\n", "\n... ") + "\n")
        if await _one(chat, transcript, typed, out):
            return


async def _one(chat: LocalChat, transcript: Transcript, typed: Typed, out: TextIO) -> bool:
    """Act on one message typed; True when it asks to leave."""
    line = typed.text
    if typed.several_lines:
        await chat.send_text(line)
    elif line in QUIT:
        return True
    elif line.startswith(QUOTE):
        await chat.send_text(line[1:])  # a quoted number is an answer, not a press
    elif _button_number(line, len(transcript.buttons)):
        await chat.press(transcript.buttons[int(line) - 1], out)
    elif line == BROADCAST:
        await chat.send_text(line, reply_to=chat.latest)
    else:
        await chat.send_text(line)
    return False


async def let_broadcasts_go_out(
    sessionmaker: async_sessionmaker[AsyncSession],
    out: TextIO,
    seconds: float = LEAVE_WAIT_SECONDS,
) -> None:
    """Before leaving, give the broadcasts still going out (one just confirmed) time to reach
    their chats; what is left then goes on the next time a bot runs."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        async with sessionmaker() as session:
            left = await pushes.going_out(session)
        if not left:
            return
        if loop.time() >= deadline:
            out.write(f"({left} broadcast(s) still going out: they go on when the bot next runs)\n")
            return
        await asyncio.sleep(0.1)


def _button_number(line: str, buttons: int) -> bool:
    """Whether `line` presses one of the buttons shown: plain digits only ("²" and a line of
    thousands of digits pass str.isdigit, yet int() refuses them)."""
    return line.isascii() and line.isdigit() and len(line) <= 3 and 1 <= int(line) <= buttons
