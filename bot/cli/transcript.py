"""What the local chat prints: the bot's messages in the chatter's chat with their buttons
numbered (a line for what went to other chats), and the latest keyboard's buttons to press."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, TextIO

from aiogram.methods import (
    AnswerCallbackQuery,
    CopyMessage,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, InputFile, Message, MessageId

from bot.serving.local_api import LocalBotSession


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
    """Prints what the bot does in the chatter's chat (a line for what goes to other chats: a
    broadcast's) and remembers the latest keyboard's buttons."""

    def __init__(self, out: TextIO, chat_id: int | None = None) -> None:
        self.out = out
        self.chat_id = chat_id
        self.buttons: list[Button] = []
        # Where copies are found: set once the session is made (it reports to this).
        self.session: LocalBotSession | None = None

    def on_call(self, method: TelegramMethod[Any], result: Any) -> None:
        chat_id = getattr(method, "chat_id", None)
        if self.chat_id is not None and chat_id is not None and str(chat_id) != str(self.chat_id):
            if isinstance(method, SendMessage | CopyMessage):
                self.out.write(f"  [a message to chat {chat_id}]\n")
                self.out.flush()
            return
        if isinstance(method, SendMessage | EditMessageText):
            edited = isinstance(method, EditMessageText)
            message_id = result.message_id if isinstance(result, Message) else 0
            text = method.text or ""
            if method.parse_mode is None:  # plain text, not HTML: printed as it is
                text = html.escape(text, quote=False)
            self._print_message(text, method.reply_markup, message_id, edited=edited)
        elif isinstance(method, SendPhoto | SendDocument):
            # A terminal shows no picture: say what was sent, and keep its buttons pressable.
            file = method.photo if isinstance(method, SendPhoto) else method.document
            kind = "picture" if isinstance(method, SendPhoto) else "file"
            text = f"[{kind}: {_describe(file)}]\n{method.caption or ''}"
            message_id = result.message_id if isinstance(result, Message) else 0
            self._print_message(text, method.reply_markup, message_id, edited=False)
        elif isinstance(method, CopyMessage):
            copy = None
            if self.session is not None and isinstance(result, MessageId):
                copy = self.session.messages.get((int(method.chat_id), result.message_id))
            if copy is not None and copy.text:
                self._print_message(html.escape(copy.text, quote=False), None, 0, edited=False)
            else:
                self.out.write(f"  [a copy of message {method.message_id} sent to {chat_id}]\n")
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
