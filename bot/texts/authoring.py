"""The texts of authoring the course from the chat: modules, lessons, exercises, previews."""

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
PREVIEW_HEADER = __("👀 <b>Preview</b>: this is what a learner sees. Its buttons do nothing here.")
PREVIEW_PRESSED = __("This is a preview: its buttons do nothing.")
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
AT_THE_EDGE = __("It is already there.")
GONE = __("That lesson or module no longer exists. Here are the modules.")
CANCELLED = __("Cancelled: nothing was saved.")
NOTHING_TO_CANCEL = __("There's nothing to cancel.")
NOT_THIS_STEP = __("That button belongs to another step.")
SAVED = __("✅ Saved.")
EXERCISE_ADDED = __("✅ Exercise added.")


def module_created(title: str) -> str:
    return _("✅ Module <b>{title}</b> created as a draft: add lessons, then publish it.").format(
        title=esc(title)
    )


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


# Dialog steps: each names what it accepts.
def step(number: int, total: int) -> str:
    return _("Step {number} of {total}").format(number=_decimal(number), total=_decimal(total))


def new_module_slug(max_len: int) -> str:
    return _(
        "<b>New module.</b> Send its slug: lowercase Latin letters, digits and hyphens, like "
        "<code>python-basics</code>, at most {max} characters. It names the module in course "
        "files and cannot be changed later."
    ).format(max=_decimal(max_len))


def title_prompt(max_len: int) -> str:
    return _("Send the title, at most {max} characters.").format(max=_decimal(max_len))


DESCRIPTION_PROMPT = __("Send a short description of the module, or press Skip.")


def new_lesson_title(module_title: str, max_len: int) -> str:
    return _("<b>New lesson in {module}.</b> Send its title, at most {max} characters.").format(
        module=esc(module_title), max=_decimal(max_len)
    )


def content_prompt(max_len: int) -> str:
    return _(
        "Send the lesson's text, at most {max} characters. Markdown as plain text: "
        "**bold**, *italic*, `code`, ``` code blocks (each closed by a ``` line), "
        "# headings, - lists, [links](https://...). Long texts are split into pages."
    ).format(max=_decimal(max_len))


def minutes_prompt(minimum: int, maximum: int) -> str:
    return _(
        "How many minutes does it take to read? A whole number from {min} to {max}, or press Skip."
    ).format(min=_decimal(minimum), max=_decimal(maximum))


def xp_prompt(minimum: int, maximum: int, default: int) -> str:
    return _(
        "How much XP does completing it give? A whole number from {min} to {max}, "
        "or press Use {default}."
    ).format(min=_decimal(minimum), max=_decimal(maximum), default=_decimal(default))


def pass_score_prompt(minimum: int, maximum: int, default: int) -> str:
    return _(
        "Which score in percent passes it? A whole number from {min} to {max}, "
        "or press Use {default}."
    ).format(min=_decimal(minimum), max=_decimal(maximum), default=_decimal(default))


def edit_title_prompt(title: str, max_len: int) -> str:
    return _("Send the new title of <b>{title}</b>, at most {max} characters.").format(
        title=esc(title), max=_decimal(max_len)
    )


def edit_content_prompt(title: str) -> str:
    return _(
        "Send the new text of <b>{title}</b>. Its current text follows, to copy and change."
    ).format(title=esc(title))


def new_exercise(lesson_title: str, kind: str) -> str:
    return _("<b>New {kind} exercise in {title}.</b>").format(kind=kind, title=esc(lesson_title))


PROMPT_PROMPT = __("Send the question.")


def options_prompt(minimum: int, maximum: int) -> str:
    return _("Send the options, one per line: {min} to {max}, no two the same.").format(
        min=_decimal(minimum), max=_decimal(maximum)
    )


PICK_OPTION = __("Which option is right? Press it.")
PICK_TRUE_FALSE = __("Is the statement true or false?")
ANSWERS_PROMPT = __("Send the accepted answers, one per line. Extra spaces don't matter.")
PICK_CASE = __("Does letter case matter in the answer?")
CASE_IGNORED = __("Aa = aa: ignore case")
CASE_MATTERS = __("Aa ≠ aa: case matters")
# TRANSLATORS: after a short answer's accepted texts in the lesson's list of exercises.
CASE_SENSITIVE_MARK = __("(case matters)")
EXPLANATION_PROMPT = __("Send an explanation learners see after answering, or press Skip.")


# Problems with a typed value; the step is asked again after them.
EMPTY = __("That is empty.")


def too_long(maximum: int) -> str:
    return _("That is too long: at most {max} characters.").format(max=_decimal(maximum))


SLUG_SHAPE = __(
    "A slug has lowercase Latin letters, digits and hyphens only, and starts with a letter or "
    "digit, like <code>python-basics</code>."
)


def slug_taken(slug: str) -> str:
    return _(
        "The slug <code>{slug}</code> is taken by another module (deleted ones keep theirs). "
        "Choose another."
    ).format(slug=esc(slug))


def unclosed_fence(line: int) -> str:
    return _(
        "The ``` code block opened on line {line} is never closed: add a line with ``` after it."
    ).format(line=_decimal(line))


def not_in_range(minimum: int, maximum: int) -> str:
    return _("Please send a whole number from {min} to {max}.").format(
        min=_decimal(minimum), max=_decimal(maximum)
    )


def options_count(minimum: int, maximum: int) -> str:
    return _("Send from {min} to {max} options, one per line.").format(
        min=_decimal(minimum), max=_decimal(maximum)
    )


def duplicate_option(option: str) -> str:
    return _("The option {option} is there twice: options must differ.").format(option=esc(option))


TEXT_ONLY = __("Please send text.")
PRESS_A_BUTTON = __("Please press one of the buttons.")
IN_A_DIALOG = __("You are in the middle of writing: send what is asked, or /cancel.")
