"""An admin sends a course file built to break the bot, or a very big one: it gets a clear
answer, the process goes on, and learners are answered while the file is checked, because
the check runs beside the updates, not in one."""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Iterator

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import EditMessageText, SendMessage
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import texts
from bot.config import Settings
from bot.handlers.admin import course_file_jobs
from bot.services.content import upload as upload_service
from bot.services.content.parse import parse_course
from bot.services.context import Context
from bot.serving.background import BackgroundTasks
from bot.serving.redis_support import TolerantRedisStorage
from bot.texts import course_file as file_texts
from bot.texts import outage
from bot.views.telegram_length import MESSAGE_LIMIT
from bot.views.telegram_length import html_length as telegram_length
from db.models import Exercise, ExerciseAttempt, Lesson, Module
from db.repositories import content as content_repo
from tests.support.authoring import ADMIN_ID, LEARNER_ID, admin_settings
from tests.support.chat import Chat, make_chat
from tests.support.course import TEST_COURSE
from tests.support.factories import count, create_user, insert_row
from tests.support.health import health_of
from tests.support.hostile_files import HOSTILE, big_course
from tests.support.redis import REDIS_URL, require_redis
from tests.support.rows import rows

CHECK = ("course file", ADMIN_ID)
# Generous: a test waits this long for a worker thread only if something is broken.
DEADLINE = 60.0


@pytest.fixture
def settings(database_url: str) -> Settings:
    return admin_settings(database_url)


@pytest.fixture
def learner_beside(
    admin: Chat,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    context: Context,
) -> Chat:
    """A learner served by the admin's own dispatcher: the same process."""
    learner = make_chat(
        settings, sessionmaker, context, user_id=LEARNER_ID, dp=admin.dp, bot=admin.bot
    )
    learner.settle = False
    return learner


async def upload(chat: Chat, text: str, name: str) -> None:
    content = text.encode("utf-8")
    await chat.send_document(f"file-{random.getrandbits(40)}", name, len(content), content=content)


def said_to(chat: Chat, user_id: int) -> list[str]:
    return [
        call.text or ""
        for call in chat.api.calls
        if isinstance(call, SendMessage | EditMessageText) and call.chat_id == user_id
    ]


# The files the issue met; the value bound is shown by the parser's own tests (reading 300,000
# values to reach it takes seconds).
MET = [case for case in HOSTILE if case != "many values"]


