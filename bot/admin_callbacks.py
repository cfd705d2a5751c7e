"""Callback data of the admin buttons.

Every admin prefix starts with ADMIN_PREFIX: the refusals router answers a non-admin's press
of any of them (forged, or a button forwarded from an admin's chat) without revealing them.
"""

from __future__ import annotations

import enum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import DbId

ADMIN_PREFIX = "a_"


class AdminSection(enum.StrEnum):
    HOME = "home"
    COURSE = "course"
    COURSE_FILE = "file"
    BROADCASTS = "bc"
    STATS = "stats"


class AdminMenuCb(CallbackData, prefix="a_menu"):
    section: AdminSection


class AnnounceLessonCb(CallbackData, prefix="a_ann"):
    """ "Announce to learners", offered when a lesson is published: asks to confirm, then pushes
    the lesson with a "Start lesson" button to every active learner."""

    lesson_id: DbId
