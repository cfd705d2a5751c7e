from __future__ import annotations

from dataclasses import dataclass

from aiogram.types import InlineKeyboardMarkup


@dataclass(frozen=True, slots=True)
class Screen:
    """One message's worth: its HTML text and its buttons."""

    text: str
    markup: InlineKeyboardMarkup | None = None
