"""The one home of what a learner's activity changes: starting a lesson, answering an exercise,
completing a lesson. Each runs inside the caller's unit of work, on the state `progress`
read under the learner's lock, and returns its effects.

The motivation features (achievements, streaks) hook in here, so every way of completing a
lesson or solving an exercise earns them alike, and the views announce them in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import achievements, due_times, streaks
from bot.services.achievements import Achievement, Facts
from bot.services.catalog import Catalog, CatalogLesson, catalog
from bot.services.context import Context
from bot.services.localtime import local_date
from bot.services.xp import lesson_xp_owed
from db.enums import ActivityType, ProgressStatus
from db.repositories import activity, modules, progress, standing
from db.repositories.progress import LESSON, LessonState, Progress
from db.repositories.standing import Streak

# Time between two actions beyond this counts as a break, not as study time.
IDLE_CAP_SECONDS = 300


@dataclass(frozen=True, slots=True)
class Effects:
    """What an activity changed for the learner, beyond the screen that answers it."""

    xp_gained: int = 0
    lesson_completed: bool = False
    module_completed: bool = False
    # The completed module's title, when `module_completed`.
    module_title: str | None = None
    # The activity completed the last lesson of the course the learner had left: every
    # lesson learners can see is now completed.
    course_completed: bool = False
    # What the activity earned, in catalogue order: only the one activity that inserted an
    # award carries it, so the learner is told once.
    achievements: tuple[Achievement, ...] = ()
    # The learner's streak after an activity that kept their day; None when it kept none.
    streak: Streak | None = None
    # The activity kept the first day of a new streak.
    streak_started: bool = False


NO_EFFECTS = Effects()


async def learner_on_lesson(
    session: AsyncSession,
    ctx: Context,
    user_id: int,
    lesson_id: int,
    *,
    with_standing: bool = False,
    locked: bool = True,
) -> tuple[Catalog, CatalogLesson, LessonState]:
    """The lesson as learners see it (LessonGone if they cannot), and the learner's state on
    it, locked for the rest of the unit of work (unless not `locked`, for a unit that writes
    nothing); `with_standing` for an action that may earn a streak day or an achievement
    (then `reward` can tell)."""
    found = await catalog(session, ctx)
    lesson = found.lesson(lesson_id)
    state = await progress.lesson_state(
        session, user_id, lesson_id, lesson.module_id, with_standing=with_standing, locked=locked
    )
    return found, lesson, state


def track_time(row: Progress, now: datetime) -> None:
    """Add the time since the learner's last action on this lesson, breaks capped."""
    if row.last_accessed_at is not None:
        gap = int((now - row.last_accessed_at).total_seconds())
        row.time_spent_seconds += min(max(gap, 0), IDLE_CAP_SECONDS)
    row.last_accessed_at = now


async def touch_lesson(
    session: AsyncSession, ctx: Context, state: LessonState, lesson: CatalogLesson, catalog: Catalog
) -> None:
    """The learner acts on the lesson: count the time, and start it if it was not started."""
    row = state.progress
    now = ctx.clock.now()
    track_time(row, now)
    if row.status is not ProgressStatus.NOT_STARTED:
        return
    row.status = ProgressStatus.IN_PROGRESS
    row.started_at = now
    await activity.add(
        session,
        row.user_id,
        ActivityType.LESSON_STARTED,
        entity_type=LESSON,
        entity_id=lesson.id,
        now=now,
    )
    await modules.save_module_progress(
        session,
        row.user_id,
        lesson.module_id,
        done=state.module_done,
        total=catalog.visible_in_module(lesson.module_id),
        started=True,
        now=now,
    )


