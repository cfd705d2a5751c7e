"""The admin's routers: every admin feature under one parent filtered to ADMIN_IDS, then the
refusals a non-admin gets for what they found of it.

Each admin feature module builds its router in `create_router()`, like the learner's features.
"""

from __future__ import annotations

from aiogram import Router

from bot.handlers.admin import (
    authoring,
    broadcasts,
    course_file,
    menu,
    refusals,
    stats,
)
from bot.handlers.filters import from_admin


def build_admin_routers() -> list[Router]:
    admin = Router(name="admin")
    admin.message.filter(from_admin)
    admin.callback_query.filter(from_admin)
    admin.include_routers(
        menu.create_router(),
        # Before the other admin features, so a command or a file sent mid-dialog gets the
        # dialog's question again.
        authoring.create_router(),
        broadcasts.create_router(),
        stats.create_router(),
        course_file.create_router(),
    )
    return [admin, refusals.create_router()]
