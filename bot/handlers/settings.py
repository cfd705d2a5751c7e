"""Settings: time zone (picked or typed), language, the daily reminder, and deleting one's data.

Every change forgets the learner in the LearnerCache, so the next update reads their row again
(and, after a language change, speaks the new language).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackQueryFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer
from aiogram.utils.i18n import I18n
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks.learner import (
    LanguageCb,
    MenuAction,
    MenuCb,
    ReminderCb,
    ReminderHourCb,
    SettingsAction,
    SettingsCb,
    ZoneCb,
)
from bot.config import Settings
from bot.handlers.common import show
from bot.handlers.filters import typed_text
from bot.handlers.states import SettingsInput
from bot.services import settings as learner_settings
from bot.services.context import Context
from bot.services.learners import Learner, LearnerCache
from bot.services.timezones import ZONES
from bot.texts import settings as t
from bot.views import settings as views
from bot.views.screen import Screen


async def open_settings(
    event: Message | CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
    settings: Settings,
    context: Context,
) -> None:
    # Also the Cancel button of typing a time zone: whatever was being typed is dropped.
    if await state.get_state() == SettingsInput.timezone:
        await state.clear()
    current = await learner_settings.current(session, context, learner.id)
    await show(event, views.settings_screen(current, settings.default_timezone))


def showing(
    screen: Callable[[learner_settings.LearnerSettings, str], Screen],
) -> Callable[..., Awaitable[None]]:
    """The handler of a button that opens `screen` of the learner's settings as they are (the
    time zones, the offsets, the reminder)."""

    async def handle(
        callback: CallbackQuery,
        session: AsyncSession,
        learner: Learner,
        settings: Settings,
        context: Context,
    ) -> None:
        current = await learner_settings.current(session, context, learner.id)
        await show(callback, screen(current, settings.default_timezone))

    return handle


async def ask_zone_name(callback: CallbackQuery, state: FSMContext) -> None:
    await state.set_state(SettingsInput.timezone)
    await show(callback, views.type_zone_screen())


async def choose_zone(
    callback: CallbackQuery,
    callback_data: ZoneCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    learner: Learner,
    settings: Settings,
    learner_cache: LearnerCache,
    context: Context,
) -> None:
    zone = ZONES[callback_data.zone]
    changed = await learner_settings.set_timezone(
        session, context, learner.id, zone, default_timezone=settings.default_timezone
    )
    learner_cache.forget(learner.telegram_id)
    callback_answer.text = t.timezone_set(views.zone_label(zone))
    await show(callback, views.settings_screen(changed, settings.default_timezone))


async def typed_zone(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
    settings: Settings,
    learner_cache: LearnerCache,
    context: Context,
) -> None:
    assert message.text is not None
    # A name it does not know raises UnknownTimezone (SeveralTimezones for a country that spans
    # zones): the errors router says so, with examples, and the chat keeps waiting for a name.
    changed = await learner_settings.set_timezone(
        session, context, learner.id, message.text, default_timezone=settings.default_timezone
    )
    await state.clear()
    learner_cache.forget(learner.telegram_id)
    assert changed.timezone is not None
    notice = t.timezone_set(views.zone_label(changed.timezone))
    await show(message, views.settings_screen(changed, settings.default_timezone, notice))


async def cancel_typing(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
    settings: Settings,
    context: Context,
) -> None:
    await state.clear()
    current = await learner_settings.current(session, context, learner.id)
    notice = str(t.TIMEZONE_KEPT)
    await show(message, views.settings_screen(current, settings.default_timezone, notice))


async def language_picker(callback: CallbackQuery) -> None:
    await show(callback, views.language_screen())


async def choose_language(
    callback: CallbackQuery,
    callback_data: LanguageCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    learner: Learner,
    settings: Settings,
    learner_cache: LearnerCache,
    i18n: I18n,
    context: Context,
) -> None:
    changed = await learner_settings.set_language(
        session, context, learner.id, callback_data.language
    )
    learner_cache.forget(learner.telegram_id)
    # This update was read in the old language; its answer is already in the new one.
    with i18n.use_locale(changed.language):
        callback_answer.text = str(t.LANGUAGE_SET)
        screen = views.settings_screen(changed, settings.default_timezone)
    await show(callback, screen)


async def switch_reminder(
    callback: CallbackQuery,
    callback_data: ReminderCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    learner: Learner,
    settings: Settings,
    learner_cache: LearnerCache,
    context: Context,
) -> None:
    enabled = callback_data.enabled
    changed = await learner_settings.set_reminders(
        session, context, learner.id, enabled=enabled, default_timezone=settings.default_timezone
    )
    learner_cache.forget(learner.telegram_id)
    callback_answer.text = str(t.REMINDER_ON if enabled else t.REMINDER_OFF)
    await show(callback, views.reminder_screen(changed, settings.default_timezone))


async def choose_hour(
    callback: CallbackQuery,
    callback_data: ReminderHourCb,
    callback_answer: CallbackAnswer,
    session: AsyncSession,
    learner: Learner,
    settings: Settings,
    learner_cache: LearnerCache,
    context: Context,
) -> None:
    changed = await learner_settings.set_reminder_hour(
        session, context, learner.id, callback_data.hour, default_timezone=settings.default_timezone
    )
    learner_cache.forget(learner.telegram_id)
    callback_answer.text = t.reminder_at(callback_data.hour)
    await show(callback, views.reminder_screen(changed, settings.default_timezone))


async def ask_delete(callback: CallbackQuery) -> None:
    await show(callback, views.delete_question_screen())


async def delete_data(
    callback: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    learner: Learner,
    learner_cache: LearnerCache,
) -> None:
    await learner_settings.delete_my_data(session, learner.id)
    await state.clear()
    learner_cache.forget(learner.telegram_id)
    await show(callback, views.data_deleted_screen())


def _on(action: SettingsAction) -> CallbackQueryFilter:
    return SettingsCb.filter(F.action == action)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(open_settings, Command("settings"))
    router.callback_query.register(open_settings, MenuCb.filter(F.action == MenuAction.SETTINGS))
    router.callback_query.register(open_settings, _on(SettingsAction.SHOW))
    router.callback_query.register(showing(views.timezone_screen), _on(SettingsAction.TIMEZONE))
    router.callback_query.register(showing(views.offsets_screen), _on(SettingsAction.OFFSETS))
    router.callback_query.register(ask_zone_name, _on(SettingsAction.TYPE_ZONE))
    router.callback_query.register(choose_zone, ZoneCb.filter())
    router.message.register(cancel_typing, StateFilter(SettingsInput.timezone), Command("cancel"))
    router.message.register(typed_zone, StateFilter(SettingsInput.timezone), typed_text)
    router.callback_query.register(language_picker, _on(SettingsAction.LANGUAGE))
    router.callback_query.register(choose_language, LanguageCb.filter())
    router.callback_query.register(showing(views.reminder_screen), _on(SettingsAction.REMINDER))
    router.callback_query.register(switch_reminder, ReminderCb.filter())
    router.callback_query.register(choose_hour, ReminderHourCb.filter())
    router.callback_query.register(ask_delete, _on(SettingsAction.DELETE))
    router.callback_query.register(delete_data, _on(SettingsAction.DELETE_CONFIRMED))
    return router
