"""Modules and lessons, the modules side: the list, a module's screen, publishing a module,
the reorder screen, and the dialog that creates a module (slug, title, description)."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.admin import (
    AdminMenuCb,
    AdminSection,
    AuthorModuleCb,
    DialogAction,
    DialogCb,
    ModuleAction,
    ModuleActionCb,
    NewModuleCb,
)
from bot.handlers.admin.authoring_dialog import (
    ask,
    finish,
    refuse,
    remember_prompt,
    send,
    with_notice,
)
from bot.handlers.admin.authoring_states import Authoring
from bot.handlers.common import show
from bot.handlers.filters import typed_text
from bot.services.authoring import modules
from bot.services.content import fields as values
from bot.services.content.fields import BadValue
from bot.services.content.model import SLUG_MAX_LEN, TITLE_MAX_LEN
from bot.texts import authoring as texts
from bot.views.admin.authoring import module_screen, modules_screen, reorder_screen

NewModule = Authoring.NewModule


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


async def publish(
    callback: CallbackQuery,
    callback_data: ModuleActionCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
) -> None:
    published = callback_data.action is ModuleAction.PUBLISH
    module = await modules.set_module_published(session, callback_data.module_id, published)
    callback_answer.text = str(texts.MODULE_PUBLISHED if published else texts.MODULE_UNPUBLISHED)
    await show(callback, module_screen(module))


async def reorder(
    callback: CallbackQuery, callback_data: ModuleActionCb, session: AsyncSession
) -> None:
    await show(
        callback, reorder_screen(await modules.module_detail(session, callback_data.module_id))
    )


async def start_new_module(callback: CallbackQuery, bot: Bot, state: FSMContext) -> None:
    await finish(callback, bot, state)
    await state.set_state(NewModule.slug)
    await ask(callback, bot, state, _step(1, texts.new_module_slug(SLUG_MAX_LEN)))


def _step(number: int, question: str) -> str:
    return f"{texts.step(number, 3)}\n{question}"


async def got_slug(message: Message, bot: Bot, state: FSMContext, session: AsyncSession) -> None:
    slug = await modules.check_module_slug(session, message.text)
    await state.update_data(slug=slug)
    await state.set_state(NewModule.title)
    await ask(message, bot, state, _step(2, texts.title_prompt(TITLE_MAX_LEN)))


async def got_title(message: Message, bot: Bot, state: FSMContext) -> None:
    title = values.title(message.text)
    await state.update_data(title=title)
    await state.set_state(NewModule.description)
    await ask(message, bot, state, _step(3, str(texts.DESCRIPTION_PROMPT)), skip=True)


async def got_description(
    message: Message, bot: Bot, state: FSMContext, session: AsyncSession
) -> None:
    description = values.description(message.text)
    await _create(message, bot, state, session, description)


async def skip_description(
    callback: CallbackQuery, bot: Bot, state: FSMContext, session: AsyncSession
) -> None:
    await _create(callback, bot, state, session, None)


async def _create(
    event: Message | CallbackQuery,
    bot: Bot,
    state: FSMContext,
    session: AsyncSession,
    description: str | None,
) -> None:
    data = await state.get_data()
    try:
        module = await modules.create_module(
            session, slug=data["slug"], title=data["title"], description=description
        )
    except BadValue as error:
        # Taken by another admin since the slug step: the slug is asked again.
        await state.set_state(NewModule.slug)
        await remember_prompt(state, _step(1, texts.new_module_slug(SLUG_MAX_LEN)))
        await refuse(event, bot, state, error)
        return
    await finish(event, bot, state)
    await send(event, bot, with_notice(texts.module_created(module.title), module_screen(module)))


def create_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(
        list_modules, AdminMenuCb.filter(F.section == AdminSection.COURSE)
    )
    router.callback_query.register(open_module, AuthorModuleCb.filter())
    router.callback_query.register(
        publish,
        ModuleActionCb.filter(F.action.in_({ModuleAction.PUBLISH, ModuleAction.UNPUBLISH})),
    )
    router.callback_query.register(reorder, ModuleActionCb.filter(F.action == ModuleAction.REORDER))
    router.callback_query.register(start_new_module, NewModuleCb.filter())
    router.message.register(got_slug, StateFilter(NewModule.slug), typed_text)
    router.message.register(got_title, StateFilter(NewModule.title), typed_text)
    router.message.register(got_description, StateFilter(NewModule.description), typed_text)
    router.callback_query.register(
        skip_description,
        StateFilter(NewModule.description),
        DialogCb.filter(F.action == DialogAction.SKIP),
    )
    return router
