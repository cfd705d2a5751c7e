"""The local chat's own rules, in process: numbers press buttons, a quoted number is text."""

from __future__ import annotations

import io

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.localchat import run_chat
from db.enums import ProgressStatus
from db.models import UserProgress
from tests.support.course import Course
from tests.support.rows import one


async def test_a_quoted_number_is_sent_as_an_answer(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], course: Course
) -> None:
    script = "\n".join(
        [
            "/start lesson-typing",
            "1",  # Start exercises
            '"1',  # a wrong typed answer: the text "1", not the Stop button
            "3",  # "c" of the multiple-choice question
            "",
        ]
    )
    out = io.StringIO()
    code = await run_chat(
        settings, user_id=4242, name="Ada", admin=False, stdin=io.StringIO(script), stdout=out
    )
    transcript = out.getvalue()
    assert code == 0
    assert "Not quite. The answer: 42" in transcript
    assert "Finished! 1 of 2 correct." in transcript
    assert "Okay, stopped" not in transcript
    row = await one(sessionmaker, UserProgress)
    assert row.status is ProgressStatus.COMPLETED  # 50% meets this lesson's pass mark of 50
    assert row.score == 50
