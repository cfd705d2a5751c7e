"""A learner's progress on a module: one row of counts per module, written in one statement."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, func
from sqlalchemy.dialects import mysql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.enums import ProgressStatus
from db.models import ModuleProgress

_modules = cast(Table, ModuleProgress.__table__)


def _module_upsert(dialect: str) -> Any:
    values: dict[str, Any] = {
        "user_id": bindparam("user_id"),
        "module_id": bindparam("module_id"),
        "status": bindparam("status"),
        "lessons_completed": bindparam("done"),
        "lessons_total": bindparam("total"),
        "started_at": bindparam("started_at"),
        "completed_at": bindparam("completed_at"),
        "created_at": bindparam("now"),
        "updated_at": bindparam("now"),
    }
    table = _modules
    stmt: Any = (mysql.insert if dialect == "mysql" else sqlite.insert)(table).values(values)
    new = stmt.inserted if dialect == "mysql" else stmt.excluded
    changes = {
        "status": new.status,
        "lessons_completed": new.lessons_completed,
        "lessons_total": new.lessons_total,
        # The first start and the first completion are kept; a module left incomplete again
        # (a reset, a lesson added) loses its completion date.
        "started_at": func.coalesce(table.c.started_at, new.started_at),
        "completed_at": case(
            (
                new.status == ProgressStatus.COMPLETED.value,
                func.coalesce(table.c.completed_at, new.completed_at),
            ),
            else_=None,
        ),
        "updated_at": new.updated_at,
    }
    if dialect == "mysql":
        return stmt.on_duplicate_key_update(changes)
    return stmt.on_conflict_do_update(index_elements=["user_id", "module_id"], set_=changes)


_MODULE_UPSERT = {"mysql": _module_upsert("mysql"), "sqlite": _module_upsert("sqlite")}


async def save_module_progress(
    session: AsyncSession,
    user_id: int,
    module_id: int,
    *,
    done: int,
    total: int,
    started: bool,
    now: datetime,
) -> None:
    """Store the learner's counts for the module in one statement."""
    if total and done >= total:
        status = ProgressStatus.COMPLETED
    elif started:
        status = ProgressStatus.IN_PROGRESS
    else:
        status = ProgressStatus.NOT_STARTED
    await session.execute(
        _MODULE_UPSERT[session.get_bind().dialect.name],
        {
            "user_id": user_id,
            "module_id": module_id,
            "status": status.value,
            "done": done,
            "total": total,
            "now": now,
            "started_at": now if started else None,
            "completed_at": now if status is ProgressStatus.COMPLETED else None,
        },
    )
