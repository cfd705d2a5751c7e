"""A new learner works through module 1 of the sample course, one message at a time."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.services.context import Context
from db.enums import ActivityType, ProgressStatus
from db.models import (
    ActivityLog,
    ExerciseAttempt,
    ModuleProgress,
    User,
    UserProgress,
)
from tests.support.answers import do_run
from tests.support.chat import Chat
from tests.support.course import seed_first_module
from tests.support.rows import one, rows


def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


async def test_a_learner_completes_module_one_of_the_sample_course(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    module, lessons, exercises = await seed_first_module(sessionmaker, context)
    assert len(lessons) >= 3
    assert all(exercises[lesson.id] for lesson in lessons)

    # Which answers are right, run by run: the first lesson is failed once on purpose, the
    # second misses its first question (still a pass), the rest are perfect.
    plans: dict[int, list[list[bool]]] = {}
    for index, lesson in enumerate(lessons):
        n = len(exercises[lesson.id])
        if index == 0:
            plans[lesson.id] = [[False] * n, [True] * n]
        elif index == 1:
            plans[lesson.id] = [[False] + [True] * (n - 1)]
        else:
            plans[lesson.id] = [[True] * n]

    expected_scores: dict[int, int] = {}
    pages_turned = 0
    await chat.send_text("/start")
    assert chat.last_text == en.welcome("Ada")
    for lesson in lessons:
        await chat.send_text("/continue")
        assert f"<b>{en.esc(lesson.title)}</b>" in chat.last_text
        while en.START_EXERCISES not in chat.labels():  # read every page
            await chat.tap(en.NEXT)
            pages_turned += 1
        await chat.tap(en.START_EXERCISES)
        points = [e.points for e in exercises[lesson.id]]
        for run, right in enumerate(plans[lesson.id], start=1):
            if run > 1:
                await chat.tap(en.TRY_AGAIN)
            result = await do_run(chat, exercises[lesson.id], right)
            earned = sum(p for p, ok in zip(points, right, strict=True) if ok)
            score = half_up(Decimal(earned * 100) / sum(points))
            passed = score >= lesson.pass_score
            assert f"Score: <b>{score}%</b>" in result
            assert ("Passed!" in result) is passed
            expected_scores[lesson.id] = max(score, expected_scores.get(lesson.id, 0))
        assert passed, f"the plan must pass {lesson.slug} in the end"

    assert pages_turned > 0  # the sample course has a lesson longer than a message
    first, second = lessons[0].id, lessons[1].id
    assert plans[first][0] == [False] * len(exercises[first])
    assert expected_scores[first] == 100 and expected_scores[second] < 100

    progress = {p.lesson_id: p for p in await rows(sessionmaker, UserProgress)}
    assert set(progress) == {lesson.id for lesson in lessons}
    for lesson in lessons:
        row = progress[lesson.id]
        assert row.status is ProgressStatus.COMPLETED, lesson.slug
        assert row.score == expected_scores[lesson.id], lesson.slug
        assert row.attempts == len(plans[lesson.id]), lesson.slug
        assert row.active_run is None
        assert row.completed_at is not None and row.started_at is not None

    attempts = await rows(sessionmaker, ExerciseAttempt)
    assert len(attempts) == sum(
        len(exercises[lesson.id]) * len(plans[lesson.id]) for lesson in lessons
    )
    assert sum(a.is_correct for a in attempts) == sum(
        sum(right) for plan in plans.values() for right in plan
    )

    # XP: each lesson's xp at its best score, rounded half up; full xp without exercises.
    expected_xp = sum(
        half_up(Decimal(lesson.xp * expected_scores[lesson.id]) / 100)
        if exercises[lesson.id]
        else lesson.xp
        for lesson in lessons
    )
    ledger = await rows(sessionmaker, ActivityLog)
    lesson_xp = sum(a.xp for a in ledger if a.activity_type is not ActivityType.ACHIEVEMENT_EARNED)
    assert lesson_xp == expected_xp
    # Achievements add their points (test_motivation_journey.py follows them).
    achievement_xp = sum(a.xp for a in ledger) - lesson_xp
    completed = [a for a in ledger if a.activity_type is ActivityType.LESSON_COMPLETED]
    assert {a.entity_id for a in completed} == {lesson.id for lesson in lessons}
    assert len(completed) == len(lessons)
    started = [a for a in ledger if a.activity_type is ActivityType.LESSON_STARTED]
    assert len(started) == len(lessons)

    module_row = await one(sessionmaker, ModuleProgress)
    assert module_row.module_id == module.id
    assert module_row.status is ProgressStatus.COMPLETED
    assert module_row.lessons_completed == module_row.lessons_total == len(lessons)
    assert module_row.completed_at is not None

    await chat.send_text("/progress")
    assert f"XP: <b>{expected_xp + achievement_xp}</b>" in chat.last_text
    n = len(lessons)
    assert f"<b>{en.esc(module.title)}</b>\n▓▓▓▓▓▓▓▓▓▓ 100% · {n}/{n} lessons" in chat.last_text
    # Continue moves on to module 2.
    await chat.send_text("/continue")
    assert "Lists" in chat.last_text
    assert len(await rows(sessionmaker, User)) == 1