async def complete_lesson(
    session: AsyncSession,
    ctx: Context,
    state: LessonState,
    lesson: CatalogLesson,
    catalog: Catalog,
    *,
    score: int | None,
    passed: bool,
    details: dict[str, object] | None = None,
) -> Effects:
    """A finished run (with its score) or a reading-only lesson marked done (score None).

    Keeps the best score; completes the lesson when `passed`; grants the XP owed, once: a
    first completion pays `xp x best/100`, a later better score the difference.
    """
    row = state.progress
    previous_best = row.score
    if score is not None and (previous_best is None or score > previous_best):
        row.score = score
    newly_completed = passed and row.status is not ProgressStatus.COMPLETED
    if not newly_completed and not (passed and row.score != previous_best):
        return NO_EFFECTS
    now = ctx.clock.now()
    if newly_completed:
        row.started_at = row.started_at or now
        row.status = ProgressStatus.COMPLETED
        row.completed_at = now
    xp_gained = lesson_xp_owed(lesson.xp, row.score, state.xp_granted)
    await activity.add(
        session,
        row.user_id,
        ActivityType.LESSON_COMPLETED if newly_completed else ActivityType.SCORE_IMPROVED,
        entity_type=LESSON,
        entity_id=lesson.id,
        xp=xp_gained,
        details=details,
        now=now,
    )
    module_completed = course_completed = False
    if newly_completed:
        total = catalog.visible_in_module(lesson.module_id)
        done = state.module_done + 1
        await modules.save_module_progress(
            session, row.user_id, lesson.module_id, done=done, total=total, started=True, now=now
        )
        module_completed = done >= total
        if module_completed:
            # Once a module is done, the course may be: one read of the learner's completed
            # lessons, which only a module's completion pays for.
            completed = await progress.completed_lessons(session, row.user_id)
            course_completed = all(
                lesson_id in completed
                for lesson_id in catalog.order
                if catalog.lessons[lesson_id].module_id != lesson.module_id
            )
    return Effects(
        xp_gained=xp_gained,
        lesson_completed=newly_completed,
        module_completed=module_completed,
        module_title=catalog.modules[lesson.module_id].title if module_completed else None,
        course_completed=course_completed,
    )


class DayKeeper(Protocol):
    """A learner as read under their lock: their streak and what moves their reminder."""

    @property
    def streak(self) -> Streak: ...
    @property
    def reminders_enabled(self) -> bool: ...
    @property
    def reminder_hour(self) -> int | None: ...
    @property
    def reminded_on(self) -> date | None: ...


async def keep_streak_day(
    session: AsyncSession, user_id: int, learner: DayKeeper, now: datetime, zone: tzinfo
) -> Streak:
    """The learner's streak after an activity that keeps their local day (a lesson's answer, a
    review: one rule for both). Written, with the instants the jobs next look at it, only when
    the day was not kept yet."""
    streak = streaks.keep_day(learner.streak, local_date(now, zone))
    if streak != learner.streak:
        remind_at = due_times.next_reminder(
            now,
            zone,
            enabled=learner.reminders_enabled,
            hour=learner.reminder_hour,
            streak=streak,
            reminded_on=learner.reminded_on,
        )
        await standing.save_streak(
            session,
            user_id,
            streak,
            due_at=due_times.streak_due_at(streak, zone),
            remind_at=remind_at,
        )
    return streak


async def reward(
    session: AsyncSession,
    ctx: Context,
    state: LessonState,
    lesson: CatalogLesson,
    catalog: Catalog,
    effects: Effects,
    *,
    zone: tzinfo,
    solved: int | None = None,
    run_score: int | None = None,
) -> Effects:
    """What the activity earns beyond XP, in its own transaction: the local day it keeps for
    the streak, and the achievements it reaches. `solved` is the exercise a correct answer
    solved; `run_score` the score of the run the answer finished.

    Costs no statement unless something changes: the streak columns are written on the first
    day-keeping activity of a local day, and each award is two rows.
    """
    mine = state.standing
    assert mine is not None, "the lesson state was read without the learner's standing"
    kept_day = solved is not None or effects.lesson_completed
    if not kept_day and not effects.xp_gained:
        return effects
    row = state.progress
    now = ctx.clock.now()
    today = local_date(now, zone)
    streak = mine.streak
    if kept_day:
        streak = await keep_streak_day(session, row.user_id, mine, now, zone)
    newly_solved = solved is not None and solved not in mine.solved_here
    module_now = effects.module_completed and not mine.module_was_completed
    facts = Facts(
        lessons=mine.lessons_completed + int(effects.lesson_completed),
        modules=mine.modules_completed + int(module_now),
        exercises=mine.exercises_solved + int(newly_solved),
        xp=mine.xp + effects.xp_gained,
        days=streaks.roll_over(streak, today).current,
        # Runs are numbered for good, so a run after a reset is not a first try.
        first_try=effects.lesson_completed and bool(lesson.exercises) and row.last_run == 1,
        perfect_score=run_score == 100,
        module=catalog.modules[lesson.module_id].slug if module_now else None,
    )
    earned = await achievements.award(
        session, row.user_id, await achievements.catalogue(session, ctx), mine.held, facts, now=now
    )
    return replace(
        effects,
        achievements=earned,
        streak=streak if kept_day else None,
        # A day kept that leaves a streak of one after any other: a streak begins.
        streak_started=kept_day and streak != mine.streak and streak.current == 1,
    )
