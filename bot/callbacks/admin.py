"""Callback data of the admin buttons.

Every admin prefix starts with ADMIN_PREFIX: the refusals router answers a non-admin's press
of any of them (forged, or a button forwarded from an admin's chat) without revealing them.
"""

from __future__ import annotations

import enum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from bot.callbacks.learner import DbId, Option

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


class PushKind(enum.StrEnum):
    """What a push confirmation would send."""

    # A copy of the admin's message; the confirmation's `ref` is that message's id.
    COPY = "c"
    # The text of the admin's /broadcast command; `ref` is that command message's id.
    TEXT = "t"
    # A lesson announcement; `ref` is the lesson's id.
    LESSON = "l"


PushRef = Annotated[int, Field(ge=1, le=2**63 - 1)]


class PushConfirmCb(CallbackData, prefix="a_push"):
    """Send (or drop) the push the admin was asked to confirm. Only the chat's latest
    confirmation can be answered, and only once: the pending push is kept in the chat's FSM
    data, and these fields must match it."""

    kind: PushKind
    # A Telegram message id (a BIGINT in the outbox) or a lesson id.
    ref: PushRef
    send: bool


class BroadcastListCb(CallbackData, prefix="a_bcl"):
    """Show the recent broadcasts again, with fresh counts."""


class BroadcastCancelCb(CallbackData, prefix="a_bcx"):
    """Cancel a broadcast still going out: asks first (confirmed=False), then cancels."""

    broadcast_id: DbId
    confirmed: bool = False


class CourseFileAction(enum.StrEnum):
    EXPORT = "exp"
    APPLY = "apply"
    PUBLISH = "pub"
    CANCEL = "cancel"


# bot.services.content.upload.token_of: which previewed file a button applies.
FileToken = Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]


class CourseFileCb(CallbackData, prefix="a_cf"):
    """The course file section's Export, and a previewed file's Apply / Apply and publish /
    Cancel; those name the file they were shown for, so an older preview's button cannot
    apply a newer file."""

    action: CourseFileAction
    token: FileToken | None = None


# Authoring the course from the chat (bot/handlers/admin/authoring/).


class NewModuleCb(CallbackData, prefix="a_nmod"):
    """Start the dialog that creates a module."""


class AuthorModuleCb(CallbackData, prefix="a_mod"):
    module_id: DbId


class ModuleAction(enum.StrEnum):
    ADD_LESSON = "add"
    PUBLISH = "pub"
    UNPUBLISH = "unpub"
    REORDER = "order"
    EDIT_TITLE = "title"
    EDIT_DESCRIPTION = "desc"
    DELETE = "del"
    DELETE_CONFIRMED = "delok"


class ModuleActionCb(CallbackData, prefix="a_modx"):
    module_id: DbId
    action: ModuleAction


class AuthorLessonCb(CallbackData, prefix="a_les"):
    lesson_id: DbId


class LessonAction(enum.StrEnum):
    EDIT_TITLE = "title"
    EDIT_CONTENT = "text"
    EDIT_NUMBERS = "num"
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


class AuthorExerciseCb(CallbackData, prefix="a_exr"):
    """An exercise's screen in its lesson."""

    lesson_id: DbId
    exercise_id: DbId


class ExerciseAction(enum.StrEnum):
    EDIT = "edit"
    DELETE = "del"
    DELETE_CONFIRMED = "delok"


class ExerciseActionCb(CallbackData, prefix="a_exx"):
    lesson_id: DbId
    exercise_id: DbId
    action: ExerciseAction


class DialogAction(enum.StrEnum):
    CANCEL = "cancel"
    SKIP = "skip"
    DEFAULT = "default"
    KEEP = "keep"


class DialogCb(CallbackData, prefix="a_dlg"):
    """Cancel, Skip, "use the default" or Keep (what is being written again keeps its current
    value) in the authoring dialog the chat is in."""

    action: DialogAction


class PickCb(CallbackData, prefix="a_pick"):
    """The right answer of a question being written: an option's index (True is 0, False 1)."""

    index: Option


class PreviewCb(CallbackData, prefix="a_pv"):
    """Every button of a preview: an answer's is graded and explained, the others do nothing;
    none records anything."""

    exercise_id: DbId | None = None
    option: Option | None = None


class PreviewTypeCb(CallbackData, prefix="a_pvt"):
    """A previewed question answered by typing: asks for the answer, then grades it."""

    exercise_id: DbId
