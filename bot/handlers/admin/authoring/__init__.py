"""Authoring the course from the chat, by feature: modules, lessons, exercises, previews, and
the dialogs that write them (aiogram Scenes run by one engine, dialog.py).

The scene registry sits on the authoring router itself, not on the dispatcher: its middleware
gives the handlers below this router the `scenes` manager, and the scenes keep their state in
the FSM storage every handler uses.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.fsm.scene import SceneRegistry

from bot.handlers.admin.authoring import exercises, lessons, modules, outside, preview


def create_router() -> Router:
    router = Router(name=__name__)
    registry = SceneRegistry(router)
    # First: a dialog takes what is typed and pressed for it before any other handler; what it
    # does not take (another screen's buttons) goes on to the features.
    registry.add(*modules.DIALOGS, *lessons.DIALOGS, *exercises.DIALOGS, *preview.DIALOGS)
    router.include_routers(
        modules.create_router(),
        lessons.create_router(),
        exercises.create_router(),
        preview.create_router(),
        outside.create_router(),
    )
    return router
