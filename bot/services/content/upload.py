"""A course file an admin sends to the bot, as one use case: what is accepted, previewing it
(what it would change), and applying it on Confirm.

The file is checked in the order that costs least first: its declared name, type and size
(before anything is downloaded), its bytes as they arrive (a size that was missing or wrong
cannot make the bot hold more than MAX_BYTES), then its text, then the course file validator.

What the file would change is counted by the importer's own planning (the step that matches
the file with the stored rows before anything is written), so the preview counts exactly what
Confirm will do, in a read-only transaction: checking a big file takes no write lock, nothing
is written and nothing needs undoing, and the learners' writes go on meanwhile. Between the
preview and Confirm the caller keeps the file's text (PendingFile); Confirm reads it once more,
the one parse of that Confirm, and imports it in one unit of work.
"""

from __future__ import annotations

import asyncio
import enum
import hashlib
import io
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.content.importer import Progress, import_course, plan_course
from bot.services.content.parse import parse_course
from bot.services.content.spec import ImportReport, ModuleSpec
from bot.services.context import Context
from bot.services.unit_of_work import at_least, read_only
from db.repositories import content as repo

MAX_BYTES = 1024 * 1024
# What checking or applying one course file may take in a serving process: a file near
# MAX_BYTES of 5,000 small modules is read and planned in a few seconds, and imported in some
# more. The caller stops the work when it runs out (see bot.handlers.admin.course_file).
BUDGET_SECONDS = 180.0
# The units of work of a file get longer than the budget (a serving process cuts its units
# off after a few seconds): the budget ends the work first, as a cancellation, so running out
# of it is never taken for a database that did not answer.
_UNIT_SECONDS = 2 * BUDGET_SECONDS
SUFFIXES = (".yaml", ".yml")
# Types a client may give a YAML file: every text/*, and the application/* names YAML goes by
# (clients guess from the name, and some guess application/octet-stream for a name they do not
# know, so that one is let through to the UTF-8 check).
_ALLOWED_APPLICATION_TYPES = {
    "application/yaml",
    "application/x-yaml",
    "application/octet-stream",
}


class Refusal(enum.Enum):
    NOT_YAML = "not_yaml"
    TOO_LARGE = "too_large"
    NOT_TEXT = "not_text"


class FileRefused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


def check_declared(file_name: str | None, mime_type: str | None, size: int | None) -> None:
    """Refuse what the sender's own description rules out, before downloading anything."""
    if not (file_name or "").lower().endswith(SUFFIXES):
        raise FileRefused(Refusal.NOT_YAML)
    if mime_type and not (mime_type.startswith("text/") or mime_type in _ALLOWED_APPLICATION_TYPES):
        raise FileRefused(Refusal.NOT_YAML)
    if size is not None and size > MAX_BYTES:
        raise FileRefused(Refusal.TOO_LARGE)


class BoundedBuffer(io.BytesIO):
    """A download destination that refuses to grow past MAX_BYTES: the declared size is the
    sender's claim, so the bytes themselves are counted as they arrive."""

    def __init__(self, limit: int = MAX_BYTES) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: bytes, /) -> int:  # type: ignore[override]
        if self.tell() + memoryview(data).nbytes > self.limit:
            raise FileRefused(Refusal.TOO_LARGE)
        return super().write(data)


def decode(data: bytes) -> str:
    """The file's text; a binary file (not UTF-8, or holding NUL bytes) is refused."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused(Refusal.NOT_TEXT) from None
    if "\x00" in text:
        raise FileRefused(Refusal.NOT_TEXT)
    return text


def token_of(text: str) -> str:
    """A short name for one version of a file: Confirm must apply the file it previewed."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class AnsweredLoss:
    """A lesson whose answered exercises the file would delete or turn into other questions."""

    module_slug: str
    lesson_slug: str
    lesson_title: str
    exercises: int
    answers: int


@dataclass(frozen=True, slots=True)
class Preview:
    report: ImportReport
    losses: list[AnsweredLoss]


async def preview_course(
    session: AsyncSession, modules: list[ModuleSpec], progress: Progress | None = None
) -> Preview:
    """What importing `modules` (unpublished, as `learnbot content import` does by default)
    would change, and which answered exercises it would take away; nothing is written."""
    with at_least(session, _UNIT_SECONDS):
        return await _preview(session, modules, progress)


