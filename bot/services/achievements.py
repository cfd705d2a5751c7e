"""Achievements: the catalogue's rules, awarding them, and where a learner stands on them.

The catalogue is data: each row has a type and, in `criteria`, what earns it. A criterion is a
count threshold ({"lessons": 25}) or a flag of the activity itself ({"first_try": true}); a
row earns when all of its criteria hold. So a new row of a known type with known criteria is
awarded without a code change. Thresholds are compared with `>=`, so a row added later (or a
threshold lowered) is awarded at the learner's next activity that counts, not never.

Rows are read once per process (they change only with a migration or an operator's insert,
which a restart picks up); the counts come from the activity's own locking read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import streaks
from bot.services.localtime import local_date
from bot.services.unit_of_work import read_only
from db.enums import AchievementType, ActivityType
from db.repositories import achievements as repo
from db.repositories import activity, standing

if TYPE_CHECKING:
    from bot.services.context import Context

log = logging.getLogger(__name__)

ACHIEVEMENT = "achievement"

# Count criteria: the key in `criteria` is the Facts field it is compared with.
COUNTS = ("lessons", "modules", "exercises", "xp", "days")
# Flags of the activity at hand: true only for the activity that did it.
FLAGS = ("first_try", "perfect_score")
CRITERIA_OF_TYPE: dict[AchievementType, frozenset[str]] = {
    AchievementType.LESSON_COMPLETED: frozenset({"lessons", *FLAGS}),
    # "module": a module's own achievement, by slug, for authors who want one.
    AchievementType.MODULE_COMPLETED: frozenset({"modules", "module"}),
    AchievementType.CHALLENGES_SOLVED: frozenset({"exercises"}),
    AchievementType.MILESTONE: frozenset({"xp"}),
    AchievementType.STREAK: frozenset({"days"}),
}


@dataclass(frozen=True, slots=True)
class Achievement:
    id: int
    code: str
    type: AchievementType
    title: str
    description: str | None
    icon: str | None
    points: int
    criteria: dict[str, Any]

    @property
    def threshold(self) -> tuple[str, int] | None:
        """The count this achievement waits for, as (criterion, value); None for a flag."""
        for key in COUNTS:
            if key in self.criteria:
                return key, int(self.criteria[key])
        return None


@dataclass(frozen=True, slots=True)
class Facts:
    """What the achievement rules look at, as it stands after the activity."""

    lessons: int = 0
    modules: int = 0
    exercises: int = 0
    xp: int = 0
    days: int = 0
    first_try: bool = False
    perfect_score: bool = False
    # The slug of the module this activity completed.
    module: str | None = None


def usable(achievement: Achievement) -> bool:
    """Whether the rules understand the row: a known type, and criteria that type knows."""
    known = CRITERIA_OF_TYPE.get(achievement.type, frozenset())
    return bool(achievement.criteria) and achievement.criteria.keys() <= known


def met(achievement: Achievement, facts: Facts) -> bool:
    for key, wanted in achievement.criteria.items():
        if key in COUNTS:
            if getattr(facts, key) < int(wanted):
                return False
        elif key in FLAGS:
            if not (wanted and getattr(facts, key)):
                return False
        elif key == "module":
            if facts.module != wanted:
                return False
        else:
            return False
    return True


def newly_earned(
    catalogue: tuple[Achievement, ...], held: frozenset[int], facts: Facts
) -> list[Achievement]:
    """The achievements these facts earn that are not held yet, in catalogue order. The points
    of each count towards the XP milestones at once: earning one may earn another."""
    earned: list[Achievement] = []
    xp = facts.xp
    found = True
    while found:
        found = False
        current = replace(facts, xp=xp)
        for achievement in catalogue:
            if achievement.id in held or achievement in earned:
                continue
            if met(achievement, current):
                earned.append(achievement)
                xp += achievement.points
                found = True
    return earned


async def award(
    session: AsyncSession,
    user_id: int,
    catalogue: tuple[Achievement, ...],
    held: frozenset[int],
    facts: Facts,
    *,
    now: datetime,
) -> tuple[Achievement, ...]:
    """Give what the facts earn, each with its points as one ledger row; what this call
    actually inserted (the unique key decides, whatever runs concurrently)."""
    given = []
    for achievement in newly_earned(catalogue, held, facts):
        if await repo.award(session, user_id, achievement.id, now=now):
            await activity.add(
                session,
                user_id,
                ActivityType.ACHIEVEMENT_EARNED,
                entity_type=ACHIEVEMENT,
                entity_id=achievement.id,
                xp=achievement.points,
                now=now,
            )
            given.append(achievement)
    return tuple(given)


async def award_many(
    session: AsyncSession, awards: list[tuple[int, Achievement]], *, now: datetime
) -> list[tuple[int, Achievement]]:
    """`award` for many learners at once, in two statements: the awards, and their points as
    one ledger row each. The caller holds the learners' locks (their own activity awards under
    the same lock), so every award asked for is one this call makes; the unique key still keeps
    a learner from holding one twice."""
    if not awards:
        return []
    inserted = await repo.award_many(session, [(user_id, a.id) for user_id, a in awards], now=now)
    if inserted != len(awards):
        # Only if a caller awarded without holding the learners' locks: the ledger would pay
        # some twice, so nothing is paid or told and the batch is rolled back.
        raise RuntimeError(f"{len(awards) - inserted} of {len(awards)} awards were held already")
    await activity.add_many(
        session,
        [
            {
                "user_id": user_id,
                "activity_type": ActivityType.ACHIEVEMENT_EARNED,
                "entity_type": ACHIEVEMENT,
                "entity_id": achievement.id,
                "xp": achievement.points,
            }
            for user_id, achievement in awards
        ],
        now=now,
    )
    return awards


class AchievementCache:
    """The catalogue, read at first use and kept for the life of the process."""

    def __init__(self) -> None:
        self._catalogue: tuple[Achievement, ...] | None = None

    async def get(self, session: AsyncSession) -> tuple[Achievement, ...]:
        if self._catalogue is None:
            self._catalogue = await _load(session)
        return self._catalogue

    def forget(self) -> None:
        self._catalogue = None


async def _load(session: AsyncSession) -> tuple[Achievement, ...]:
    loaded = []
    for row in await repo.catalogue(session):
        achievement = Achievement(
            id=row.id,
            code=row.code,
            type=AchievementType(row.type),
            title=row.title,
            description=row.description,
            icon=row.icon,
            points=row.points,
            criteria=dict(row.criteria or {}),
        )
        if usable(achievement):
            loaded.append(achievement)
        else:
            log.warning("achievement %r has criteria no rule knows: %s", row.code, row.criteria)
    return tuple(loaded)


async def catalogue(session: AsyncSession, ctx: Context) -> tuple[Achievement, ...]:
    """The application's catalogue (read once, then kept)."""
    return await ctx.achievements.get(session)


