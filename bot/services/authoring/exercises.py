"""Adding an exercise to a lesson, checked as a course file's exercise is."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.authoring import content_changed
from bot.services.authoring.lessons import LessonDetail, lesson_detail
from bot.services.content import fields as values
from bot.services.content.spec import stored_short_answer
from bot.services.errors import AuthoredLessonGone, NotUnderstood
from bot.services.unit_of_work import unit_of_work
from db.enums import ExerciseType
from db.models import Exercise
from db.repositories import authoring as repo

log = logging.getLogger(__name__)


@unit_of_work
async def add_exercise(
    session: AsyncSession,
    lesson_id: int,
    *,
    kind: ExerciseType,
    prompt: str,
    options: list[str] | None = None,
    answer: str | bool | list[str],
    explanation: str | None,
    case_sensitive: bool = False,
) -> LessonDetail:
    """A new last exercise of the lesson. `answer`: the right option's text (multiple choice),
    a bool (true/false) or the accepted texts (short answer, compared with regard to case when
    `case_sensitive`)."""
    if await repo.live_lesson(session, lesson_id) is None:
        raise AuthoredLessonGone
    clean_options: list[str] | None = None
    stored: Any = answer
    if kind is ExerciseType.MULTIPLE_CHOICE:
        clean_options = values.options("\n".join(options or []))
        if answer not in clean_options:
            raise NotUnderstood
    elif kind is ExerciseType.TRUE_FALSE:
        if not isinstance(answer, bool):
            raise NotUnderstood
    elif not isinstance(answer, list):
        raise NotUnderstood
    else:
        accepted = values.answers("\n".join(answer))
        stored = stored_short_answer(accepted, case_sensitive=case_sensitive)
    exercise = Exercise(
        lesson_id=lesson_id,
        order=await repo.next_exercise_order(session, lesson_id),
        type=kind,
        prompt=values.prompt(prompt),
        options=clean_options,
        answer=stored,
        explanation=values.explanation(explanation) if explanation else None,
        points=1,
    )
    session.add(exercise)
    await session.flush()
    content_changed(session)
    log.info("exercise %s (%s) added to lesson %s", exercise.id, kind.value, lesson_id)
    return await lesson_detail(session, lesson_id)
