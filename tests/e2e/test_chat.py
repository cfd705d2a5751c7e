"""`learnbot chat` and `make run`'s quickstart as processes, driven through standard input.

SQLite only: these tests check the process (the transcript it prints, exit codes, what a lesson
run leaves in the database), not persistence across backends.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from sqlalchemy import select

from bot.cli.main import EXIT_INTERRUPTED
from bot.services.content.parse import parse_course
from bot.services.content.spec import ExerciseSpec, LessonSpec
from bot.services.exercises import Question
from bot.views.quiz import option_order
from db.engine import create_engine
from db.enums import ExerciseType, ProgressStatus
from db.models import Exercise, Lesson, User, UserProgress
from tests.e2e.process import BotProcess, child_env, learnbot, run_command
from tests.support.course import TEST_COURSE
from tests.support.databases import migrated_database

CHAT_USER_ID = 1000  # `learnbot chat`'s default --user-id
BUTTON = re.compile(r"^  \[(\d+)\] (.*)$")
PRESS = re.compile(r"^> (\d+)$")


def first_lesson() -> LessonSpec:
    """What Continue opens for a newcomer: the first lesson of the first module."""
    module = min(parse_course(TEST_COURSE), key=lambda m: m.order)
    return module.lessons[0]


def correct_choice(exercise: ExerciseSpec) -> str:
    """The label of the button that answers `exercise` correctly."""
    if exercise.type is ExerciseType.MULTIPLE_CHOICE:
        assert isinstance(exercise.answer, str)
        return exercise.answer
    assert exercise.type is ExerciseType.TRUE_FALSE, "the chat script presses buttons only"
    return "True" if exercise.answer is True else "False"


def choice_number(exercise: ExerciseSpec, lesson_id: int, exercise_id: int) -> int:
    """The number of the right answer's button in the learner's first run, which shows a
    multiple-choice question's options in an order of its own."""
    if exercise.type is ExerciseType.MULTIPLE_CHOICE:
        assert exercise.options is not None
        question = Question(
            lesson_id=lesson_id,
            lesson_title="",
            run=1,
            exercise_id=exercise_id,
            number=1,
            total=1,
            type=exercise.type,
            prompt=exercise.prompt,
            choices=list(exercise.options),
        )
        return option_order(question).index(exercise.options.index(correct_choice(exercise))) + 1
    return 1 if exercise.answer is True else 2  # True / False, in that order


