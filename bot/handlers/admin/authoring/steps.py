"""What a dialog asks, as data: a `Step` names the value, its question, how a typed value is
checked (the course format's own rules) and the buttons it offers; and the steps several
dialogs share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiogram.types import Message

from bot.callbacks.admin import DialogAction
from bot.services.content import fields
from bot.services.content.model import TITLE_MAX_LEN

Data = Mapping[str, Any]


def _always(_: Data) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Step:
    """One value a dialog asks for.

    `read` checks a typed message and returns the value (or raises BadValue); a step without it
    is answered by pressing one of `choices`, whose value `chosen` gives. `skip` offers Skip
    (the value None), `default` a button giving that value. `when` leaves the step out of
    dialogs it does not belong to (an exercise's kind decides its steps).

    What is written again starts with its values under "current" in the dialog's data: a
    step with a current value offers Keep (see `current`) and shows that value under its
    question, unless `show_current` is off where the dialog shows it another way."""

    key: str
    question: Callable[[Data], str]
    read: Callable[[Message], Any] | None = None
    skip: bool = False
    default: Callable[[Data], int | None] | None = None
    choices: Callable[[Data], list[str]] | None = None
    chosen: Callable[[Data, int], Any] | None = None
    when: Callable[[Data], bool] = _always
    show_current: bool = True

    def default_of(self, data: Data) -> int | None:
        return None if self.default is None else self.default(data)

    def _now(self, data: Data) -> Any:
        value = (data.get("current") or {}).get(self.key)
        return None if value == "" else value

    def choice_of(self, data: Data, value: Any) -> int | None:
        """The index of the choice giving `value`, if one does."""
        if self.choices is None or self.chosen is None:
            return None
        count = len(self.choices(data))
        return next((i for i in range(count) if self.chosen(data, i) == value), None)

    def current(self, data: Data) -> Any:
        """The value Keep keeps, or None when there is none to keep: nothing is being written
        again, the value is empty (Skip empties it), or it was a choice that the values given
        since no longer offer (the right option of options typed anew)."""
        value = self._now(data)
        if value is None or (self.chosen is not None and self.choice_of(data, value) is None):
            return None
        return value

    def dropped(self, data: Data) -> Any:
        """A current choice that is no longer among the choices, or None."""
        value = self._now(data)
        return value if value is not None and self.current(data) is None else None

    def value_of(self, data: Data, action: DialogAction | int) -> tuple[bool, Any]:
        """(taken, value) of a press: Keep, Skip, the default, or a choice's index."""
        if action is DialogAction.KEEP and (kept := self.current(data)) is not None:
            return True, kept
        if action is DialogAction.SKIP and self.skip:
            return True, None
        if action is DialogAction.DEFAULT and self.default_of(data) is not None:
            return True, self.default_of(data)
        choices = [] if self.choices is None else self.choices(data)
        if isinstance(action, int) and self.chosen is not None and action < len(choices):
            return True, self.chosen(data, action)
        return False, None


def typed_value(check: Callable[[str | None], Any]) -> Callable[[Message], Any]:
    """A step's `read` for a plain typed value checked by `check`."""
    return lambda message: check(message.text)


def new_title(prompt: Callable[[str, int], str]) -> Step:
    """Renaming a module or a lesson, asked by `prompt`: the start data names what it is
    called now."""
    return Step(
        "title", lambda d: prompt(d["current_title"], TITLE_MAX_LEN), typed_value(fields.title)
    )
