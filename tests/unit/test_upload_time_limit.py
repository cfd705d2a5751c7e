"""A serving process cuts each unit of work off after a few seconds; an admin's course file is
previewed and imported under a longer limit, which ends with them."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.services.broadcasts.pushes import count_recipients
from bot.services.content.parse import parse_course
from bot.services.content.sample import sample_course_path
from bot.services.content.upload import apply_course, preview_course
from bot.services.context import Context
from db.engine import UNIT_TIMEOUT_KEY, create_sessionmaker
from db.models import Module
from tests.support.factories import count

# Shorter than any unit that talks to the database: every ordinary unit runs out of time.
NO_TIME = 1e-6


async def test_a_course_file_gets_more_time_than_an_ordinary_unit(
    engine: AsyncEngine, context: Context
) -> None:
    modules = parse_course(sample_course_path().read_text(encoding="utf-8"))
    sessionmaker = create_sessionmaker(engine, unit_seconds=NO_TIME)
    async with sessionmaker() as session:
        with pytest.raises(TimeoutError):
            await count_recipients(session, 1)

        preview = await preview_course(session, modules)
        assert preview.report.modules.created == len(modules)
        report = await apply_course(session, context, modules, publish=False)
        assert report.modules.created == len(modules)

        # The longer limit ended with the import.
        assert session.info[UNIT_TIMEOUT_KEY] == NO_TIME
        with pytest.raises(TimeoutError):
            await count_recipients(session, 1)
    assert await count(engine, Module) == len(modules)
