"""An authoring dialog's question with its buttons, and the rule a refused value broke."""

from __future__ import annotations

from typing import Any

from bot.callbacks.admin import DialogAction, DialogCb, PickCb
from bot.services.content.fields import BadValue, Problem
from bot.texts import authoring as texts
from bot.texts import esc
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from bot.views.telegram_length import MESSAGE_LIMIT, fit


def current_text(value: Any) -> str:
    """A typed value a step has now, shown to be kept or copied and changed (several lines are
    a list); at most half a message, however long."""
    shown = "\n".join(value) if isinstance(value, list) else str(value)
    return texts.current_value(f"<code>{fit(esc(shown), MESSAGE_LIMIT // 2)}</code>")


def _keep(kb: Keyboard, keep: bool) -> None:
    if keep:
        kb.button(text=str(texts.KEEP), callback_data=DialogCb(action=DialogAction.KEEP))


def prompt_screen(
    text: str, *, skip: bool = False, default: int | None = None, keep: bool = False
) -> Screen:
    """A dialog step's question with its way out, and Keep, Skip or the default if it has them."""
    kb = Keyboard()
    _keep(kb, keep)
    if skip:
        kb.button(text=str(texts.SKIP), callback_data=DialogCb(action=DialogAction.SKIP))
    if default is not None:
        kb.button(
            text=texts.use_default(default), callback_data=DialogCb(action=DialogAction.DEFAULT)
        )
    kb.button(text=str(texts.CANCEL), callback_data=DialogCb(action=DialogAction.CANCEL))
    kb.adjust(1)
    return Screen(text, kb.as_markup())


def pick_screen(text: str, labels: list[str], current: int | None = None) -> Screen:
    """A choice's question: a button per choice; the `current` one is marked and kept by Keep."""
    kb = Keyboard()
    for index, label in enumerate(labels):
        shown = texts.current_choice(label) if index == current else label
        kb.button(text=shown, callback_data=PickCb(index=index))
    _keep(kb, current is not None)
    kb.button(text=str(texts.CANCEL), callback_data=DialogCb(action=DialogAction.CANCEL))
    kb.adjust(1)
    return Screen(text, kb.as_markup())


def problem_text(error: BadValue) -> str:
    d = error.details
    match error.problem:
        case Problem.EMPTY:
            return str(texts.EMPTY)
        case Problem.TOO_LONG:
            return texts.too_long(d["maximum"])
        case Problem.SLUG_SHAPE:
            return str(texts.SLUG_SHAPE)
        case Problem.SLUG_TAKEN:
            return texts.slug_taken(d["slug"])
        case Problem.UNCLOSED_FENCE:
            return texts.unclosed_fence(d["line"])
        case Problem.NOT_IN_RANGE:
            return texts.not_in_range(d["minimum"], d["maximum"])
        case Problem.TOO_FEW_OPTIONS | Problem.TOO_MANY_OPTIONS:
            return texts.options_count(d["minimum"], d["maximum"])
        case Problem.DUPLICATE_OPTION:
            return texts.duplicate_option(d["option"])
