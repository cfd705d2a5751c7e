"""Callback data of every inline button. Short prefixes: Telegram allows 64 bytes."""

from __future__ import annotations

import enum
from typing import Annotated, Literal

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.services.review import SESSION_CARDS
from bot.services.settings import HOURS
from bot.services.timezones import ZONES
from db.enums import LeaderboardPeriod

# Callback data comes from the client and can be forged. Bounds make the filter refuse what no
# button of ours carries (the fallback then answers), instead of a handler passing 2**70 to the
# database (OverflowError on SQLite) or calling lesson -1 "no longer available".
# Ids and run numbers fit our 32-bit signed INT columns; a keyboard holds at most 100 buttons.
DbId = Annotated[int, Field(ge=1, le=2**31 - 1)]
Page = Annotated[int, Field(ge=0, le=999)]
Option = Annotated[int, Field(ge=0, le=99)]
ZoneIndex = Annotated[int, Field(ge=0, le=len(ZONES) - 1)]
Hour = Annotated[int, Field(ge=HOURS.start, le=HOURS.stop - 1)]
# The languages the bot speaks (bot.services.learners.LANGUAGES; a test keeps them equal).
LanguageCode = Literal["en", "ru"]


class MenuAction(enum.StrEnum):
    HOME = "home"
    CONTINUE = "continue"
    COURSES = "courses"
    PROGRESS = "progress"
    ACHIEVEMENTS = "achievements"
    LEADERBOARD = "leaderboard"
    SETTINGS = "settings"
    REVIEW = "review"


class MenuCb(CallbackData, prefix="m"):
    action: MenuAction


class ModuleCb(CallbackData, prefix="mod"):
    module_id: DbId


class LessonCb(CallbackData, prefix="les"):
    lesson_id: DbId
    page: Page = 0


class RunCb(CallbackData, prefix="run"):
    """Start (or resume) the lesson's exercises."""

    lesson_id: DbId


class AnswerCb(CallbackData, prefix="ans"):
    lesson_id: DbId
    run: DbId
    exercise_id: DbId
    option: Option


class StopRunCb(CallbackData, prefix="stop"):
    lesson_id: DbId


class DoneCb(CallbackData, prefix="done"):
    lesson_id: DbId


class ResetCb(CallbackData, prefix="rst"):
    lesson_id: DbId
    confirmed: bool = False


class LeaderboardCb(CallbackData, prefix="lb"):
    period: LeaderboardPeriod


class SettingsAction(enum.StrEnum):
    SHOW = "show"
    TIMEZONE = "tz"
    OFFSETS = "off"
    TYPE_ZONE = "type"
    LANGUAGE = "lang"
    REMINDER = "rem"
    DELETE = "del"
    DELETE_CONFIRMED = "delok"


class SettingsCb(CallbackData, prefix="set"):
    action: SettingsAction


class ZoneCb(CallbackData, prefix="tz"):
    """A zone of bot.services.timezones.ZONES, by index."""

    zone: ZoneIndex


class LanguageCb(CallbackData, prefix="lang"):
    language: LanguageCode


class ReminderCb(CallbackData, prefix="rem"):
    enabled: bool


class ReminderHourCb(CallbackData, prefix="rh"):
    hour: Hour


# A card's count of reviews, and a review session's count of cards answered so far.
Reviews = Annotated[int, Field(ge=0, le=2**31 - 1)]
SessionCount = Annotated[int, Field(ge=0, le=SESSION_CARDS)]


class ReviewCb(CallbackData, prefix="rv"):
    """An option of a review question. `seen` is the card's review count when it was asked (a
    press after the card was answered is stale); `done` and `right` count the session so far."""

    card_id: DbId
    seen: Reviews
    done: SessionCount
    right: SessionCount
    option: Option