@pytest.mark.parametrize("case", MET, ids=MET)
async def test_a_hostile_file_gets_its_problem_by_path_and_the_bot_goes_on(
    case: str,
    admin: Chat,
    learner_beside: Chat,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    make, problem = HOSTILE[case]

    await upload(admin, make(), name="hostile.yaml")

    answer = admin.last_text
    assert answer.startswith("❌ <b>hostile.yaml</b>"), answer
    assert f"• <code>{problem}" in answer, answer
    assert admin.labels() == []
    assert await rows(sessionmaker, Module) == []
    # The process serves on.
    await learner_beside.send_text("/start")
    assert said_to(learner_beside, LEARNER_ID) == [texts.welcome("Ada")]


@pytest.fixture
def held_reading(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[threading.Event, threading.Event]]:
    """Reading a file waits (in its worker thread) until the test lets it go on."""
    started, go_on = threading.Event(), threading.Event()
    real = parse_course

    def held(text: str, *args: object) -> object:
        started.set()
        go_on.wait(DEADLINE)
        return real(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(upload_service, "parse_course", held)
    yield started, go_on
    go_on.set()


async def test_learners_and_the_admin_are_answered_while_a_big_file_is_checked(
    admin: Chat,
    learner_beside: Chat,
    sessionmaker: async_sessionmaker[AsyncSession],
    held_reading: tuple[threading.Event, threading.Event],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started, go_on = held_reading
    monkeypatch.setattr(course_file_jobs, "PROGRESS_SECONDS", 0.01)
    admin.settle = False
    background = admin.dp["background"]

    await upload(admin, big_course(), name="big.yaml")
    # The upload's update is over; its check goes on beside the updates.
    assert await asyncio.to_thread(started.wait, DEADLINE)
    assert admin.texts() == [file_texts.checking("big.yaml")]

    await learner_beside.send_text("/start")
    before = len(said_to(admin, ADMIN_ID))
    await admin.send_text("/admin")
    # Both answered while the check still runs: neither waited behind it. The check's progress
    # edits go on meanwhile, so the admin's answer need not be the last text.
    assert background.running(CHECK)
    assert said_to(learner_beside, LEARNER_ID) == [texts.welcome("Ada")]
    assert any("Admin" in text for text in said_to(admin, ADMIN_ID)[before:])

    go_on.set()
    await asyncio.wait_for(background.idle(), DEADLINE)
    preview = admin.last_text
    assert file_texts.preview_head("big.yaml") in preview
    assert file_texts.counts_line(str(file_texts.MODULES), 5000, 0, 0) in preview


async def test_a_big_file_is_checked_with_progress_then_applied(
    admin: Chat, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(course_file_jobs, "PROGRESS_SECONDS", 0.01)

    await upload(admin, big_course(), name="big.yaml")

    assert file_texts.counts_line(str(file_texts.MODULES), 5000, 0, 0) in admin.last_text
    reading = {file_texts.reading_progress("big.yaml", n) for n in range(1, 5001)}
    assert reading & set(admin.texts()), admin.texts()
    assert await count(engine, Module) == 0

    await admin.tap(file_texts.APPLY, exact=True)

    assert file_texts.applied_head("big.yaml", published=False) in admin.last_text
    applying = {file_texts.applying_progress("big.yaml", n, 5000) for n in range(0, 5001)}
    assert applying & set(admin.texts()), admin.texts()
    for model in (Module, Lesson, Exercise):
        assert await count(engine, model) == 5000


@pytest.fixture
def stalled_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    stall_reads(monkeypatch)


def stall_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading lessons inside the check's (or import's) unit of work never answers, and the
    work's budget is short."""

    async def never(*args: object) -> object:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    monkeypatch.setattr(content_repo, "lessons_of_modules", never)
    monkeypatch.setattr(course_file_jobs, "BUDGET_SECONDS", 0.5)


@pytest.mark.usefixtures("stalled_reads")
async def test_a_check_out_of_time_is_too_big_never_a_database_outage(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await upload(admin, TEST_COURSE, name="slow.yaml")

    assert admin.last_text == file_texts.too_big_to_check("slow.yaml")
    assert str(outage.DATABASE_UNAVAILABLE) not in admin.texts()
    assert not health_of(sessionmaker).down
    assert admin.labels() == []


async def test_an_import_out_of_time_is_reported_and_can_be_confirmed_again(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    await upload(admin, TEST_COURSE, name="slow.yaml")
    real = content_repo.lessons_of_modules
    stall_reads(monkeypatch)
    await admin.tap(file_texts.APPLY, exact=True)

    assert admin.last_text == file_texts.too_big_to_apply("slow.yaml")
    assert not health_of(sessionmaker).down
    assert await rows(sessionmaker, Module) == []

    monkeypatch.setattr(content_repo, "lessons_of_modules", real)
    await admin.tap(file_texts.APPLY, exact=True)
    assert file_texts.applied_head("slow.yaml", published=False) in admin.last_text
    assert len(await rows(sessionmaker, Module)) == 2


async def test_a_second_confirm_while_the_first_applies_applies_nothing(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    await upload(admin, TEST_COURSE, name="course.yaml")
    apply = admin.button(file_texts.APPLY, exact=True)
    inserting, go_on = asyncio.Event(), asyncio.Event()
    real = content_repo.insert_modules

    async def held(*args: object) -> object:
        inserting.set()
        await go_on.wait()
        return await real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(content_repo, "insert_modules", held)
    admin.settle = False

    await admin.press(apply)
    await asyncio.wait_for(inserting.wait(), DEADLINE)
    await admin.press(apply)
    assert admin.callback_texts()[-1] == str(file_texts.NOTHING_PENDING)

    go_on.set()
    await asyncio.wait_for(admin.dp["background"].idle(), DEADLINE)
    assert file_texts.applied_head("course.yaml", published=False) in admin.last_text
    assert len(await rows(sessionmaker, Module)) == 2


async def test_a_check_cut_off_by_a_shutdown_tells_the_admin(
    admin: Chat,
    held_reading: tuple[threading.Event, threading.Event],
) -> None:
    started, go_on = held_reading
    admin.settle = False
    background = admin.dp["background"]
    background.grace = 0.0

    await upload(admin, TEST_COURSE, name="course.yaml")
    assert await asyncio.to_thread(started.wait, DEADLINE)
    go_on.set()  # the worker thread ends by itself; the check is what shutdown stops
    await background.close()

    assert admin.last_text == file_texts.check_interrupted("course.yaml")
    assert not background.running(CHECK)


async def test_a_newer_file_replaces_the_check_of_an_older_one(
    admin: Chat,
    held_reading: tuple[threading.Event, threading.Event],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    started, go_on = held_reading
    admin.settle = False
    await upload(admin, TEST_COURSE, name="old.yaml")
    assert await asyncio.to_thread(started.wait, DEADLINE)

    go_on.set()
    await upload(admin, TEST_COURSE.replace("Deep dive", "Deeper dive"), name="new.yaml")
    await asyncio.wait_for(admin.dp["background"].idle(), DEADLINE)

    assert str(file_texts.REPLACED) in admin.texts()
    assert file_texts.preview_head("new.yaml") in admin.last_text
    admin.settle = True
    await admin.tap(file_texts.APPLY, exact=True)
    deep = await rows(sessionmaker, Lesson, Lesson.slug == "deep")
    assert [lesson.title for lesson in deep] == ["Deeper dive"]


async def test_an_import_cut_off_by_a_shutdown_writes_nothing_and_can_be_confirmed_again(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    await upload(admin, TEST_COURSE, name="course.yaml")
    inserting = asyncio.Event()
    real = content_repo.insert_modules

    async def stalled(*args: object) -> object:
        inserting.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    monkeypatch.setattr(content_repo, "insert_modules", stalled)
    admin.settle = False
    admin.dp["background"].grace = 0.0

    await admin.tap(file_texts.APPLY, exact=True)
    await asyncio.wait_for(inserting.wait(), DEADLINE)
    # The dispatcher's shutdown, as the process stops: the import is cut off first.
    await admin.dp.emit_shutdown(bot=admin.bot)

    assert admin.last_text == file_texts.apply_interrupted("course.yaml")
    assert await rows(sessionmaker, Module) == []
    monkeypatch.setattr(content_repo, "insert_modules", real)
    # The file was put back: this process's own chat can still confirm it (after a restart
    # with Redis, the next process can).
    admin.settle = True
    admin.dp["background"] = BackgroundTasks(grace=0.0)
    await admin.tap(file_texts.APPLY, exact=True)
    assert file_texts.applied_head("course.yaml", published=False) in admin.last_text
    assert len(await rows(sessionmaker, Module)) == 2


async def test_with_redis_the_check_holds_no_isolation_lock_and_redis_stays_up(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    held_reading: tuple[threading.Event, threading.Event],
    context: Context,
) -> None:
    require_redis()
    started, go_on = held_reading
    admin_id = random.randint(10**9, 2 * 10**9)
    with_redis = settings.model_copy(
        update={"redis_url": REDIS_URL, "admin_ids": frozenset({admin_id})}
    )
    admin = make_chat(with_redis, sessionmaker, context, user_id=admin_id)
    admin.settle = False
    storage = admin.dp.storage
    assert isinstance(storage, TolerantRedisStorage)
    lock = storage.redis.lock(
        storage.key_builder.build(StorageKey(admin.bot.id, admin_id, admin_id), "lock")
    )
    try:
        await upload(admin, TEST_COURSE, name="course.yaml")
        assert await asyncio.to_thread(started.wait, DEADLINE)
        # The check runs; the admin's lock is free and their next update is answered.
        assert not await lock.locked()
        await admin.send_text("/admin")
        assert admin.dp["background"].running(("course file", admin_id))

        go_on.set()
        await asyncio.wait_for(admin.dp["background"].idle(), DEADLINE)
        assert file_texts.preview_head("course.yaml") in admin.last_text
        assert storage.health.down_since is None
        admin.settle = True
        await admin.tap(file_texts.APPLY, exact=True)
        assert file_texts.applied_head("course.yaml", published=False) in admin.last_text
    finally:
        await storage.close()
        await admin.bot.session.close()


async def test_an_import_that_fails_says_so_and_can_be_confirmed_again(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    await upload(admin, TEST_COURSE, name="course.yaml")
    real = content_repo.insert_lessons

    async def broken(*args: object) -> object:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(content_repo, "insert_lessons", broken)
    await admin.tap(file_texts.APPLY, exact=True)

    assert admin.last_text == file_texts.apply_failed("course.yaml")
    assert await rows(sessionmaker, Module) == []  # all or nothing: the modules went too
    monkeypatch.setattr(content_repo, "insert_lessons", real)
    await admin.tap(file_texts.APPLY, exact=True)
    assert file_texts.applied_head("course.yaml", published=False) in admin.last_text


def long_slug_course(answer: str) -> str:
    """30 lessons with slugs at the column's length, each asking one question."""
    module = "m" * 100
    lessons = "".join(
        f"- slug: {n:02d}{'l' * 98}\n  title: Lesson {n} 👩‍💻 <with a long title>\n  content: c\n"
        "  exercises:\n"
        f"  - {{type: multiple_choice, prompt: p, options: [a, b], answer: {answer}}}\n"
        for n in range(30)
    )
    return f"module: {{slug: {module}, title: M}}\nlessons:\n{lessons}"


async def test_a_preview_warning_of_30_lessons_with_long_slugs_fits_one_message(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await upload(admin, long_slug_course("a"), name="course.yaml")
    await admin.tap(file_texts.APPLY, exact=True)
    user_id = await create_user(engine, LEARNER_ID)
    exercises = await rows(sessionmaker, Exercise)
    async with engine.begin() as conn:
        for exercise in exercises:
            await insert_row(
                conn,
                ExerciseAttempt,
                user_id=user_id,
                lesson_id=exercise.lesson_id,
                exercise_id=exercise.id,
                run=1,
                answer="a",
                is_correct=True,
            )

    # Every answered question gets another right answer: all 30 lessons are named.
    await upload(admin, long_slug_course("b"), name="course.yaml")

    preview = admin.last_text
    assert str(file_texts.LOSSES_HEAD) in preview
    assert telegram_length(preview) <= MESSAGE_LIMIT
    shown = sum(line.startswith("• ") for line in preview.split("\n"))
    assert 0 < shown < 30
    assert preview.endswith(file_texts.more_lessons(30 - shown))
    assert admin.labels() == [
        str(file_texts.APPLY),
        str(file_texts.APPLY_AND_PUBLISH),
        str(file_texts.CANCEL),
    ]
