"""A learner whose Telegram reads Russian gets the whole bot in Russian, and only the course
itself (which is not translated) in the author's words; the same journey in English too.

"Every text" means every call the Bot API stand-in recorded: messages, edits, button labels,
toasts and alerts. A Russian text must hold no word of the English catalogue once the course's
own strings are taken out; an English one no Cyrillic letter.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from functools import cache

import pytest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
    SetMyCommands,
)
from aiogram.types import Chat as TgChat
from aiogram.types import InlineKeyboardMarkup, Message, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.callbacks.learner import LessonCb, MenuAction, MenuCb
from bot.cli.transcript import html_to_text
from bot.config import Settings
from bot.middlewares.throttling import ThrottlePolicy
from bot.services import lessons
from bot.services.content.parse import parse_course
from bot.services.context import Context
from bot.texts import commands, motivation
from bot.texts import progress as progress_texts
from bot.views.markdown import render_pages
from db.enums import ExerciseType
from db.models import Lesson, User
from tests.support.chat import Chat, make_chat
from tests.support.course import TEST_COURSE, Course
from tests.support.i18n import catalogue_path, forms, read_catalogue, reading
from tests.support.rows import one, rows, set_values

# The calls that carry what a learner reads; anything else recorded fails the journey, so a new
# kind of call cannot slip past the check unread.
TEXT_CALLS = (SendMessage, EditMessageText, EditMessageReplyMarkup, AnswerCallbackQuery)
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
COMMAND = re.compile(r"/\w+")
TAG = re.compile(r"<[^>]+>")
PLACEHOLDER = re.compile(r"{\w*}")
LEARNER_NAME = "Ada"  # make_chat's learner


@cache
def english_words() -> frozenset[str]:
    """The words of the English catalogue's own texts (commands, tags and placeholders aside)."""
    words: set[str] = set()
    for message in read_catalogue(catalogue_path("en")):
        if not message.id:
            continue
        for form in forms(message.string):
            plain = PLACEHOLDER.sub(" ", COMMAND.sub(" ", TAG.sub(" ", form)))
            words.update(w.lower() for w in ENGLISH_WORD.findall(plain))
    return frozenset(words)


@cache
def course_strings() -> tuple[str, ...]:
    """Everything the test course says in its author's words, as a learner sees it; longest
    first, so a title is taken out before a word inside it."""
    found: set[str] = {LEARNER_NAME}
    for module in parse_course(TEST_COURSE):
        found.update(filter(None, [module.title, module.description]))
        for lesson in module.lessons:
            found.add(lesson.title)
            for page in render_pages(lesson.content):
                found.update(html_to_text(page).splitlines())
            for exercise in lesson.exercises:
                found.update(filter(None, [exercise.prompt, exercise.explanation]))
                found.update(exercise.options or [])
                if exercise.type is ExerciseType.SHORT_ANSWER:
                    assert isinstance(exercise.answer, list)
                    found.update(str(answer) for answer in exercise.answer)
    return tuple(sorted((s.strip() for s in found if s.strip()), key=len, reverse=True))


