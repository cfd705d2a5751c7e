"""The local chat's own rules, in process: numbers press buttons, a quoted number is text."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import i18n
from bot import texts as en_texts
from bot.cli.chat import run_chat
from bot.cli.chat_input import read_message
from bot.config import Settings
from bot.services.exercises import Question
from bot.views.quiz import option_order
from db.enums import BroadcastKind, DeliveryStatus, ExerciseType, ProgressStatus
from db.models import Broadcast, BroadcastDelivery, Exercise, LeaderboardState, UserProgress
from tests.support.course import Course
from tests.support.factories import create_user
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


async def test_digits_that_are_no_button_number_are_sent_as_text(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], course: Course
) -> None:
    # str.isdigit() takes both, int() refuses both: they are text, not presses.
    script = "\n".join(["²", "7" * 5000, ""])
    out = io.StringIO()
    code = await run_chat(
        settings, user_id=4243, name="Ada", admin=False, stdin=io.StringIO(script), stdout=out
    )
    assert code == 0
    transcript = out.getvalue()
    assert "> ²\n" in transcript
    assert transcript.count(str(en_texts.STRAY_TEXT)) >= 2


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


# An admin writes a multiple-choice exercise through the authoring dialog, its three options on
# three lines (a line ending in "\" goes on). The buttons' numbers follow the dialog's screens:
# when the dialog changes, this script is the one place to adjust.
WRITE_A_MULTIPLE_CHOICE_EXERCISE = [
    "/admin",
    "1",  # Modules and lessons
    "1",  # Intro <course>
    "3",  # its third lesson, Just reading
    "4",  # Add exercise
    "1",  # Multiple choice
    "Which one is a list?",  # the question
    "(1, 2)\\",  # the options, one per line: one message
    "[1, 2]\\",
    "{1, 2}",
    "2",  # the right one: [1, 2]
    "Square brackets make a list.",  # the explanation
]


async def test_an_admin_writes_a_multiple_choice_exercise_over_several_lines(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], course: Course
) -> None:
    out = io.StringIO()
    script = "\n".join([*WRITE_A_MULTIPLE_CHOICE_EXERCISE, ""])
    code = await run_chat(
        settings, user_id=4244, name="Ada", admin=True, stdin=io.StringIO(script), stdout=out
    )
    transcript = out.getvalue()
    assert code == 0
    # Echoed as the one message it is.
    assert "> (1, 2)\n... [1, 2]\n... {1, 2}\n" in transcript
    exercise = await one(sessionmaker, Exercise, Exercise.lesson_id == course.lessons["reading"])
    assert (exercise.type, exercise.prompt, exercise.options, exercise.answer) == (
        ExerciseType.MULTIPLE_CHOICE,
        "Which one is a list?",
        ["(1, 2)", "[1, 2]", "{1, 2}"],
        "[1, 2]",
    )
    assert exercise.explanation == "Square brackets make a list."
    # The chat built the leaderboard when it opened, not minutes later.
    assert (await one(sessionmaker, LeaderboardState)).generation >= 1


async def test_a_broadcast_reaches_the_admins_own_chat(
    settings: Settings,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    course: Course,
) -> None:
    learner = await create_user(engine, 5001)
    script = "\n".join(
        [
            '"""',  # a block: the command and its text of two lines are one message
            "/broadcast Exam on Friday!",
            "Bring a pencil.",
            '"""',
            "1",  # Send
            "Big news: a new module!",
            "/broadcast",  # alone: a reply to the message above, offering a copy of it
            "2",  # Cancel
            "",
        ]
    )
    out = io.StringIO()
    code = await run_chat(
        settings, user_id=4245, name="Ada", admin=True, stdin=io.StringIO(script), stdout=out
    )
    transcript = out.getvalue()
    assert code == 0
    # The chat's own sender delivered it before the chat left: to the admin as a message of
    # their chat, to the other learner as a line; then it told the admin it finished.
    assert "bot:\n  Exam on Friday!\n  Bring a pencil.\n" in transcript, transcript
    assert "[a message to chat 5001]" in transcript
    assert re.search(r"bot:\n  📣 Broadcast #\d+ is finished\.\n  Delivered: 2\n", transcript)
    broadcast = await one(sessionmaker, Broadcast)
    assert (broadcast.kind, broadcast.text) == (
        BroadcastKind.TEXT,
        "Exam on Friday!\nBring a pencil.",
    )
    async with sessionmaker() as session:
        d = BroadcastDelivery
        deliveries = (await session.execute(select(d.user_id, d.status))).all()
    assert len(deliveries) == 2  # the admin and the learner
    assert learner in {user_id for user_id, _ in deliveries}
    assert {status for _, status in deliveries} == {DeliveryStatus.SENT}
    # /broadcast alone offered the message before it.
    offer = transcript.split("> /broadcast\n")[-1]
    assert "Send a copy of this message to 2 learners?" in offer


@pytest.mark.parametrize(
    ("typed", "messages"),
    [
        ("one\ntwo\n", [("one", False), ("two", False)]),
        ("one \\\n  two\\\nthree\n", [("one \n  two\nthree", True)]),
        ('"""\n1\n\n  indented\n"""\n2\n', [("1\n\n  indented", True), ("2", False)]),
        # Cut off by the end of the input: still sent.
        ('"""\nunfinished\n', [("unfinished", True)]),
        ("goes on\\\n", [("goes on", True)]),
    ],
)
async def test_lines_make_messages(typed: str, messages: list[tuple[str, bool]]) -> None:
    stdin = io.StringIO(typed)
    read = []
    while (message := await read_message(stdin)) is not None:
        read.append((message.text, message.several_lines))
    assert read == messages
