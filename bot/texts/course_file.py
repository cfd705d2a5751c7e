"""The texts of the admin's course file upload and export.

The validator's problems (`lessons[2].exercises[0].answer: not one of options`) are shown as
the validator writes them, in English: they name keys of the file, which are English whatever
the admin reads, and `learnbot content import` prints the same lines.
"""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext

from bot.texts import _, _decimal, esc

SECTION = __(
    "📄 <b>Course file</b>\n\n"
    "To add or update modules, send me a course file: a YAML document (<code>.yaml</code> or "
    "<code>.yml</code>, up to 1 MB) in the format <code>learnbot content export</code> writes. "
    "I check the whole file first and show what it would change; nothing is written until "
    "you confirm. Modules and lessons are matched by slug, so learners keep their progress.\n\n"
    "<b>Export</b> sends the whole course as such a file: a good start for editing."
)
EXPORT = __("⬇️ Export")
APPLY = __("✅ Apply")
APPLY_AND_PUBLISH = __("✅ Apply and publish")
CANCEL = __("✖️ Cancel")
COURSE_EMPTY = __("📄 The course is empty: there is nothing to export yet.")
EXPORT_CAPTION = __("📄 The whole course as a course file.")
NOT_YAML = __(
    "📄 That doesn't look like a course file: send a YAML document whose name ends in "
    "<code>.yaml</code> or <code>.yml</code>."
)
TOO_LARGE = __("📄 That file is too large: a course file may be at most 1 MB.")
NOT_TEXT = __("📄 That file is not text (it is not UTF-8): send the YAML course file itself.")
DOWNLOAD_FAILED = __("📄 I couldn't download that file from Telegram. Please send it again.")
NOTHING_PENDING = __("There is no course file waiting: send the file again.")
CANCELLED = __("✖️ Cancelled: nothing was changed.")
NO_CHANGES = __("Nothing would change: the course already matches this file.")
NOTHING_CHANGED = __("Nothing changed: the course already matched this file.")
LOSSES_HEAD = __(
    "⚠️ <b>Warning:</b> learners have answered exercises that this file removes or replaces "
    "with other questions. Their answers will be deleted or no longer match:"
)
# TRANSLATORS: an applied file's new lessons are unpublished until someone publishes them.
APPLIED_UNPUBLISHED_NOTE = __("New modules and lessons stay unpublished until you publish them.")


def problems(file_name: str, found: list[str], shown: list[str]) -> str:
    head = ngettext(
        "❌ <b>{name}</b> was not imported: it has {count} problem. Nothing was changed.",
        "❌ <b>{name}</b> was not imported: it has {count} problems. Nothing was changed.",
        len(found),
    ).format(name=esc(file_name), count=_decimal(len(found)))
    lines = [head, ""] + [f"• <code>{esc(problem)}</code>" for problem in shown]
    more = len(found) - len(shown)
    if more:
        lines.append(
            ngettext("…and {count} more problem.", "…and {count} more problems.", more).format(
                count=_decimal(more)
            )
        )
    return "\n".join(lines)


def preview_head(file_name: str) -> str:
    return _("📄 <b>{name}</b> is valid. Applying it would change:").format(name=esc(file_name))


def counts_line(kind: str, created: int, updated: int, unchanged: int) -> str:
    return _("{kind}: {created} new, {updated} changed, {unchanged} unchanged").format(
        kind=kind,
        created=_decimal(created),
        updated=_decimal(updated),
        unchanged=_decimal(unchanged),
    )


def exercises_removed(count: int) -> str:
    return ngettext("{count} exercise removed", "{count} exercises removed", count).format(
        count=_decimal(count)
    )


MODULES = __("Modules")
LESSONS = __("Lessons")
EXERCISES = __("Exercises")


def loss_line(title: str, module_slug: str, lesson_slug: str, exercises: int, answers: int) -> str:
    return _(
        "• {title} ({module}/{lesson}): answered exercises: {exercises}, learners' answers: "
        "{answers}"
    ).format(
        title=esc(title),
        module=esc(module_slug),
        lesson=esc(lesson_slug),
        exercises=_decimal(exercises),
        answers=_decimal(answers),
    )


def more_lessons(count: int) -> str:
    return ngettext("…and {count} more lesson.", "…and {count} more lessons.", count).format(
        count=_decimal(count)
    )


def applied_head(file_name: str, published: bool) -> str:
    if published:
        return _("✅ <b>{name}</b> is applied and published:").format(name=esc(file_name))
    return _("✅ <b>{name}</b> is applied:").format(name=esc(file_name))


def checking(file_name: str) -> str:
    return _("📄 Checking <b>{name}</b>…").format(name=esc(file_name))


def reading_progress(file_name: str, read: int) -> str:
    return ngettext(
        "📄 Checking <b>{name}</b>… {count} module read",
        "📄 Checking <b>{name}</b>… {count} modules read",
        read,
    ).format(name=esc(file_name), count=_decimal(read))


def checking_progress(file_name: str, done: int, total: int) -> str:
    return ngettext(
        "📄 Checking <b>{name}</b>… {done} of {total} module",
        "📄 Checking <b>{name}</b>… {done} of {total} modules",
        total,
    ).format(name=esc(file_name), done=_decimal(done), total=_decimal(total))


def applying_progress(file_name: str, done: int, total: int) -> str:
    return ngettext(
        "⏳ Applying <b>{name}</b>… {done} of {total} module",
        "⏳ Applying <b>{name}</b>… {done} of {total} modules",
        total,
    ).format(name=esc(file_name), done=_decimal(done), total=_decimal(total))


def too_big_to_check(file_name: str) -> str:
    return _(
        "📄 <b>{name}</b> is too big to check in time. Nothing was changed: split it into "
        "smaller files and send them one by one."
    ).format(name=esc(file_name))


def too_big_to_apply(file_name: str) -> str:
    return _(
        "⏳ <b>{name}</b> took too long to apply, so nothing was changed. You can try again, "
        "or split it into smaller files."
    ).format(name=esc(file_name))


def check_interrupted(file_name: str) -> str:
    return _(
        "⏸ I was restarted while checking <b>{name}</b>. Nothing was changed: please send it again."
    ).format(name=esc(file_name))


def apply_interrupted(file_name: str) -> str:
    return _(
        "⏸ I was restarted before <b>{name}</b> was applied. Nothing was changed: you can "
        "apply it again."
    ).format(name=esc(file_name))


def apply_failed(file_name: str) -> str:
    return _(
        "😕 <b>{name}</b> could not be applied just now. Nothing was changed: you can try again "
        "in a moment."
    ).format(name=esc(file_name))


REPLACED = __("✖️ Stopped: you sent a newer file.")
