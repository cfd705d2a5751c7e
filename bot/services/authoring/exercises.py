"""Writing a lesson's exercise, a new one or one rewritten, checked as a course file's exercise
is; deleting one."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.authoring import content_changed, saved_if_changed
from bot.services.authoring.lessons import LessonDetail, lesson_detail
from bot.services.content import fields as values
from bot.services.content.spec import QUESTION_FIELDS, differs, stored_short_answer
from bot.services.context import Context
from bot.services.errors import AuthoredLessonGone, NotUnderstood
from bot.services.unit_of_work import unit_of_work
from db.enums import ExerciseType
from db.models import Exercise
from db.repositories import authoring as repo
from db.repositories import review

log = logging.getLogger(__name__)


def _checked(
    kind: ExerciseType,
    options: list[str] | None,
    answer: str | bool | list[str],
    case_sensitive: bool,
) -> tuple[list[str] | None, Any]:
    """(options, the answer as stored) of a valid exercise of `kind`."""
    if kind is ExerciseType.MULTIPLE_CHOICE:
        clean_options = values.options("\n".join(options or []))
        if answer not in clean_options:
            raise NotUnderstood
        return clean_options, answer
    if kind is ExerciseType.TRUE_FALSE:
        if not isinstance(answer, bool):
            raise NotUnderstood
        return None, answer
    if not isinstance(answer, list):
        raise NotUnderstood
    accepted = values.answers("\n".join(answer))
    return None, stored_short_answer(accepted, case_sensitive=case_sensitive)


@unit_of_work
async def save_exercise(
    session: AsyncSession,
    ctx: Context,
    lesson_id: int,
    *,
    exercise_id: int | None = None,
    kind: ExerciseType,
    prompt: str,
    options: list[str] | None = None,
    answer: str | bool | list[str],
    explanation: str | None,
    case_sensitive: bool = False,
) -> LessonDetail:
    """A new last exercise of the lesson, or (`exercise_id`) that exercise written anew in its
    place. `answer`: the right option's text (multiple choice), a bool (true/false) or the
    accepted texts (short answer, compared with regard to case when `case_sensitive`)."""
    if await repo.live_lesson(session, lesson_id) is None:
        raise AuthoredLessonGone
    clean_options, stored = _checked(kind, options, answer, case_sensitive)
    fields = {
        "type": kind,
        "prompt": values.prompt(prompt),
        "options": clean_options,
        "answer": stored,
        "explanation": values.explanation(explanation) if explanation else None,
    }
    if exercise_id is None:
        order = await repo.next_exercise_order(session, lesson_id)
        exercise = Exercise(lesson_id=lesson_id, order=order, points=1, **fields)
        session.add(exercise)
        what = "added to"
    else:
        found = await repo.live_exercise(session, exercise_id)
        if found is None or found.lesson_id != lesson_id:
            raise AuthoredLessonGone
        exercise = found
        asks_anew = differs(exercise, {name: fields[name] for name in QUESTION_FIELDS})
        for name, value in fields.items():
            setattr(exercise, name, value)
        if asks_anew:
            # Another question now: learners' review cards of the old one retire, as when a
            # course file rewrites an exercise.
            await review.retire(session, [exercise_id], ctx.clock.now())
        what = "rewritten in"
    if await saved_if_changed(session, ctx, exercise):
        log.info("exercise %s (%s) %s lesson %s", exercise.id, kind.value, what, lesson_id)
    return await lesson_detail(session, lesson_id)


@unit_of_work
async def delete_exercise(session: AsyncSession, ctx: Context, exercise_id: int) -> LessonDetail:
    """The exercise goes with its learners' answers, as when a course file drops it; the
    lesson's screen after it."""
    exercise = await repo.live_exercise(session, exercise_id)
    if exercise is None:
        raise AuthoredLessonGone
    lesson_id = exercise.lesson_id
    await repo.delete_exercise(session, exercise_id)
    content_changed(ctx)
    log.info("exercise %s deleted from lesson %s", exercise_id, lesson_id)
    return await lesson_detail(session, lesson_id)
