"""Callback data of every inline button. Short prefixes: Telegram allows 64 bytes."""

from __future__ import annotations

import enum

from aiogram.filters.callback_data import CallbackData


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
    module_id: int


class LessonCb(CallbackData, prefix="les"):
    lesson_id: int
    page: int = 0


class RunCb(CallbackData, prefix="run"):
    """Start (or resume) the lesson's exercises."""

    lesson_id: int


class AnswerCb(CallbackData, prefix="ans"):
    lesson_id: int
    run: int
    exercise_id: int
    option: int


class StopRunCb(CallbackData, prefix="stop"):
    lesson_id: int


class DoneCb(CallbackData, prefix="done"):
    lesson_id: int


class ResetCb(CallbackData, prefix="rst"):
    lesson_id: int
    confirmed: bool = False
