from __future__ import annotations

from aiogram.utils.i18n import get_i18n

from bot import texts
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
from bot.services.learners import LANGUAGES
from bot.services.settings import HOURS, LearnerSettings
from bot.services.timezones import (
    COMMON_ZONES,
    OFFSETS,
    UTC,
    ZONES,
    local_time,
    offset_zone,
    place_name,
)
from bot.texts import settings as t
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen

# Each language by its own name, as language pickers everywhere show them.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский"}
FLAGS = {"en": "🇬🇧", "ru": "🇷🇺"}


def zone_label(zone: str) -> str:
    """A zone as the learner reads it, in their language: Берлин, UTC+5:30 (not Etc/GMT-3)."""
    return place_name(zone, get_i18n().current_locale)


def _button(kb: Keyboard, label: object, action: SettingsAction) -> None:
    kb.button(text=str(label), callback_data=SettingsCb(action=action))


def settings_screen(s: LearnerSettings, default_zone: str, notice: str | None = None) -> Screen:
    zone = s.timezone or default_zone
    lines = [notice, ""] if notice else []
    lines += [
        str(t.TITLE),
        "",
        t.timezone_line(zone_label(zone), default=s.timezone is None),
        t.local_time_line(local_time(zone, default_zone, s.now)),
        t.language_line(LANGUAGE_NAMES[s.language]),
        t.reminder_line(_reminder_status(s)),
    ]
    kb = Keyboard()
    _button(kb, t.TIMEZONE_BUTTON, SettingsAction.TIMEZONE)
    _button(kb, t.LANGUAGE_BUTTON, SettingsAction.LANGUAGE)
    _button(kb, t.REMINDER_BUTTON, SettingsAction.REMINDER)
    _button(kb, t.DELETE_BUTTON, SettingsAction.DELETE)
    kb.button(text=str(texts.BACK_TO_MENU), callback_data=MenuCb(action=MenuAction.HOME))
    kb.adjust(2, 1, 1, 1)
    return Screen("\n".join(lines), kb.as_markup())


def _reminder_status(s: LearnerSettings) -> str:
    if not s.reminders_enabled:
        return str(t.STATUS_OFF)
    return str(t.STATUS_NO_HOUR) if s.reminder_hour is None else t.status_at(s.reminder_hour)


def _zone_buttons(kb: Keyboard, zones: list[str], s: LearnerSettings, default_zone: str) -> None:
    for zone in zones:
        label = t.zone_button(zone_label(zone), local_time(zone, default_zone, s.now))
        kb.button(text=label, callback_data=ZoneCb(zone=ZONES.index(zone)))


def _zone_head(s: LearnerSettings, default_zone: str) -> str:
    zone = s.timezone or default_zone
    return "\n".join(
        [
            str(t.TIMEZONE_TITLE),
            t.timezone_line(zone_label(zone), default=s.timezone is None),
            t.local_time_line(local_time(zone, default_zone, s.now)),
        ]
    )


def timezone_screen(s: LearnerSettings, default_zone: str) -> Screen:
    kb = Keyboard()
    _zone_buttons(kb, [UTC, *COMMON_ZONES], s, default_zone)
    _button(kb, t.OFFSETS_BUTTON, SettingsAction.OFFSETS)
    _button(kb, t.TYPE_ZONE_BUTTON, SettingsAction.TYPE_ZONE)
    _button(kb, t.BACK_TO_SETTINGS, SettingsAction.SHOW)
    rows = (len(COMMON_ZONES) + 1 + 1) // 2
    kb.adjust(*[2] * rows, 2, 1)
    return Screen(f"{_zone_head(s, default_zone)}\n\n{t.TIMEZONE_HELP}", kb.as_markup())


def offsets_screen(s: LearnerSettings, default_zone: str) -> Screen:
    kb = Keyboard()
    _zone_buttons(kb, [offset_zone(m) for m in OFFSETS], s, default_zone)
    _button(kb, t.BACK_TO_ZONES, SettingsAction.TIMEZONE)
    # Three a row: `UTC+12:45 · 21:57` is as wide as a phone's third.
    kb.adjust(*[3] * ((len(OFFSETS) + 2) // 3), 1)
    return Screen(f"{_zone_head(s, default_zone)}\n\n{t.TIMEZONE_HELP}", kb.as_markup())


def type_zone_screen() -> Screen:
    kb = Keyboard()
    _button(kb, t.CANCEL, SettingsAction.SHOW)
    return Screen(str(t.TYPE_ZONE), kb.as_markup())


def language_screen() -> Screen:
    kb = Keyboard()
    for language in LANGUAGES:
        label = f"{FLAGS[language]} {LANGUAGE_NAMES[language]}"
        kb.button(text=label, callback_data=LanguageCb(language=language))
    _button(kb, t.BACK_TO_SETTINGS, SettingsAction.SHOW)
    kb.adjust(len(LANGUAGES), 1)
    return Screen(str(t.LANGUAGE_TITLE), kb.as_markup())


def reminder_screen(s: LearnerSettings, default_zone: str) -> Screen:
    zone = zone_label(s.timezone or default_zone)
    lines = [
        str(t.REMINDER_TITLE),
        t.reminder_line(_reminder_status(s)),
        t.timezone_line(zone, default=s.timezone is None),
        "",
        str(t.REMINDER_HELP),
    ]
    kb = Keyboard()
    on = s.reminders_enabled
    kb.button(text=str(t.TURN_OFF if on else t.TURN_ON), callback_data=ReminderCb(enabled=not on))
    for hour in HOURS:
        label = t.clock_time(hour)
        if on and hour == s.reminder_hour:
            label = f"✅ {label}"
        kb.button(text=label, callback_data=ReminderHourCb(hour=hour))
    _button(kb, t.BACK_TO_SETTINGS, SettingsAction.SHOW)
    kb.adjust(1, *[4] * (len(HOURS) // 4), 1)
    return Screen("\n".join(lines), kb.as_markup())


def delete_question_screen() -> Screen:
    kb = Keyboard()
    _button(kb, t.DELETE_CONFIRM, SettingsAction.DELETE_CONFIRMED)
    _button(kb, t.DELETE_CANCEL, SettingsAction.SHOW)
    kb.adjust(1)
    return Screen(str(t.DELETE_QUESTION), kb.as_markup())


def data_deleted_screen() -> Screen:
    # No buttons: any press would register the learner again at once.
    return Screen(str(t.DATA_DELETED))
