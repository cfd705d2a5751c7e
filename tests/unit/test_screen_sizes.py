"""Every screen built from authors' and learners' content fits one Telegram message as Telegram
counts it (UTF-16 units of the visible text), however long that content is: lists give way to
"…and N more.", long titles and prompts to an ellipsis. The content here is what plain SQL or a
course file at its limits can hold: emoji-heavy, so each character weighs two units or more."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import texts
from bot.services.authoring.lessons import ExerciseLine, LessonDetail
from bot.services.authoring.modules import LessonLine, ModuleDetail, ModuleSummary
from bot.services.exercises import Feedback, NextQuestion, Question
from bot.services.lessons import LessonView, ModuleView
from bot.services.review import ReviewFigures
from bot.services.summary import ProgressSummary
from bot.texts import authoring as authoring_texts
from bot.texts import progress as progress_texts
from bot.views.admin.authoring import lessons as authoring_lessons
from bot.views.admin.authoring import modules as authoring_modules
from bot.views.admin.authoring.dialog import current_text
from bot.views.admin.broadcasts import _shorten
from bot.views.course import courses_screen, lesson_screen, module_screen
from bot.views.progress import progress_screen
from bot.views.quiz import answered_question_text, question_screen
from db.enums import ExerciseType, ProgressStatus
from db.repositories.course import LessonRow, ModuleRow
from db.repositories.standing import Streak
from tests.support.i18n import reading
from tests.support.telegram_text import telegram_length

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 11 UTF-16 units
LIMIT = 4096
TITLE = "😀" * 200  # the longest title a course file accepts: 400 units
LONG = "😀" * 3000  # what only SQL can write: 6,000 units


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with reading("en"):
        yield


def lesson_rows(count: int) -> list[LessonRow]:
    return [
        LessonRow(n, 1, f"l{n}", TITLE, n, 5, 1, ProgressStatus.NOT_STARTED, None)
        for n in range(1, count + 1)
    ]


def test_the_list_of_many_long_modules_says_how_many_more() -> None:
    rows = [ModuleRow(n, f"m{n}", TITLE, None, 10, 3) for n in range(1, 101)]
    text = courses_screen(rows).text
    assert telegram_length(text) <= LIMIT
    shown = text.count(TITLE)
    assert 0 < shown < 100
    assert text.endswith(texts.and_more(100 - shown))


def test_progress_keeps_its_figures_below_a_long_list_of_modules() -> None:
    rows = [ModuleRow(n, f"m{n}", TITLE, None, 10, 3) for n in range(1, 101)]
    summary = ProgressSummary(
        rows, 30, 1000, 80.0, 3600, 500, Streak(current=3, longest=9), ReviewFigures(40, 30, 9, 85)
    )
    text = progress_screen(summary).text
    assert telegram_length(text) <= LIMIT
    assert texts.and_more(100 - text.count(TITLE)) in text
    assert progress_texts.total_xp(500) in text


def test_a_module_with_a_description_written_in_sql_still_fits() -> None:
    text = module_screen(ModuleView(1, LONG, LONG, lesson_rows(3))).text
    assert telegram_length(text) <= LIMIT
    assert "lessons completed" in text


def test_a_lesson_page_under_a_title_written_in_sql_still_fits() -> None:
    view = LessonView(
        id=1,
        module_id=1,
        slug="l",
        title=LONG,
        content=FAMILY * 1500,
        estimated_minutes=5,
        xp=10,
        pass_score=70,
        exercise_count=2,
        status=ProgressStatus.IN_PROGRESS,
        score=None,
        attempts=0,
        run_open=False,
    )
    for page in range(5):
        text = lesson_screen(view, page).text
        assert telegram_length(text) <= LIMIT
        assert texts.page_of(page + 1, 5) in text
        assert FAMILY * 200 in text  # the page itself is whole: the title gave way


def question(prompt: str, title: str = TITLE) -> Question:
    return Question(1, title, 1, 7, 1, 3, ExerciseType.MULTIPLE_CHOICE, prompt, ["a", "b"])


def test_a_question_and_its_feedback_fit_one_message() -> None:
    long_prompt = "😀" * 1000  # the course file's longest prompt and explanation: 2,000 units
    asked = question(long_prompt)
    assert telegram_length(question_screen(asked).text) <= LIMIT
    feedback = Feedback("b" * 900, False, "a", "💡" * 1000)
    text = answered_question_text(NextQuestion(asked, feedback, asked))
    assert telegram_length(text) <= LIMIT
    assert text.endswith("💡" * 1000), "the feedback is whole: the question gave way"
    assert telegram_length(question_screen(question(LONG, LONG)).text) <= LIMIT


def test_the_admin_lists_fit_and_say_how_many_more() -> None:
    summaries = [ModuleSummary(n, f"m{n}", TITLE, True, 3, 3) for n in range(1, 101)]
    text = authoring_modules.modules_screen(summaries).text
    assert telegram_length(text) <= LIMIT
    assert texts.and_more(100 - text.count(TITLE)) in text

    lines = [LessonLine(n, f"l{n}", TITLE, True, 2) for n in range(1, 101)]
    text = authoring_modules.module_screen(ModuleDetail(1, "m", LONG, LONG, True, lines)).text
    assert telegram_length(text) <= LIMIT
    shown = text.count("· 2 exercises")
    assert shown > 0
    assert text.endswith(texts.and_more(100 - shown))

    exercises = [
        ExerciseLine(n, ExerciseType.SHORT_ANSWER, "😀" * 1000, None, [FAMILY * 90] * 3, None)
        for n in range(1, 51)
    ]
    detail = LessonDetail(
        id=1,
        module_id=1,
        module_title=LONG,
        module_published=True,
        slug="l",
        title=LONG,
        content="x",
        estimated_minutes=None,
        xp=10,
        pass_score=70,
        is_published=True,
        exercises=exercises,
        position=1,
        siblings=1,
    )
    text = authoring_lessons.lesson_screen(detail).text
    assert telegram_length(text) <= LIMIT
    assert "…and " in text.splitlines()[-1]


def test_a_value_to_keep_written_in_sql_takes_at_most_half_a_message() -> None:
    frame = telegram_length(authoring_texts.current_value(""))
    for value in (LONG, [LONG, "<b>"]):
        text = current_text(value)
        assert frame < telegram_length(text) <= frame + LIMIT // 2
        assert "…</code>" in text


def test_a_broadcast_is_named_by_its_beginning_without_breaking_an_emoji() -> None:
    assert _shorten(FAMILY * 10) == FAMILY * 3 + "…"
    assert _shorten("short  text\nhere") == "short text here"
