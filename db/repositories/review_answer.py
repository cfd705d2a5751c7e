"""The one statement an answer in a lesson writes to its review card: an upsert built once per
dialect and sent as SQL compiled once (see `driver_sql`), as it runs on nearly every answer."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, case
from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.engine import Dialect

from db.models import ReviewCard

if TYPE_CHECKING:
    from db.repositories.review import CardState

_cards = cast(Table, ReviewCard.__table__)

# The FSRS state of a card, as the scheduler reads and writes it.
FSRS_COLUMNS = ("state", "step", "stability", "difficulty", "due_at", "last_review_at")


def fresh_values(
    user_id: int, exercise_id: int, fresh: CardState, right: bool, now: datetime
) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "exercise_id": exercise_id,
        **{name: getattr(fresh, name) for name in FSRS_COLUMNS},
        "last_right": right,
        "reviews": 0,
        "retired_at": None,
        "created_at": now,
        "updated_at": now,
    }


# The upsert's parameters, which fresh_values gives.
_FRESH = (
    "user_id",
    "exercise_id",
    *FSRS_COLUMNS,
    "last_right",
    "reviews",
    "retired_at",
    "created_at",
    "updated_at",
)


def _on_conflict(old: Any, new: Any) -> list[tuple[str, Any]]:
    """What an answer in a lesson does to a card that exists: a retired card (its exercise was
    rewritten) starts again as new; a live one keeps its schedule, except that a wrong answer
    brings it back at once. Ordered: MySQL evaluates the assignments left to right, each seeing
    the ones before, so `retired_at` is read by all before it is cleared last."""
    retired = old["retired_at"].is_not(None)
    columns: list[tuple[str, Any]] = [
        (name, case((retired, new[name]), else_=old[name]))
        for name in FSRS_COLUMNS
        if name != "due_at"
    ]
    columns += [
        (
            "due_at",
            case((retired | new["last_right"].is_(False), new["due_at"]), else_=old["due_at"]),
        ),
        ("reviews", case((retired, 0), else_=old["reviews"])),
        ("last_right", new["last_right"]),
        ("updated_at", new["updated_at"]),
        ("retired_at", None),
    ]
    return columns


def record_answer_statement(dialect: Dialect) -> Any:
    values = {name: bindparam(name, type_=_cards.c[name].type) for name in _FRESH}
    if dialect.name == "mysql":
        mine = mysql.insert(_cards).values(values)
        return mine.on_duplicate_key_update(_on_conflict(_cards.c, mine.inserted))
    lite = sqlite.insert(_cards).values(values)
    return lite.on_conflict_do_update(
        index_elements=["user_id", "exercise_id"],
        set_=dict(_on_conflict(_cards.c, lite.excluded)),
    )
