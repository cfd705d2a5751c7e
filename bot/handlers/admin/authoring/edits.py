"""The dialogs that edit one value of a module or a lesson (a title, a description, a text):
one step, and the service call that writes its value."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.admin.authoring.dialog import Dialog, saved
from bot.handlers.admin.authoring.steps import Data
from bot.services.context import Context
from bot.views.screen import Screen


class EditOne(Dialog):
    """Writes the value of its one step with `write`, given the id the data holds under
    `row`; the screen `shown` of what `write` gives back follows, headed by Saved.

    Read through the class: a function kept on it is not a method of the dialog."""

    row: ClassVar[str]
    write: ClassVar[Callable[[AsyncSession, Context, int, Any], Awaitable[Any]]]
    shown: ClassVar[Callable[[Any], Screen]]

    async def save(self, data: Data, session: AsyncSession, context: Context) -> Screen:
        (step,) = self.steps
        edit = type(self)
        return saved(edit.shown(await edit.write(session, context, data[edit.row], data[step.key])))
