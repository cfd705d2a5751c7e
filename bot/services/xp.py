"""XP rules: a lesson pays `xp x score / 100` once; a better score later pays the difference."""

from __future__ import annotations


def lesson_xp_for(lesson_xp: int, score: int | None) -> int:
    """A lesson without a score (no exercises) pays its full XP."""
    if score is None:
        return lesson_xp
    return (lesson_xp * score + 50) // 100


def lesson_xp_owed(lesson_xp: int, best_score: int | None, granted: int) -> int:
    """What the learner is owed for the lesson now, given what the ledger already holds.

    What was granted before stays in the ledger, so resetting and redoing a lesson earns nothing
    new unless the score beats every earlier one.
    """
    return max(lesson_xp_for(lesson_xp, best_score) - granted, 0)
