from __future__ import annotations

from aiogram.types import InlineKeyboardButton
from aiogram.utils.keyboard import InlineKeyboardBuilder


class Keyboard(InlineKeyboardBuilder):
    """aiogram's builder, without its deep copy of every button on each button added and on
    the markup made: buttons here are never changed after they are made, and copying pydantic
    buttons cost more than all the rest of a screen."""

    def export(self) -> list[list[InlineKeyboardButton]]:
        return [list(row) for row in self._markup]
