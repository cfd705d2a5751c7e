"""Callback data of the admin buttons.

Every admin prefix starts with ADMIN_PREFIX: the refusals router answers a non-admin's press
of any of them (forged, or a button forwarded from an admin's chat) without revealing them.
"""

from __future__ import annotations

import enum

from aiogram.filters.callback_data import CallbackData

from bot.callbacks import DbId, Option

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


# Authoring the course from the chat (bot/handlers/admin/authoring_*.py).


class NewModuleCb(CallbackData, prefix="a_nmod"):
    """Start the dialog that creates a module."""


class AuthorModuleCb(CallbackData, prefix="a_mod"):
    module_id: DbId


class ModuleAction(enum.StrEnum):
    ADD_LESSON = "add"
    PUBLISH = "pub"
    UNPUBLISH = "unpub"
    REORDER = "order"


class ModuleActionCb(CallbackData, prefix="a_modx"):
    module_id: DbId
    action: ModuleAction


class AuthorLessonCb(CallbackData, prefix="a_les"):
    lesson_id: DbId


class LessonAction(enum.StrEnum):
    EDIT_TITLE = "title"
    EDIT_CONTENT = "text"
    ADD_EXERCISE = "ex"
    PREVIEW = "view"
    PUBLISH = "pub"
    UNPUBLISH = "unpub"
    DELETE = "del"
    DELETE_CONFIRMED = "delok"


class LessonActionCb(CallbackData, prefix="a_lesx"):
    lesson_id: DbId
    action: LessonAction


class MoveTo(enum.StrEnum):
    """Where a move is pressed from, so the same screen comes back."""

    LESSON = "les"
    REORDER = "order"


class MoveLessonCb(CallbackData, prefix="a_mv"):
    lesson_id: DbId
    up: bool
    screen: MoveTo


class ExerciseKind(enum.StrEnum):
    MULTIPLE_CHOICE = "mc"
    TRUE_FALSE = "tf"
    SHORT_ANSWER = "sa"


class NewExerciseCb(CallbackData, prefix="a_nex"):
    lesson_id: DbId
    kind: ExerciseKind


class DialogAction(enum.StrEnum):
    CANCEL = "cancel"
    SKIP = "skip"
    DEFAULT = "default"


class DialogCb(CallbackData, prefix="a_dlg"):
    """Cancel, Skip or "use the default" in the authoring dialog the chat is in."""

    action: DialogAction


class PickCb(CallbackData, prefix="a_pick"):
    """The right answer of a question being written: an option's index (True is 0, False 1)."""

    index: Option


class PreviewCb(CallbackData, prefix="a_pv"):
    """Every button of a preview: pressing it records nothing."""