@dataclass(frozen=True, slots=True)
class Earned:
    achievement: Achievement
    # The learner's local date it was earned on.
    on: date


@dataclass(frozen=True, slots=True)
class NextUp:
    achievement: Achievement
    # (done, needed) for a count; None for a flag the learner has not shown yet.
    progress: tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class AchievementsView:
    earned: list[Earned]
    next: list[NextUp]


@read_only
async def achievements_view(
    session: AsyncSession, ctx: Context, user_id: int, zone: tzinfo
) -> AchievementsView:
    """Earned ones, most recent first, then for each count the nearest threshold not reached
    yet and the badges not earned yet."""
    found = await catalogue(session, ctx)
    by_id = {a.id: a for a in found}
    mine = await standing.standing(session, user_id)
    rows = await repo.earned(session, user_id)
    today = local_date(ctx.clock.now(), zone)
    facts = Facts(
        lessons=mine.lessons_completed,
        modules=mine.modules_completed,
        exercises=mine.exercises_solved,
        xp=mine.xp,
        days=streaks.roll_over(mine.streak, today).current,
    )
    earned = [
        Earned(by_id[achievement_id], local_date(at, zone))
        for achievement_id, at in rows
        if achievement_id in by_id
    ]
    return AchievementsView(earned, _next_up(found, mine.held, facts))


def _next_up(
    catalogue: tuple[Achievement, ...], held: frozenset[int], facts: Facts
) -> list[NextUp]:
    nearest: dict[str, Achievement] = {}
    badges = []
    for achievement in catalogue:
        if achievement.id in held:
            continue
        threshold = achievement.threshold
        if threshold is None:
            badges.append(NextUp(achievement, None))
            continue
        key, needed = threshold
        best = nearest.get(key)
        if best is None or needed < _needed(best):
            nearest[key] = achievement
    counts = [
        NextUp(a, (min(getattr(facts, key), _needed(a)), _needed(a)))
        for key in COUNTS
        if (a := nearest.get(key)) is not None
    ]
    return counts + badges


def _needed(achievement: Achievement) -> int:
    threshold = achievement.threshold
    assert threshold is not None
    return threshold[1]
