"""Modules: the list, a module's screen, publishing, the reorder screen, deleting (asked first),
and the dialogs that create a module and edit its title or description."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiogram import F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.admin import (
    AdminMenuCb,
    AdminSection,
    AuthorModuleCb,
    ModuleAction,
    ModuleActionCb,
    NewModuleCb,
)
from bot.handlers.admin.authoring.changes import Done, pressed
from bot.handlers.admin.authoring.dialog import Dialog, entry, with_notice
from bot.handlers.admin.authoring.edits import EditOne
from bot.handlers.admin.authoring.steps import Data, Step, new_title, typed_value
from bot.handlers.common import show
from bot.services.authoring import modules
from bot.services.content import fields
from bot.services.content.model import TITLE_MAX_LEN
from bot.services.context import Context
from bot.texts import authoring as texts
from bot.views.admin.authoring.modules import (
    confirm_delete_module_screen,
    module_screen,
    modules_screen,
    reorder_screen,
)
from bot.views.screen import Screen

DESCRIPTION = Step(
    "description",
    lambda d: str(texts.DESCRIPTION_PROMPT),
    typed_value(fields.description),
    skip=True,
)


class NewModule(Dialog, state="authoring:new_module"):
    steps = (
        Step("title", lambda d: texts.new_module_title(TITLE_MAX_LEN), typed_value(fields.title)),
        DESCRIPTION,
    )

    async def save(self, data: Data, session: AsyncSession, context: Context) -> Screen:
        module = await modules.create_module(
            session, context, title=data["title"], description=data["description"]
        )
        return with_notice(texts.module_created(module.title, module.slug), module_screen(module))


class EditModule(EditOne):
    row, shown = "module_id", module_screen


class EditModuleTitle(EditModule, state="authoring:module_title"):
    steps = (new_title(texts.edit_module_title_prompt),)
    write = modules.edit_module_title


class EditModuleDescription(EditModule, state="authoring:module_description"):
    steps = (
        replace(DESCRIPTION, question=lambda d: texts.edit_description_prompt(d["current_title"])),
    )
    write = modules.edit_module_description


DIALOGS = (NewModule, EditModuleTitle, EditModuleDescription)


async def list_modules(callback: CallbackQuery, state: FSMContext, session: AsyncSession) -> None:
    # Like the admin menu, the list is a place to leave any dialog for.
    await state.clear()
    await show(callback, modules_screen(await modules.list_modules(session)))


async def open_module(
    callback: CallbackQuery, callback_data: AuthorModuleCb, session: AsyncSession
) -> None:
    await show(
        callback, module_screen(await modules.module_detail(session, callback_data.module_id))
    )


async def publish(data: ModuleActionCb, session: AsyncSession, context: Context) -> Done:
    published = data.action is ModuleAction.PUBLISH
    module = await modules.set_module_published(session, context, data.module_id, published)
    answer = texts.MODULE_PUBLISHED if published else texts.MODULE_UNPUBLISHED
    return answer, module_screen(module)


async def reorder(
    callback: CallbackQuery, callback_data: ModuleActionCb, session: AsyncSession
) -> None:
    await show(
        callback, reorder_screen(await modules.module_detail(session, callback_data.module_id))
    )


async def ask_delete(
    callback: CallbackQuery, callback_data: ModuleActionCb, session: AsyncSession
) -> None:
    module = await modules.module_detail(session, callback_data.module_id)
    await show(callback, confirm_delete_module_screen(module))


async def delete(data: ModuleActionCb, session: AsyncSession, context: Context) -> Done:
    await modules.delete_module(session, context, data.module_id)
    return texts.MODULE_DELETED, modules_screen(await modules.list_modules(session))


async def named_module(
    callback: CallbackQuery, callback_data: ModuleActionCb, session: AsyncSession
) -> dict[str, Any]:
    module = await modules.module_detail(session, callback_data.module_id)
    current = {"title": module.title, "description": module.description}
    return {"module_id": module.id, "current_title": module.title, "current": current}


def create_router() -> Router:
    router = Router(name=__name__)
    cb = router.callback_query
    cb.register(list_modules, AdminMenuCb.filter(F.section == AdminSection.COURSE))
    cb.register(open_module, AuthorModuleCb.filter())
    cb.register(
        pressed(publish),
        ModuleActionCb.filter(F.action.in_({ModuleAction.PUBLISH, ModuleAction.UNPUBLISH})),
    )
    cb.register(reorder, ModuleActionCb.filter(F.action == ModuleAction.REORDER))
    cb.register(ask_delete, ModuleActionCb.filter(F.action == ModuleAction.DELETE))
    cb.register(pressed(delete), ModuleActionCb.filter(F.action == ModuleAction.DELETE_CONFIRMED))
    cb.register(entry(NewModule), NewModuleCb.filter())
    edit = {
        ModuleAction.EDIT_TITLE: EditModuleTitle,
        ModuleAction.EDIT_DESCRIPTION: EditModuleDescription,
    }
    for action, dialog in edit.items():
        cb.register(entry(dialog, named_module), ModuleActionCb.filter(F.action == action))
    return router
