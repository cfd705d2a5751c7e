"""Callback data of every inline button. Short prefixes: Telegram allows 64 bytes."""

from __future__ import annotations

import enum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from db.enums import LeaderboardPeriod

# Callback data comes from the client and can be forged. Bounds make the filter refuse what no
# button of ours carries (the fallback then answers), instead of a handler passing 2**70 to the
# database (OverflowError on SQLite) or calling lesson -1 "no longer available".
# Ids and run numbers fit our 32-bit signed INT columns; a keyboard holds at most 100 buttons.
DbId = Annotated[int, Field(ge=1, le=2**31 - 1)]
Page = Annotated[int, Field(ge=0, le=999)]
Option = Annotated[int, Field(ge=0, le=99)]


class MenuAction(enum.StrEnum):
    HOME = "home"
    CONTINUE = "continue"
    COURSES = "courses"
    PROGRESS = "progress"
    ACHIEVEMENTS = "achievements"
    LEADERBOARD = "leaderboard"
    SETTINGS = "settings"


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
