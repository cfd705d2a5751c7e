"""The course file screens: the section's explanation, a refused file's problems, the preview
of what a file would change with its Apply / Cancel buttons, and the applied report."""

from __future__ import annotations

from bot.admin_callbacks import CourseFileAction, CourseFileCb
from bot.services.content.importer import Counts, ImportReport
from bot.services.content.upload import Preview
from bot.texts import course_file as texts
from bot.views.admin.menu import back_to_admin, back_to_admin_button
from bot.views.keyboard import Keyboard
from bot.views.screen import Screen
from bot.views.telegram_length import clip

# Telegram's message limit is 4096 characters: 30 problems of a course file fit with room to
# spare, and an author fixes the first ones before the rest matter.
SHOWN_PROBLEMS = 30
# Likewise for the lessons a warning names: a file rewriting a whole course must still fit.
SHOWN_LOSSES = 20
# Telegram allows file names far longer than a heading needs.
NAME_LIMIT = 64


def section_screen() -> Screen:
    kb = Keyboard()
    kb.button(text=str(texts.EXPORT), callback_data=CourseFileCb(action=CourseFileAction.EXPORT))
    back_to_admin_button(kb)
    kb.adjust(1)
    return Screen(str(texts.SECTION), kb.as_markup())


def problems_text(file_name: str, problems: list[str]) -> str:
    shown = [_clip(problem) for problem in problems[:SHOWN_PROBLEMS]]
    return texts.problems(_clip(file_name, NAME_LIMIT), problems, shown)


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
    lines = [texts.preview_head(_clip(file_name, NAME_LIMIT)), "", *_counts(preview.report)]
    if not preview.report.changed:
        lines += ["", str(texts.NO_CHANGES)]
    if preview.losses:
        lines += ["", str(texts.LOSSES_HEAD)]
        lines += [
            texts.loss_line(
                _clip(loss.lesson_title, 60),
                loss.module_slug,
                loss.lesson_slug,
                loss.exercises,
                loss.answers,
            )
            for loss in preview.losses[:SHOWN_LOSSES]
        ]
        if len(preview.losses) > SHOWN_LOSSES:
            lines.append(texts.more_lessons(len(preview.losses) - SHOWN_LOSSES))
    kb = Keyboard()
    for text, action in (
        (texts.APPLY, CourseFileAction.APPLY),
        (texts.APPLY_AND_PUBLISH, CourseFileAction.PUBLISH),
        (texts.CANCEL, CourseFileAction.CANCEL),
    ):
        kb.button(text=str(text), callback_data=CourseFileCb(action=action, token=token))
    kb.adjust(1)
    return Screen("\n".join(lines), kb.as_markup())


def applied_screen(file_name: str, report: ImportReport, *, published: bool) -> Screen:
    lines = [texts.applied_head(_clip(file_name, NAME_LIMIT), published), "", *_counts(report)]
    if not report.changed:
        lines += ["", str(texts.NOTHING_CHANGED)]
    elif not published and (report.modules.created or report.lessons.created):
        lines += ["", str(texts.APPLIED_UNPUBLISHED_NOTE)]
    return Screen("\n".join(lines), back_to_admin())


def note_screen(text: str) -> Screen:
    return Screen(text, back_to_admin())