@read_only
async def _preview(
    session: AsyncSession, modules: list[ModuleSpec], progress: Progress | None
) -> Preview:
    # One read-only transaction: the answers and the plan see the same rows.
    answered = await repo.answered_exercises(session, [m.slug for m in modules])
    report = await plan_course(session, modules, publish=False, progress=progress)
    return Preview(report, _losses(answered, report))


def _losses(answered: list[repo.AnsweredExercise], report: ImportReport) -> list[AnsweredLoss]:
    lost = {*report.dropped_exercise_ids, *report.rewritten_exercise_ids}
    by_lesson: dict[int, tuple[repo.AnsweredExercise, int, int]] = {}
    for row in answered:
        if row.exercise_id not in lost:
            continue
        _, exercises, answers = by_lesson.get(row.lesson_id, (row, 0, 0))
        by_lesson[row.lesson_id] = (row, exercises + 1, answers + row.answers)
    return [
        AnsweredLoss(row.module_slug, row.lesson_slug, row.lesson_title, exercises, answers)
        for row, exercises, answers in sorted(
            by_lesson.values(), key=lambda item: (item[0].module_slug, item[0].lesson_slug)
        )
    ]


async def apply_course(
    session: AsyncSession,
    ctx: Context,
    modules: list[ModuleSpec],
    *,
    publish: bool,
    progress: Progress | None = None,
) -> ImportReport:
    """Import `modules` in one transaction (the importer is a unit of work: all or nothing),
    as `learnbot content import` does."""
    with at_least(session, _UNIT_SECONDS):
        report = await import_course(session, ctx, modules, publish=publish, progress=progress)
    if report.changed:
        # Committed: this process's learners see the change at their next press, not after
        # the catalog's refresh interval (other processes notice the content version move).
        ctx.catalog.forget()
    return report


class Stage(enum.Enum):
    READING = "reading"
    CHECKING = "checking"
    APPLYING = "applying"


@dataclass(slots=True)
class UploadProgress:
    """How far one file's work has come, for the caller to show while it runs; set from the
    worker thread that reads the file too (plain assignments)."""

    stage: Stage = Stage.READING
    done: int = 0
    total: int = 0

    def set_done(self, done: int) -> None:
        self.done = done

    def start(self, stage: Stage, total: int = 0) -> None:
        self.stage, self.done, self.total = stage, 0, total


@dataclass(frozen=True, slots=True)
class PendingFile:
    """A previewed file waiting for Confirm: `token` names this version of its text, so a
    button applies exactly the file it was shown for."""

    token: str
    name: str
    text: str
    modules: int

    def as_data(self) -> dict[str, Any]:
        """Plain values, for storage that keeps JSON (the FSM's, Redis included)."""
        return asdict(self)

    @classmethod
    def from_data(cls, data: object) -> PendingFile | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                str(data["token"]), str(data["name"]), str(data["text"]), int(data["modules"])
            )
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True, slots=True)
class Checked:
    pending: PendingFile
    preview: Preview


async def preview_upload(
    session: AsyncSession, name: str, data: bytes, progress: UploadProgress
) -> Checked:
    """Read, validate and preview one uploaded file; nothing is written. FileRefused for bytes
    that are not a text file, CourseFileError listing a bad file's problems."""
    text = decode(data)
    progress.start(Stage.READING)
    # Off the event loop: reading 1 MB takes a second or two. A thread cannot be cancelled,
    # but reading is bounded (yaml_reader) and ends by itself.
    modules = await asyncio.to_thread(parse_course, text, progress.set_done)
    progress.start(Stage.CHECKING, len(modules))
    preview = await preview_course(session, modules, progress.set_done)
    return Checked(PendingFile(token_of(text), name, text, len(modules)), preview)


async def apply_upload(
    session: AsyncSession,
    ctx: Context,
    pending: PendingFile,
    *,
    publish: bool,
    progress: UploadProgress,
) -> ImportReport:
    """Import a previewed file, all or nothing; its text is read here once (it was valid when
    previewed, and the reader is deterministic)."""
    progress.start(Stage.APPLYING, pending.modules)
    modules = await asyncio.to_thread(parse_course, pending.text)
    progress.total = len(modules)
    return await apply_course(session, ctx, modules, publish=publish, progress=progress.set_done)
