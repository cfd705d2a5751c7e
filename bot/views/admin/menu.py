from __future__ import annotations

from functools import cache

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import get_i18n

from bot.callbacks.admin import AdminMenuCb, AdminSection
from bot.texts import admin as texts
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen


def admin_menu_screen() -> Screen:
    return Screen(str(texts.MENU), _admin_menu(get_i18n().current_locale))


def back_to_admin_button(kb: Keyboard) -> None:
    kb.button(text=str(texts.BACK_TO_ADMIN), callback_data=AdminMenuCb(section=AdminSection.HOME))


def back_to_admin() -> InlineKeyboardMarkup:
    return _back_to_admin(get_i18n().current_locale)


# Fixed within a language: built once per language.
@cache
def _admin_menu(language: str) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for text, section in (
        (texts.SECTION_COURSE, AdminSection.COURSE),
        (texts.SECTION_COURSE_FILE, AdminSection.COURSE_FILE),
        (texts.SECTION_BROADCASTS, AdminSection.BROADCASTS),
        (texts.SECTION_STATS, AdminSection.STATS),
    ):
        kb.button(text=str(text), callback_data=AdminMenuCb(section=section))
    kb.adjust(1)
    return kb.as_markup()


@cache
def _back_to_admin(language: str) -> InlineKeyboardMarkup:
    kb = Keyboard()
    back_to_admin_button(kb)
    return kb.as_markup()
