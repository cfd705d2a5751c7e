"""The achievement rules over the shipped catalogue: each fires at its threshold, not before."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.achievements import Achievement, AchievementCache, Facts, newly_earned
from db.enums import AchievementType

# The issue's list: criterion -> thresholds, as migration 0004 ships them.
THRESHOLDS = {
    "lessons": [1, 5, 25, 100],
    "modules": [1, 3],
    "exercises": [10, 50, 200],
    "xp": [100, 1000, 5000],
    "days": [3, 7, 30, 100],
}


def counts(key: str, value: int) -> Facts:
    """Facts with one count set and every other at zero."""
    facts: dict[str, Any] = {key: value}
    return Facts(**facts)


@pytest.fixture
async def catalogue(session: AsyncSession) -> tuple[Achievement, ...]:
    return await AchievementCache().get(session)


async def test_the_shipped_catalogue_has_the_issues_thresholds(
    catalogue: tuple[Achievement, ...],
) -> None:
    found: dict[str, list[int]] = {}
    for achievement in catalogue:
        if achievement.threshold is not None:
            key, value = achievement.threshold
            found.setdefault(key, []).append(value)
    assert {key: sorted(values) for key, values in found.items()} == THRESHOLDS
    flags = {a.code for a in catalogue if a.threshold is None}
    assert flags == {"first_try", "perfect_score"}
    assert {a.type for a in catalogue} == set(AchievementType)


async def test_each_count_fires_at_its_threshold_and_not_one_step_before(
    catalogue: tuple[Achievement, ...],
) -> None:
    for achievement in catalogue:
        if achievement.threshold is None:
            continue
        key, value = achievement.threshold
        before = newly_earned(catalogue, frozenset(), counts(key, value - 1))
        at = newly_earned(catalogue, frozenset(), counts(key, value))
        assert achievement not in before, achievement.code
        assert achievement in at, achievement.code


async def test_first_try_and_perfect_score_are_flags_of_the_activity(
    catalogue: tuple[Achievement, ...],
) -> None:
    codes = {a.code: a for a in catalogue}
    assert newly_earned(catalogue, frozenset(), Facts()) == []
    assert newly_earned(catalogue, frozenset(), Facts(first_try=True)) == [codes["first_try"]]
    assert newly_earned(catalogue, frozenset(), Facts(perfect_score=True)) == [
        codes["perfect_score"]
    ]


async def test_held_achievements_are_not_earned_again(
    catalogue: tuple[Achievement, ...],
) -> None:
    first = next(a for a in catalogue if a.code == "first_lesson")
    assert newly_earned(catalogue, frozenset({first.id}), Facts(lessons=1)) == []


def test_points_earned_count_towards_the_xp_milestones_at_once() -> None:
    badge = Achievement(
        1, "b", AchievementType.LESSON_COMPLETED, "B", None, None, 20, {"lessons": 1}
    )
    milestone = Achievement(2, "m", AchievementType.MILESTONE, "M", None, None, 0, {"xp": 100})
    catalogue = (milestone, badge)
    assert newly_earned(catalogue, frozenset(), Facts(lessons=1, xp=79)) == [badge]
    assert newly_earned(catalogue, frozenset(), Facts(lessons=1, xp=80)) == [badge, milestone]


def test_every_criterion_of_a_row_must_hold() -> None:
    both = Achievement(
        1,
        "both",
        AchievementType.LESSON_COMPLETED,
        "Both",
        None,
        None,
        0,
        {"lessons": 3, "perfect_score": True},
    )
    facts = Facts(lessons=3)
    assert newly_earned((both,), frozenset(), facts) == []
    assert newly_earned((both,), frozenset(), replace(facts, perfect_score=True)) == [both]
