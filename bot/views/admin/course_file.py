"""The course file screens: the section's explanation, a refused file's problems, the preview
of what a file would change with its Apply / Cancel buttons, and the applied report."""

from __future__ import annotations

from collections.abc import Callable

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks.admin import CourseFileAction, CourseFileCb
from bot.services.content.spec import Counts, ImportReport
from bot.services.content.upload import Preview, Stage, UploadProgress
from bot.texts import course_file as texts
from bot.views.admin.menu import back_to_admin, back_to_admin_button
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from bot.views.telegram_length import MESSAGE_LIMIT, clip, html_length

# An author fixes the first problems before the rest matter; the list is also cut to fit.
SHOWN_PROBLEMS = 30
# Likewise for the lessons a warning names: a file rewriting a whole course must still fit.
SHOWN_LOSSES = 20
# Telegram allows file names far longer than a heading needs.
NAME_LIMIT = 64


def _fit(head: list[str], items: list[str], more: Callable[[int], str], total: int) -> str:
    """`head`, then as many of `items` as fit in one message, then `more(n)` naming the n of
    `total` left out, one line each."""
    budget = MESSAGE_LIMIT - html_length("\n".join(head))
    shown: list[str] = []
    used = 0
    for index, item in enumerate(items):
        left = total - index - 1
        # Room for this line, and for the "and N more" line should any come after it.
        cost = 1 + html_length(item)
        reserve = 1 + html_length(more(left)) if left else 0
        if used + cost + reserve > budget:
            break
        shown.append(item)
        used += cost
    lines = [*head, *shown]
    if len(shown) < total:
        lines.append(more(total - len(shown)))
    return "\n".join(lines)


def section_screen() -> Screen:
    kb = Keyboard()
    kb.button(text=str(texts.EXPORT), callback_data=CourseFileCb(action=CourseFileAction.EXPORT))
    back_to_admin_button(kb)
    kb.adjust(1)
    return Screen(str(texts.SECTION), kb.as_markup())


def problems_text(file_name: str, problems: list[str]) -> str:
    shown = [_clip(problem) for problem in problems[:SHOWN_PROBLEMS]]
    text = texts.problems(_clip(file_name, NAME_LIMIT), problems, shown)
    while html_length(text) > MESSAGE_LIMIT and shown:
        # Wide characters (emoji count twice) in long values: fewer lines.
        shown.pop()
        text = texts.problems(_clip(file_name, NAME_LIMIT), problems, shown)
    return text


def clip_name(file_name: str) -> str:
    """A file's name as headings show it."""
    return _clip(file_name, NAME_LIMIT)


def _clip(text: str, limit: int = 120) -> str:
    # A problem quotes the author's value; a long one must not crowd the others out.
    return clip(text, limit)


def _counts(report: ImportReport) -> list[str]:
    def line(kind: str, counts: Counts) -> str:
        return texts.counts_line(kind, counts.created, counts.updated, counts.unchanged)

    exercises = line(str(texts.EXERCISES), report.exercises)
    if report.exercises.deleted:
        exercises += ", " + texts.exercises_removed(report.exercises.deleted)
    return [
        line(str(texts.MODULES), report.modules),
        line(str(texts.LESSONS), report.lessons),
        exercises,
    ]


def preview_screen(file_name: str, preview: Preview, token: str) -> Screen:
    head = [texts.preview_head(_clip(file_name, NAME_LIMIT)), "", *_counts(preview.report)]
    if not preview.report.changed:
        head += ["", str(texts.NO_CHANGES)]
    items: list[str] = []
    if preview.losses:
        head += ["", str(texts.LOSSES_HEAD)]
        items = [
            texts.loss_line(
                _clip(loss.lesson_title, 60),
                _clip(loss.module_slug, 40),
                _clip(loss.lesson_slug, 40),
                loss.exercises,
                loss.answers,
            )
            for loss in preview.losses[:SHOWN_LOSSES]
        ]
    text = _fit(head, items, texts.more_lessons, len(preview.losses))
    return Screen(text, preview_buttons(token))


def preview_buttons(token: str) -> InlineKeyboardMarkup:
    kb = Keyboard()
    for text, action in (
        (texts.APPLY, CourseFileAction.APPLY),
        (texts.APPLY_AND_PUBLISH, CourseFileAction.PUBLISH),
        (texts.CANCEL, CourseFileAction.CANCEL),
    ):
        kb.button(text=str(text), callback_data=CourseFileCb(action=action, token=token))
    kb.adjust(1)
    return kb.as_markup()


def applied_screen(file_name: str, report: ImportReport, *, published: bool) -> Screen:
    lines = [texts.applied_head(_clip(file_name, NAME_LIMIT), published), "", *_counts(report)]
    if not report.changed:
        lines += ["", str(texts.NOTHING_CHANGED)]
    elif not published and (report.modules.created or report.lessons.created):
        lines += ["", str(texts.APPLIED_UNPUBLISHED_NOTE)]
    return Screen("\n".join(lines), back_to_admin())


def note_screen(text: str) -> Screen:
    return Screen(text, back_to_admin())


def text_screen(text: str) -> Screen:
    """A message without buttons: a step of a long check or import, or why a file was refused."""
    return Screen(text)


def progress_screen(file_name: str, progress: UploadProgress) -> Screen:
    """How far a file's check or import has come (`file_name` as clip_name gives it)."""
    if progress.stage is Stage.APPLYING:
        return text_screen(texts.applying_progress(file_name, progress.done, progress.total))
    if progress.stage is Stage.CHECKING:
        return text_screen(texts.checking_progress(file_name, progress.done, progress.total))
    return text_screen(texts.reading_progress(file_name, progress.done))