async def lesson_ids(url: str, slug: str) -> tuple[int, list[int]]:
    """The lesson's id and its exercises' ids, in order."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            lesson_id = (
                await conn.execute(select(Lesson.id).where(Lesson.slug == slug))
            ).scalar_one()
            exercise_ids = (
                await conn.execute(
                    select(Exercise.id)
                    .where(Exercise.lesson_id == lesson_id)
                    .order_by(Exercise.order)
                )
            ).scalars()
            return lesson_id, list(exercise_ids)
    finally:
        await engine.dispose()


def pressed_buttons(transcript: str) -> list[str]:
    """The label of each button the script pressed, read off the keyboards the chat printed."""
    keyboard: list[str] = []
    pressed: list[str] = []
    for line in transcript.splitlines():
        if match := BUTTON.match(line):
            number, label = int(match[1]), match[2]
            keyboard = [label] if number == 1 else [*keyboard, label]
        elif match := PRESS.match(line):
            number = int(match[1])
            assert 1 <= number <= len(keyboard), f"no button {number} in {keyboard}"
            pressed.append(keyboard[number - 1])
    return pressed


async def test_chat_completes_the_first_lesson(tmp_path: Path, workdir: Path) -> None:
    url = await migrated_database(tmp_path / "chat.db", TEST_COURSE)
    lesson = first_lesson()
    # Continue (first in the main menu), Start exercises (first under a lesson), then each
    # exercise's right answer; the end of the input ends the chat.
    lesson_id, exercise_ids = await lesson_ids(url, lesson.slug)
    numbers = [
        choice_number(e, lesson_id, exercise_id)
        for e, exercise_id in zip(lesson.exercises, exercise_ids, strict=True)
    ]
    script = ["1", "1", *(str(n) for n in numbers)]
    expected = ["Continue", "Start exercises", *(correct_choice(e) for e in lesson.exercises)]

    result = run_command(
        learnbot("chat"),
        env=child_env(DATABASE_URL=url),
        cwd=workdir,
        stdin="".join(f"{line}\n" for line in script),
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + out, result.stderr
    assert "loaded the sample course" not in out
    pressed = pressed_buttons(out)
    assert len(pressed) == len(expected), out
    for label, want in zip(pressed, expected, strict=True):
        assert want in label, f"pressed {label!r}, meant {want!r}\n{out}"
    assert lesson.title in out
    assert "Finished!" in out
    assert "Passed!" in out
    assert f"+{lesson.xp} XP" in out
    assert out.rstrip().endswith("Bye!")

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    select(UserProgress.status, UserProgress.score)
                    .join(User, User.id == UserProgress.user_id)
                    .join(Lesson, Lesson.id == UserProgress.lesson_id)
                    .where(User.telegram_id == CHAT_USER_ID, Lesson.slug == lesson.slug)
                )
            ).one()
    finally:
        await engine.dispose()
    assert row.status is ProgressStatus.COMPLETED
    assert row.score == 100


async def test_chat_loads_the_sample_course_into_an_empty_database(
    tmp_path: Path, workdir: Path
) -> None:
    url = await migrated_database(tmp_path / "empty.db")
    result = run_command(
        learnbot("chat"), env=child_env(DATABASE_URL=url), cwd=workdir, stdin="/quit\n"
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert "loaded the sample course" in result.stdout
    assert "Hi, Alex" in result.stdout


async def test_chat_stops_on_ctrl_c_without_waiting_for_input(
    tmp_path: Path, workdir: Path
) -> None:
    url = await migrated_database(tmp_path / "chat.db", TEST_COURSE)
    env = child_env(DATABASE_URL=url)
    with BotProcess(["chat"], env=env, cwd=workdir, keep_stdin=True) as chat:
        await chat.wait_for_output("Hi, Alex")
        code = await chat.interrupt()
        stderr = chat.stderr
    assert code == EXIT_INTERRUPTED, stderr
    assert "Traceback" not in stderr, stderr
    assert "interrupted" in stderr


def test_quickstart_without_token_opens_the_local_chat(workdir: Path) -> None:
    """README's `make run` path: no BOT_TOKEN, no DATABASE_URL, a fresh working directory."""
    result = run_command(
        [sys.executable, "-m", "bot.cli.quickstart"], env=child_env(), cwd=workdir, stdin="/quit\n"
    )
    assert result.returncode == 0, result.stderr
    output = result.stderr + result.stdout
    assert "Traceback" not in output, result.stderr
    assert "No BOT_TOKEN is set" in result.stderr
    assert "local chat" in result.stderr
    assert "Hi, Alex" in result.stdout
    assert (workdir / "learnbot.db").is_file(), "the embedded default lives in the cwd"


async def test_chat_as_a_russian_client(tmp_path: Path, workdir: Path) -> None:
    url = await migrated_database(tmp_path / "chat.db", TEST_COURSE)
    # Courses (third in the main menu, after Continue and Review), then the first module.
    result = run_command(
        learnbot("chat", "--language", "ru"),
        env=child_env(DATABASE_URL=url),
        cwd=workdir,
        stdin="3\n1\n/help\n",
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + out, result.stderr
    assert "language ru" in out
    assert "Привет, Саша!" in out
    assert "  [3] 📚 Курсы" in out
    assert "пройдено: 0 из 3 уроков" in out  # the first module's page
    assert "Как всё устроено" in out
