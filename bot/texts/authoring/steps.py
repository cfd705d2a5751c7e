"""What an authoring dialog asks, step by step, and the problems with a typed value (the step is
asked again after them)."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

from bot.texts import _, _decimal, esc


# Dialog steps: each names what it accepts.
def step(number: int, total: int) -> str:
    return _("Step {number} of {total}").format(number=_decimal(number), total=_decimal(total))


def new_module_title(max_len: int) -> str:
    return _(
        "<b>New module.</b> Send its title, at most {max} characters. Its slug, which names the "
        "module in course files, is made from the title."
    ).format(max=_decimal(max_len))


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


def _between(text: str, minimum: int, maximum: int) -> str:
    return text.format(min=_decimal(minimum), max=_decimal(maximum))


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


def xp_question(minimum: int, maximum: int) -> str:
    text = _("How much XP does completing it give? A whole number from {min} to {max}.")
    return _between(text, minimum, maximum)


def pass_score_question(minimum: int, maximum: int) -> str:
    text = _("Which score in percent passes it? A whole number from {min} to {max}.")
    return _between(text, minimum, maximum)


# Renaming says what is renamed: other languages name the kind where English need not.
def edit_module_title_prompt(title: str, max_len: int) -> str:
    return _("Send the new title of the module <b>{title}</b>, at most {max} characters.").format(
        title=esc(title), max=_decimal(max_len)
    )


def edit_lesson_title_prompt(title: str, max_len: int) -> str:
    return _("Send the new title of the lesson <b>{title}</b>, at most {max} characters.").format(
        title=esc(title), max=_decimal(max_len)
    )


def edit_description_prompt(title: str) -> str:
    return _("Send the new description of <b>{title}</b>, or press Skip to have none.").format(
        title=esc(title)
    )


def edit_numbers(title: str) -> str:
    return _("<b>Minutes, XP and pass mark of {title}.</b>").format(title=esc(title))


def edit_exercise(lesson_title: str, kind: str, number: int) -> str:
    return _("<b>Exercise {number} of {title}, {kind}, written again.</b>").format(
        number=_decimal(number), kind=kind, title=esc(lesson_title)
    )


def edit_content_prompt(title: str, current_sent: bool) -> str:
    """`current_sent`: the current text went out before this question (not when it is empty or
    longer than one message); the question may be asked again later, further below it."""
    if current_sent:
        text = _(
            "Send the new text of <b>{title}</b>. Its current text was sent above, to copy and "
            "change."
        )
    else:
        text = _("Send the new text of <b>{title}</b>.")
    return text.format(title=esc(title))


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


# Writing an exercise again: each step shows what it has now.
def current_value(value: str) -> str:
    return _("Now:\n{value}\nPress “Keep as it is” or send a new one.").format(value=value)


def current_choice(label: str) -> str:
    # TRANSLATORS: the button of the choice an exercise being written again has now.
    return _("{label} (now)").format(label=label)


def choice_gone(value: str) -> str:
    return _("The right option was {value}, which is no longer among the options.").format(
        value=esc(value)
    )


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
    return _between(_("Please send a whole number from {min} to {max}."), minimum, maximum)


def options_count(minimum: int, maximum: int) -> str:
    return _between(_("Send from {min} to {max} options, one per line."), minimum, maximum)


def duplicate_option(option: str) -> str:
    return _("The option {option} is there twice: options must differ.").format(option=esc(option))


TEXT_ONLY = __("Please send text.")
PRESS_A_BUTTON = __("Please press one of the buttons.")
IN_A_DIALOG = __("You are in the middle of writing: send what is asked, or /cancel.")


def preview_answer_prompt(prompt: str) -> str:
    return _("👀 Type your answer to <i>{prompt}</i> as a learner would.").format(
        prompt=esc(prompt)
    )
