from __future__ import annotations

from functools import cache

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.i18n import get_i18n

from bot import texts
from bot.callbacks.learner import MenuAction, MenuCb
from bot.texts import review as review_texts
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen


def main_menu(review_due: int | None = None) -> InlineKeyboardMarkup:
    """The menu; with `review_due` (counted by the caller) the Review entry names the count."""
    if review_due is None:
        return _main_menu(get_i18n().current_locale)
    return _build_main_menu(review_due)


def back_to_menu() -> InlineKeyboardMarkup:
    return _back_to_menu(get_i18n().current_locale)


# The two keyboards never change within a language: each is built once per language.
@cache
def _main_menu(language: str) -> InlineKeyboardMarkup:
    return _build_main_menu(None)


def _build_main_menu(review_due: int | None) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(text=str(texts.MENU_CONTINUE), callback_data=MenuCb(action=MenuAction.CONTINUE))
    due = review_due
    # Second: after the lesson to continue, the mistakes to review come first.
    review = review_texts.MENU_REVIEW if due is None else review_texts.menu_review(due)
    kb.button(text=str(review), callback_data=MenuCb(action=MenuAction.REVIEW))
    kb.button(text=str(texts.MENU_COURSES), callback_data=MenuCb(action=MenuAction.COURSES))
    kb.button(text=str(texts.MENU_PROGRESS), callback_data=MenuCb(action=MenuAction.PROGRESS))
    kb.button(
        text=str(texts.MENU_ACHIEVEMENTS), callback_data=MenuCb(action=MenuAction.ACHIEVEMENTS)
    )
    kb.button(text=str(texts.MENU_LEADERBOARD), callback_data=MenuCb(action=MenuAction.LEADERBOARD))
    kb.button(text=str(texts.MENU_SETTINGS), callback_data=MenuCb(action=MenuAction.SETTINGS))
    kb.adjust(1, 1, 2, 2, 1)
    return kb.as_markup()


@cache
def _back_to_menu(language: str) -> InlineKeyboardMarkup:
    kb = Keyboard()
    kb.button(text=str(texts.BACK_TO_MENU), callback_data=MenuCb(action=MenuAction.HOME))
    return kb.as_markup()


def with_menu(text: str) -> Screen:
    """A short notice with the main menu under it."""
    return Screen(text, main_menu())


def main_menu_screen(review_due: int | None = None) -> Screen:
    return Screen(str(texts.MAIN_MENU), main_menu(review_due))
