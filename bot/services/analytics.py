"""How the course is doing, for its admins: learners, each lesson's funnel and results, the
hardest lessons, where learners drop off, and module completions.

Three statements whatever the number of learners (db.repositories.analytics): one for the
learner counts, one for every lesson's sums, one for the modules. Rates and averages are
derived here from those sums; the hardest lessons and the drop-off are views of the lesson rows,
so every figure of a report comes from the same reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.context import Context
from bot.services.unit_of_work import read_only
from db.repositories import analytics as repo
from db.repositories.analytics import LessonTotals, ModuleTotals

__all__ = [
    "ACTIVE_DAYS",
    "DEFAULT_MIN_COMPLETIONS",
    "HARDEST_LIMIT",
    "CourseStats",
    "LearnerStats",
    "LessonStats",
    "ModuleStats",
    "course_stats",
]

# "Active" learners acted within this many days before now.
ACTIVE_DAYS = 7
# A lesson is ranked among the hardest only once this many learners completed it: below that,
# one learner's many runs would put any lesson on top.
DEFAULT_MIN_COMPLETIONS = 3
HARDEST_LIMIT = 5


def _rate(part: int, whole: int) -> float | None:
    """`part` of `whole` in percent; None when there is no whole to speak of."""
    return 100 * part / whole if whole else None


def _mean(total: int, count: int) -> float | None:
    return total / count if count else None


@dataclass(frozen=True, slots=True)
class LearnerStats:
    total: int
    # Learners who opened, answered or completed something in the last `active_days` days.
    active: int
    active_days: int
    since: datetime


@dataclass(frozen=True, slots=True)
class LessonStats:
    lesson_id: int
    # The lesson's place in the course: "2.3" is the third lesson of the second module.
    number: str
    title: str
    module_id: int
    module_title: str
    pass_score: int
    has_exercises: bool
    started: int
    completed: int
    # Learners who ran the exercises at least once, and those whose best score reached
    # pass_score; both 0 for a lesson without exercises.
    ran: int
    passed: int
    # Runs of the exercises by every learner.
    runs: int
    # Means over the learners who ran the exercises (runs) and over the started learners with
    # a score (score: NULL scores are left out) or started at all (time); None: nobody.
    average_runs: float | None
    average_score: float | None
    average_time_seconds: float | None

    @property
    def completion_rate(self) -> float | None:
        return _rate(self.completed, self.started)

    @property
    def pass_rate(self) -> float | None:
        """Of the learners who ran the exercises, the percentage who passed; None for a lesson
        without exercises or one nobody ran."""
        return _rate(self.passed, self.ran) if self.has_exercises else None

    @property
    def dropped_off(self) -> int:
        """Learners who started the lesson and have not completed it."""
        return self.started - self.completed

    @property
    def drop_off_rate(self) -> float | None:
        return _rate(self.dropped_off, self.started)

    @property
    def runs_per_completion(self) -> float | None:
        return self.runs / self.completed if self.completed else None


@dataclass(frozen=True, slots=True)
class ModuleStats:
    module_id: int
    title: str
    started: int
    completed: int

    @property
    def completion_rate(self) -> float | None:
        return _rate(self.completed, self.started)


@dataclass(frozen=True, slots=True)
class CourseStats:
    learners: LearnerStats
    # Visible lessons and modules in course order.
    lessons: list[LessonStats]
    modules: list[ModuleStats]
    # Lessons with exercises and at least `min_completions` completions, the most runs per
    # completion first.
    hardest: list[LessonStats]
    min_completions: int

    @property
    def drop_offs(self) -> list[LessonStats]:
        """Lessons some learners started and have not completed, the most such learners first
        (course order between equals)."""
        dropped = [lesson for lesson in self.lessons if lesson.dropped_off]
        return sorted(dropped, key=lambda lesson: -lesson.dropped_off)

    @property
    def anyone_started(self) -> bool:
        return any(lesson.started for lesson in self.lessons)


@read_only
async def course_stats(
    session: AsyncSession,
    ctx: Context,
    *,
    min_completions: int = DEFAULT_MIN_COMPLETIONS,
    hardest_limit: int = HARDEST_LIMIT,
    active_days: int = ACTIVE_DAYS,
) -> CourseStats:
    if min_completions < 1:
        raise ValueError("min_completions must be at least 1")
    since = ctx.clock.now() - timedelta(days=active_days)
    learners = await repo.learner_counts(session, since)
    lessons = _numbered(await repo.lesson_totals(session))
    modules = [_module(row) for row in await repo.module_totals(session)]
    return CourseStats(
        learners=LearnerStats(learners.total, learners.active, active_days, since),
        lessons=lessons,
        modules=modules,
        hardest=_hardest(lessons, min_completions, hardest_limit),
        min_completions=min_completions,
    )


def _numbered(rows: list[LessonTotals]) -> list[LessonStats]:
    lessons: list[LessonStats] = []
    module_number, lesson_number, module_id = 0, 0, None
    for row in rows:
        if row.module_id != module_id:
            module_number, lesson_number, module_id = module_number + 1, 0, row.module_id
        lesson_number += 1
        lessons.append(_lesson(row, f"{module_number}.{lesson_number}"))
    return lessons


def _lesson(row: LessonTotals, number: str) -> LessonStats:
    return LessonStats(
        lesson_id=row.lesson_id,
        number=number,
        title=row.title,
        module_id=row.module_id,
        module_title=row.module_title,
        pass_score=row.pass_score,
        has_exercises=row.has_exercises,
        started=row.started,
        completed=row.completed,
        ran=row.ran if row.has_exercises else 0,
        passed=row.passed if row.has_exercises else 0,
        runs=row.runs,
        average_runs=_mean(row.runs, row.ran) if row.has_exercises else None,
        average_score=_mean(row.score_sum, row.scored),
        average_time_seconds=_mean(row.time_sum, row.started),
    )


def _module(row: ModuleTotals) -> ModuleStats:
    return ModuleStats(row.module_id, row.title, row.started, row.completed)


def _hardest(lessons: list[LessonStats], min_completions: int, limit: int) -> list[LessonStats]:
    ranked = [
        lesson for lesson in lessons if lesson.has_exercises and lesson.completed >= min_completions
    ]
    # sorted() is stable: equals keep their course order.
    ranked.sort(key=lambda lesson: -(lesson.runs_per_completion or 0.0))
    return ranked[:limit]
