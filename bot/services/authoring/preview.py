"""A lesson's preview: the lesson as a learner who never opened it would get it, and its
questions answered and graded without anything recorded (no attempt, no XP, no review card)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.authoring.lessons import ExerciseLine, lesson_detail
from bot.services.catalog import CatalogExercise
from bot.services.errors import AuthoredLessonGone
from bot.services.exercises import Question
from bot.services.grading import choices_of, correct_answer_text, grade_choice, grade_text
from bot.services.lessons import LessonView
from bot.services.unit_of_work import read_only
from db.enums import ExerciseType, ProgressStatus
from db.repositories import authoring as repo


@dataclass(frozen=True, slots=True)
class LessonPreview:
    """The lesson exactly as a learner would get it: its page view and every question."""

    view: LessonView
    questions: list[Question]


@dataclass(frozen=True, slots=True)
class PreviewAnswer:
    """How an answer to a previewed question is graded, as a learner's would be."""

    lesson_id: int
    type: ExerciseType
    correct: bool
    correct_answer: str
    explanation: str | None


@dataclass(frozen=True, slots=True)
class PreviewQuestion:
    """A previewed question answered by typing."""

    lesson_id: int
    exercise_id: int
    prompt: str


def _catalog_exercise(e: ExerciseLine) -> CatalogExercise:
    return CatalogExercise(e.id, e.type, e.prompt, e.options, e.answer, e.explanation, 1)


@read_only
async def preview_lesson(session: AsyncSession, lesson_id: int) -> LessonPreview:
    """What a learner who never opened the lesson would get, published or not."""
    detail = await lesson_detail(session, lesson_id)
    view = LessonView(
        id=detail.id,
        module_id=detail.module_id,
        slug=detail.slug,
        title=detail.title,
        content=detail.content,
        estimated_minutes=detail.estimated_minutes,
        xp=detail.xp,
        pass_score=detail.pass_score,
        exercise_count=len(detail.exercises),
        status=ProgressStatus.NOT_STARTED,
        score=None,
        attempts=0,
        run_open=False,
    )
    questions = [
        Question(
            lesson_id=detail.id,
            lesson_title=detail.title,
            run=1,
            exercise_id=e.id,
            number=number,
            total=len(detail.exercises),
            type=e.type,
            prompt=e.prompt,
            choices=choices_of(_catalog_exercise(e)),
        )
        for number, e in enumerate(detail.exercises, start=1)
    ]
    return LessonPreview(view, questions)


async def _exercise(session: AsyncSession, exercise_id: int) -> tuple[int, CatalogExercise]:
    """The exercise's lesson id, and the exercise as the learner's grading reads it."""
    found = await repo.live_exercise(session, exercise_id)
    if found is None:
        raise AuthoredLessonGone
    exercise = CatalogExercise(
        found.id, found.type, found.prompt, found.options, found.answer, found.explanation, 1
    )
    return found.lesson_id, exercise


def _graded(lesson_id: int, exercise: CatalogExercise, correct: bool) -> PreviewAnswer:
    right = correct_answer_text(exercise)
    return PreviewAnswer(lesson_id, exercise.type, correct, right, exercise.explanation)


@read_only
async def try_answer(session: AsyncSession, exercise_id: int, option: int) -> PreviewAnswer:
    """Grades the option as a learner's answer is graded, and writes nothing."""
    lesson_id, exercise = await _exercise(session, exercise_id)
    return _graded(lesson_id, exercise, grade_choice(exercise, option)[1])


@read_only
async def try_typed_answer(session: AsyncSession, exercise_id: int, text: str) -> PreviewAnswer:
    """Grades a typed answer as a learner's is graded, and writes nothing."""
    lesson_id, exercise = await _exercise(session, exercise_id)
    return _graded(lesson_id, exercise, grade_text(exercise, text)[1])


@read_only
async def typed_question(session: AsyncSession, exercise_id: int) -> PreviewQuestion:
    lesson_id, exercise = await _exercise(session, exercise_id)
    return PreviewQuestion(lesson_id, exercise.id, exercise.prompt)
