"""Telegram update payloads as the Bot API delivers them."""

from __future__ import annotations

import time
from typing import Any

LEARNER: dict[str, Any] = {
    "id": 4242,
    "is_bot": False,
    "first_name": "Ada",
    "username": "ada",
    "language_code": "en",
}


def user(user_id: int = LEARNER["id"], first_name: str = "Ada") -> dict[str, Any]:
    return {**LEARNER, "id": user_id, "first_name": first_name}


def text_message(
    text: str, *, message_id: int = 1, sender: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A `message` update from a private chat (without update_id: the fake assigns one)."""
    sender = sender or user()
    message: dict[str, Any] = {
        "message_id": message_id,
        "from": sender,
        "chat": {"id": sender["id"], "type": "private", "first_name": sender["first_name"]},
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split()[0]
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"message": message}


def callback_query(
    data: str, message: dict[str, Any], *, query_id: str, sender: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A button press on `message` (the Message object the Bot API returned for it)."""
    return {
        "callback_query": {
            "id": query_id,
            "from": sender or user(),
            "chat_instance": "e2e-chat-instance",
            "message": message,
            "data": data,
        }
    }


def button_data(markup: dict[str, Any], label: str) -> str:
    """The callback_data of the inline button whose text contains `label`."""
    buttons = [button for row in markup["inline_keyboard"] for button in row]
    for button in buttons:
        if label in button["text"]:
            data: str = button["callback_data"]
            return data
    raise AssertionError(f"no button {label!r} among {[b['text'] for b in buttons]}")