def everything_said(chat: Chat) -> list[str]:
    """Each text, button label, toast and alert of every call the bot made, as plain text."""
    said: list[str] = []
    for call, result in zip(chat.api.calls, chat.api.results, strict=True):
        assert isinstance(call, TEXT_CALLS), f"unchecked call {type(call).__name__}"
        if isinstance(result, Exception):
            continue
        if isinstance(call, SendMessage | EditMessageText):
            said.append(html_to_text(call.text or ""))
        if isinstance(call, AnswerCallbackQuery) and call.text:
            said.append(call.text)
        markup = getattr(call, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            said += [button.text for row in markup.inline_keyboard for button in row]
    return said


def without_course(text: str) -> str:
    for content in course_strings():
        # Whole words only: the option "a" must not take the a's out of "again".
        text = re.sub(rf"(?<!\w){re.escape(content)}(?!\w)", " ", text)
    return COMMAND.sub(" ", text)


def english_in(text: str) -> set[str]:
    return {w for w in ENGLISH_WORD.findall(without_course(text)) if w.lower() in english_words()}


def assert_all_in(language: str, said: list[str]) -> None:
    assert said, "the bot said nothing"
    if language == "ru":
        leaks = {text: english_in(text) for text in said if english_in(text)}
        assert leaks == {}, "English words in the Russian journey"
        assert any(CYRILLIC.search(text) for text in said)
    else:
        leaks = {text: set(CYRILLIC.findall(text)) for text in said if CYRILLIC.search(text)}
        assert leaks == {}, "Cyrillic in the English journey"


# A journey runs once for a learner whose client reads Russian, once for English; `bot.texts` is
# read in the same language, so the journey presses the buttons it sees.
both_languages = pytest.mark.parametrize("reading_language", ["ru", "en"])


@pytest.fixture
async def chat(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    reading_language: str,
    context: Context,
) -> AsyncIterator[Chat]:
    chat = make_chat(settings, sessionmaker, context, language_code=reading_language)
    yield chat
    await chat.bot.session.close()
    assert chat.failures() == []


def unlocked(icon: str, code: str, points: int) -> str:
    return motivation.achievement_unlocked(icon, motivation.achievement_title(code, ""), points)


@both_languages
async def test_the_journey_speaks_the_learners_language(
    chat: Chat, course: Course, reading_language: str
) -> None:
    # Main menu, Courses, a module, a lesson.
    await chat.send_text("/start")
    assert chat.last_text == texts.welcome(LEARNER_NAME)
    assert chat.labels()[0] == texts.MENU_CONTINUE
    await chat.tap(texts.MENU_COURSES)
    assert chat.last_text.startswith(str(texts.COURSES_TITLE))
    await chat.tap("Intro <course>")
    await chat.tap("Basics")
    assert texts.exercise_count(2) in chat.last_text
    await chat.tap(texts.START_EXERCISES)

    # A wrong answer, then a right one, and the result: not passed.
    assert texts.question_heading("Basics", 1, 2) in chat.last_text
    stale = chat.button("b", exact=True)
    await chat.answer("a")
    assert chat.callback_texts()[-1] == texts.WRONG_MARK
    assert chat.labels() == [texts.TRUE, texts.FALSE, texts.STOP_EXERCISES]
    await chat.tap(texts.TRUE, exact=True)
    assert texts.your_answer(str(texts.TRUE)) in chat.texts()[-2]
    assert chat.last_text.startswith(texts.run_result(1, 2, 50, 50, 70, False).split("\n")[0])

    # Another run; a button of the first is stale; this time it passes.
    await chat.tap(texts.TRY_AGAIN)
    await chat.press(stale)
    assert chat.callback_texts()[-1] == texts.QUESTION_STALE
    await chat.answer("b")
    await chat.tap(texts.TRUE, exact=True)
    assert chat.last_text == "\n".join(
        [
            texts.run_result(2, 2, 100, 100, 70, True),
            texts.xp_gained(10),
            motivation.streak(1, 0),
            motivation.achievement_unlocked(
                "🎓", motivation.achievement_title("first_lesson", ""), 10
            ),
            motivation.achievement_unlocked(
                "💯", motivation.achievement_title("perfect_score", ""), 15
            ),
        ]
    )

    # The next lesson asks for a typed answer.
    await chat.tap(texts.NEXT_LESSON)
    await chat.tap(texts.START_EXERCISES)
    assert str(texts.TYPE_ANSWER) in chat.last_text
    await chat.send_text("42")
    assert texts.answer_feedback(True, "42", None) in chat.texts()
    await chat.answer("c")
    assert texts.run_result(2, 2, 100, 100, 50, True) in chat.last_text

    # A lesson without exercises is marked as done.
    await chat.send_text("/continue")
    await chat.tap(texts.MARK_DONE)
    assert chat.last_text.startswith(str(texts.LESSON_COMPLETED))

    # My progress.
    await chat.send_text("/progress")
    assert progress_texts.lessons_completed_of(3, 4) in chat.last_text
    assert chat.labels() == [texts.BACK_TO_MENU]

    # Reset a lesson: asked first, then done.
    await chat.send_text("/courses")
    await chat.tap("Intro <course>")
    await chat.tap("Basics")
    await chat.tap(texts.RESET)
    assert chat.last_text == texts.reset_question("Basics")
    await chat.tap(texts.RESET_CONFIRM)
    assert chat.callback_texts()[-1] == texts.RESET_DONE
    await chat.tap(texts.BACK_TO_COURSES)

    # The fallback's hints and the notices of what is not there yet.
    await chat.send_text("/nonsense")
    assert chat.last_text == texts.UNKNOWN_COMMAND
    await chat.send_text("hello?")
    assert chat.last_text == texts.STRAY_TEXT
    await chat.press_data("not:a:button")
    assert chat.callback_texts()[-1] == texts.BUTTON_NOT_UNDERSTOOD
    await chat.send_text("/cancel")
    assert chat.last_text == texts.NOTHING_TO_CANCEL
    await chat.press_data(MenuCb(action=MenuAction.ACHIEVEMENTS))
    assert chat.last_text.startswith(str(motivation.ACHIEVEMENTS_TITLE))
    await chat.send_text("/help")
    assert chat.last_text == texts.HELP

    assert_all_in(reading_language, everything_said(chat))


@both_languages
async def test_stops_and_dead_ends_speak_the_learners_language(
    chat: Chat,
    course: Course,
    reading_language: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await chat.send_text("/start lesson-typing")
    await chat.tap(texts.START_EXERCISES)
    await chat.answer("41")
    assert texts.answer_feedback(False, "42", None) in chat.texts()
    await chat.tap(texts.STOP_EXERCISES)
    assert chat.callback_texts()[-1] == texts.EXERCISES_STOPPED
    await chat.tap(texts.RESUME_EXERCISES)
    await chat.send_text("/start lesson-nope")
    assert chat.last_text == texts.LESSON_NOT_FOUND

    # The lesson is taken down while its page is still on screen.
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await set_values(sessionmaker, Lesson, course.lessons["basics"], is_published=False)
    await chat.tap(texts.START_EXERCISES)
    assert chat.callback_texts()[-1] == texts.LESSON_UNAVAILABLE
    assert chat.last_text == texts.MAIN_MENU

    assert_all_in(reading_language, everything_said(chat))


@both_languages
async def test_a_failure_is_told_in_the_learners_language(
    chat: Chat,
    course: Course,
    reading_language: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the course store is on fire")

    monkeypatch.setattr(lessons, "list_modules", broken)
    with caplog.at_level(logging.CRITICAL):  # the failure is logged; the point is what is said
        await chat.send_text("/courses")

    assert chat.last_text == texts.ERROR
    assert_all_in(reading_language, everything_said(chat))
    chat.api.calls.clear()  # the failure was the point: the fixture's check would flag it
    chat.api.results.clear()


@pytest.mark.parametrize("client", ["ru", "ru-RU", "uk", "be", "kk"])
async def test_russian_reading_clients_get_russian(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    client: str,
    context: Context,
) -> None:
    chat = make_chat(settings, sessionmaker, context, language_code=client)
    await chat.send_text("/help")
    await chat.bot.session.close()

    with reading("ru"):
        assert chat.last_text == texts.HELP
    assert (await one(sessionmaker, User)).language == "ru"


async def test_a_stored_language_wins_over_the_client(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    english = make_chat(settings, sessionmaker, context, language_code="en")
    await english.send_text("/help")
    # The same learner's client now says Russian: they still read English, as stored...
    russian_client = make_chat(settings, sessionmaker, context, language_code="ru")
    await russian_client.send_text("/help")
    with reading("en"):
        assert russian_client.last_text == texts.HELP
    # ...until their stored language changes (what the Settings screen will do, forgetting the
    # learner this process remembered as they were).
    user = await one(sessionmaker, User)
    await set_values(sessionmaker, User, user.id, language="ru")
    russian_client.dp["learner_cache"].forget(user.telegram_id)
    await russian_client.send_text("/help")
    with reading("ru"):
        assert russian_client.last_text == texts.HELP
    for chat in (english, russian_client):
        await chat.bot.session.close()


async def test_the_command_menu_is_registered_in_english_and_in_russian(chat: Chat) -> None:
    await chat.dp.emit_startup(bot=chat.bot, dispatcher=chat.dp, **chat.dp.workflow_data)

    menus = {
        call.language_code: {c.command: c.description for c in call.commands}
        for call in chat.api.sent(SetMyCommands)
    }
    assert menus.keys() == {None, "ru", "uk", "be", "kk"}
    clients: dict[str, list[str | None]] = {"en": [None], "ru": ["ru", "uk", "be", "kk"]}
    for language, codes in clients.items():
        with reading(language):
            expected = {c: str(d) for c, d in commands.COMMAND_DESCRIPTIONS.items()}
        for code in codes:
            assert menus[code] == expected
    assert menus[None]["courses"] != menus["ru"]["courses"]
    assert_all_in("ru", list(menus["ru"].values()))
    assert_all_in("en", list(menus[None].values()))


async def test_the_throttle_speaks_the_clients_language_before_anyone_is_looked_up(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    chat = make_chat(
        settings,
        sessionmaker,
        context,
        language_code="ru",
        throttle=ThrottlePolicy(limit=1, window=60),
    )
    await chat.send_text("/help")
    await chat.send_text("/help")
    await chat.bot.session.close()

    with reading("ru"):
        assert chat.texts() == [texts.HELP, texts.THROTTLED]


async def test_a_group_is_answered_in_the_clients_language(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    group = TgChat(id=-4000, type="group", title="Учебная группа")
    user = chat.user.model_copy(update={"language_code": "ru"})
    message = Message(
        message_id=1, date=datetime.now(UTC), chat=group, from_user=user, text="/start"
    )
    await chat.dp.feed_update(chat.bot, Update(update_id=next(chat.ids), message=message))

    with reading("ru"):
        assert chat.texts() == [texts.PRIVATE_ONLY]
    assert await rows(sessionmaker, User) == []  # nobody registered: no learner in groups


WORD = re.compile(r"[A-Za-zА-Яа-яЁё]{2,}")


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(PLACEHOLDER.sub(" ", TAG.sub(" ", text)))}


@both_languages
async def test_a_failed_true_or_false_question_reads_consistently(
    chat: Chat, course: Course, reading_language: str
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["deep"]))
    await chat.tap(texts.START_EXERCISES)
    assert chat.labels() == [texts.TRUE, texts.FALSE, texts.STOP_EXERCISES]
    # Typed instead of tapped: the question comes back under a hint.
    await chat.send_text("?")
    assert chat.last_text.startswith(str(texts.TAP_AN_ANSWER))
    assert chat.labels() == [texts.TRUE, texts.FALSE, texts.STOP_EXERCISES]

    await chat.tap(texts.TRUE, exact=True)  # wrong: the statement is false

    answered = chat.texts()[-2]
    assert texts.your_answer(str(texts.TRUE)) in answered
    assert texts.answer_feedback(False, str(texts.FALSE), None) in answered
    # The verdicts speak of right and wrong, the buttons of true and false: a wrong "True" is
    # never told in the words of the answer it got wrong.
    verdicts = words(texts.answer_feedback(True, "", None)) | words(
        texts.answer_feedback(False, "", None)
    )
    assert verdicts.isdisjoint(words(str(texts.TRUE)) | words(str(texts.FALSE)))
    assert chat.last_text.startswith(texts.run_result(0, 1, 0, 0, 70, False).split("\n")[0])
    assert chat.labels() == [
        texts.READ_AGAIN,
        texts.TRY_AGAIN,
        texts.REVIEW_MISTAKES,
        texts.BACK_TO_MODULE,
        texts.BACK_TO_MENU,
    ]

    await chat.tap(texts.READ_AGAIN)
    await chat.tap(texts.START_EXERCISES)
    await chat.tap(texts.FALSE, exact=True)
    assert texts.answer_feedback(True, str(texts.FALSE), None) in chat.texts()[-2]
    assert texts.module_completed("Next steps") in chat.last_text
    assert str(motivation.STREAK_STARTED) in chat.last_text

    assert_all_in(reading_language, everything_said(chat))


# A sentence that speaks to the learner ("ты", "твой") in the past tense or with a short
# adjective takes a gender in Russian ("ты получил" / "ты получила"): the catalogue avoids them.
ADDRESSED = re.compile(r"\b(ты|тебя|тебе|тобой|тво[йяёи]\w*)\b", re.IGNORECASE)
PAST_TENSE = re.compile(r"\b[а-яё]{2,}(ил|ел|ал|ял|ул|ыл|ёл|ла|лся|лась)\b", re.IGNORECASE)
GENDERED = re.compile(
    r"\b(готов|готова|рад|рада|уверен|уверена|должен|должна|согласен|согласна|"
    r"стань первым|стань первой)\b",
    re.IGNORECASE,
)
SENTENCE = re.compile(r"(?<=[.!?:])\s+|\n")


def test_the_russian_catalogue_addresses_the_learner_without_a_gender() -> None:
    gendered = []
    for message in read_catalogue(catalogue_path("ru")):
        for form in forms(message.string) if message.id else []:
            for sentence in SENTENCE.split(form):
                addressed_in_past = ADDRESSED.search(sentence) and PAST_TENSE.search(sentence)
                if addressed_in_past or GENDERED.search(sentence):
                    gendered.append(sentence)
    assert gendered == []
    # The check sees what it is meant to.
    assert PAST_TENSE.search("Ты получил все достижения") and GENDERED.search("стань первым")
