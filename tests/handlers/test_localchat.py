"""The local chat's own rules, in process: numbers press buttons, a quoted number is text."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import i18n
from bot.cli.chat import run_chat
from bot.config import Settings
from bot.services.exercises import Question
from bot.views.quiz import option_order
from db.enums import ExerciseType, ProgressStatus
from db.models import UserProgress
from tests.support.course import Course
from tests.support.rows import one


async def test_a_quoted_number_is_sent_as_an_answer(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], course: Course
) -> None:
    # The run shows the multiple-choice question's options in its own order: find "c".
    second = Question(
        lesson_id=course.lessons["typing"],
        lesson_title="Typing answers",
        run=1,
        exercise_id=course.exercises["typing"][1],
        number=2,
        total=2,
        type=ExerciseType.MULTIPLE_CHOICE,
        prompt="",
        choices=["a", "b", "c"],
    )
    c_button = option_order(second).index(2) + 1
    script = "\n".join(
        [
            "/start lesson-typing",
            "1",  # Start exercises
            '"1',  # a wrong typed answer: the text "1", not the Stop button
            str(c_button),  # "c" of the multiple-choice question
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


async def test_an_admin_chat_shows_the_chart_and_the_course_file_it_was_sent(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], course: Course
) -> None:
    script = "\n".join(["/start lesson-typing", "/stats", "/export", ""])
    out = io.StringIO()
    code = await run_chat(
        settings, user_id=4243, name="Ada", admin=True, stdin=io.StringIO(script), stdout=out
    )
    transcript = out.getvalue()
    assert code == 0
    # /stats: the figures, then the chart, whose button is numbered like any other.
    assert re.search(r"\[picture: stats\.png, [\d,]+ bytes\]", transcript), transcript
    assert re.search(r"\[file: course\.yaml, [\d,]+ bytes\]", transcript), transcript
    after_chart = transcript.split("[picture: stats.png")[1]
    assert "[1] 🛠 Admin menu" in after_chart


async def test_a_missing_catalogue_stops_the_chat_before_it_writes_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    english = i18n.LOCALES_DIR / "en" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    only_english = tmp_path / "locales" / "en" / "LC_MESSAGES" / english.name
    only_english.parent.mkdir(parents=True)
    only_english.write_bytes(english.read_bytes())
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path / "locales")
    database = tmp_path / "learnbot.db"
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{database}")

    with pytest.raises(i18n.CataloguesMissing, match="no catalogue for ru"):
        await run_chat(
            settings,
            user_id=1,
            name="Ada",
            admin=False,
            stdin=io.StringIO(""),
            stdout=io.StringIO(),
        )
    assert not database.exists()
