"""The texts of authoring the course from the chat: modules, lessons, exercises, previews; the
dialogs' questions and the problems with a typed value are in `steps`, and read from here too."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext

from bot.texts import _, _decimal, _percent, esc

# Buttons
NEW_MODULE = __("➕ New module")
ADD_LESSON = __("➕ Add lesson")
PUBLISH_MODULE = __("👁 Publish module")
UNPUBLISH_MODULE = __("🙈 Unpublish module")
REORDER = __("↕️ Reorder lessons")
BACK_TO_MODULES = __("⬅️ Modules")
BACK_TO_MODULE = __("⬅️ Back to module")
BACK_TO_LESSON = __("⬅️ Back to lesson")
EDIT_TITLE = __("✏️ Edit title")
EDIT_CONTENT = __("📝 Edit text")
EDIT_DESCRIPTION = __("📝 Edit description")
EDIT_NUMBERS = __("🔢 Minutes, XP, pass mark")
EDIT_EXERCISE = __("✏️ Write it again")
ADD_EXERCISE = __("➕ Add exercise")
PREVIEW = __("👀 Preview")
PUBLISH_LESSON = __("👁 Publish")
UNPUBLISH_LESSON = __("🙈 Unpublish")
MOVE_UP = __("⬆️ Move up")
MOVE_DOWN = __("⬇️ Move down")
DELETE = __("🗑 Delete")
DELETE_CONFIRM = __("Yes, delete")
DELETE_KEEP = __("No, keep it")
ANNOUNCE = __("📣 Announce to learners")
CANCEL = __("✖️ Cancel")
SKIP = __("⏭ Skip")
# TRANSLATORS: keeps the value a step shows, in an edit of a module, a lesson or an exercise.
KEEP = __("↩️ Keep as it is")
KIND_MULTIPLE_CHOICE = __("🔘 Multiple choice")
KIND_TRUE_FALSE = __("✔️ True or false")
KIND_SHORT_ANSWER = __("⌨️ Short answer")
UP_MARK = "⬆️"
DOWN_MARK = "⬇️"
PUBLISHED_MARK = "✅"
DRAFT_MARK = "📝"


def use_default(value: int) -> str:
    return _("Use {value}").format(value=_decimal(value))


# Screens
MODULES_TITLE = __("📚 <b>Modules and lessons</b>")
NO_MODULES = __("There are no modules yet: create the first one.")
PUBLISHED = __("✅ Published")
DRAFT = __("📝 Draft: learners don't see it")
NO_LESSONS = __("No lessons yet.")
NO_EXERCISES = __("No exercises: learners mark the lesson as done after reading it.")
EXERCISES_HEADING = __("<b>Exercises</b>")
MODULE_IS_DRAFT = __(
    "⚠️ The module is a draft: learners see none of its lessons until it is published."
)
REORDER_HINT = __("Press ⬆️ or ⬇️ beside a lesson to move it.")
CHOOSE_KIND = __("Which kind of exercise?")
PREVIEW_HEADER = __(
    "👀 <b>Preview</b>: this is what a learner sees. Answer its questions to try them: "
    "nothing is recorded."
)
PREVIEW_PRESSED = __("This is a preview: only its answers do something.")
PREVIEW_NOT_RECORDED = __("👀 Preview: nothing was recorded.")
PREVIEW_TYPE_ANSWER = __("✍️ Type an answer")
EDIT_EXERCISE_HINT = __(
    "Writing it again asks every step of its kind anew; it keeps its place in the lesson."
)
PREVIEW_END = __("👀 End of the preview.")


def module_line(
    published: bool, title: str, slug: str, lessons: int, published_lessons: int
) -> str:
    mark = PUBLISHED_MARK if published else DRAFT_MARK
    counts = ngettext(
        "{published} of {total} lesson published",
        "{published} of {total} lessons published",
        lessons,
    ).format(published=_decimal(published_lessons), total=_decimal(lessons))
    return f"{mark} <b>{esc(title)}</b> · <code>{esc(slug)}</code>\n    {counts}"


def module_heading(title: str, slug: str) -> str:
    return f"📘 <b>{esc(title)}</b> · <code>{esc(slug)}</code>"


def lesson_line(number: int, published: bool, title: str, exercises: int) -> str:
    mark = PUBLISHED_MARK if published else DRAFT_MARK
    count = ngettext("{n} exercise", "{n} exercises", exercises).format(n=_decimal(exercises))
    return f"{number}. {mark} {esc(title)} · {count}"


def lesson_button(number: int, published: bool, title: str) -> str:
    return f"{number}. {PUBLISHED_MARK if published else DRAFT_MARK} {title}"


def reorder_heading(title: str) -> str:
    return _("↕️ <b>Order of lessons in {title}</b>").format(title=esc(title))


def lesson_heading(title: str) -> str:
    return f"📖 <b>{esc(title)}</b>"


def lesson_module(title: str) -> str:
    return _("Module: {title}").format(title=esc(title))


def lesson_place(slug: str, position: int, total: int) -> str:
    return _("Slug <code>{slug}</code> · lesson {position} of {total}").format(
        slug=esc(slug), position=_decimal(position), total=_decimal(total)
    )


def lesson_numbers(minutes: int | None, xp: int, pass_score: int) -> str:
    parts = []
    if minutes is not None:
        parts.append("⏱ " + _("{minutes} min").format(minutes=_decimal(minutes)))
    parts.append(_("⭐ {xp} XP").format(xp=_decimal(xp)))
    parts.append(_("pass mark {score}").format(score=_percent(pass_score)))
    return " · ".join(parts)


def exercise_line(number: int, kind_label: str, prompt: str, answer: str) -> str:
    short = prompt if len(prompt) <= 80 else prompt[:79] + "…"
    return _("{number}. {kind}: {prompt} (answer: {answer})").format(
        number=_decimal(number), kind=kind_label, prompt=esc(short), answer=esc(answer)
    )


KIND_NAMES = {
    "multiple_choice": __("multiple choice"),
    "true_false": __("true or false"),
    "short_answer": __("short answer"),
}


def exercise_button(number: int) -> str:
    return f"✏️ {_decimal(number)}"


def exercise_heading(number: int, kind_label: str) -> str:
    return _("<b>Exercise {number}</b> · {kind}").format(number=_decimal(number), kind=kind_label)


def option_line(option: str, right: bool) -> str:
    return f"{PUBLISHED_MARK if right else '▫️'} {esc(option)}"


def answer_line(answer: str) -> str:
    return _("Answer: {answer}").format(answer=esc(answer))


def explanation_line(explanation: str) -> str:
    return f"💡 {esc(explanation)}"


def confirm_delete_module(title: str, lessons: int) -> str:
    count = ngettext("{n} lesson", "{n} lessons", lessons).format(n=_decimal(lessons))
    return _(
        "Delete the module <b>{title}</b> and its {count}? Learners will no longer see them. "
        "Their progress is kept, and a course file with its slug brings it back."
    ).format(title=esc(title), count=count)


def confirm_delete_exercise(number: int, title: str) -> str:
    return _(
        "Delete exercise {number} of <b>{title}</b>? Learners' answers to it are deleted with it."
    ).format(number=_decimal(number), title=esc(title))


def confirm_delete(title: str) -> str:
    return _(
        "Delete <b>{title}</b>? Learners will no longer see it. Their progress on it is kept, "
        "and a course file with its slug brings it back."
    ).format(title=esc(title))


# What a press did (shown as a notice on the button)
MODULE_PUBLISHED = __("Module published: learners see its published lessons.")
MODULE_UNPUBLISHED = __("Module unpublished: learners no longer see it.")
LESSON_PUBLISHED = __("Lesson published: learners see it now.")
LESSON_PUBLISHED_IN_DRAFT = __("Lesson published; learners see it once its module is published.")
LESSON_UNPUBLISHED = __("Lesson unpublished: learners no longer see it.")
LESSON_DELETED = __("Lesson deleted. Learners' progress on it is kept.")
MODULE_DELETED = __("Module deleted. Learners' progress on it is kept.")
EXERCISE_DELETED = __("Exercise deleted.")
AT_THE_EDGE = __("It is already there.")
GONE = __("That lesson or module no longer exists. Here are the modules.")
CANCELLED = __("Cancelled: nothing was saved.")
NOTHING_TO_CANCEL = __("There's nothing to cancel.")
NOT_THIS_STEP = __("That button belongs to another step.")
RETIRED_DIALOG = __(
    "This dialog was begun before the bot was updated and cannot go on. Nothing was saved: "
    "please start it again from /admin."
)
SAVED = __("✅ Saved.")
EXERCISE_ADDED = __("✅ Exercise added.")


def module_created(title: str, slug: str) -> str:
    return _(
        "✅ Module <b>{title}</b> created as a draft: add lessons, then publish it. "
        "Its slug is <code>{slug}</code>, made from the title."
    ).format(title=esc(title), slug=esc(slug))


def lesson_created(title: str, slug: str, base: str) -> str:
    if slug == base:
        made = _("Its slug is <code>{slug}</code>, made from the title.").format(slug=esc(slug))
    else:
        made = _(
            "Its slug is <code>{slug}</code>: made from the title, with a number added because "
            "<code>{base}</code> was already used in this module."
        ).format(slug=esc(slug), base=esc(base))
    head = _("✅ Lesson <b>{title}</b> added as a draft at the end of the module.").format(
        title=esc(title)
    )
    return f"{head}\n{made}"


# The dialogs' questions and the problems with a typed value, read from here as the rest.
from bot.texts.authoring.steps import *  # noqa: E402, F403
