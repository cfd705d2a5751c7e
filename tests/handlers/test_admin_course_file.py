"""An admin sends a course file: it is checked whole, previewed without writing, and applied in
one transaction on Confirm; /export sends the course back as a file."""

from __future__ import annotations

import random
from typing import Any

import pytest
from aiogram.methods import GetFile, SendDocument
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.callbacks.admin import AdminMenuCb, AdminSection, CourseFileAction, CourseFileCb
from bot.config import Settings
from bot.services.content import upload as upload_service
from bot.services.content.parse import parse_course
from bot.services.content.upload import MAX_BYTES, token_of
from bot.services.context import Context
from bot.serving.local_api import file_bytes
from bot.texts import course_file as file_texts
from db.enums import ProgressStatus
from db.models import Exercise, ExerciseAttempt, Lesson, Module, UserProgress
from tests.support.authoring import admin_settings
from tests.support.chat import Chat, make_chat
from tests.support.course import RIGHT, TEST_COURSE, Course
from tests.support.redis import REDIS_URL, require_redis
from tests.support.rows import CONTENT_TABLES, LEARNING_TABLES, one, rows, snapshot

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return admin_settings(database_url)


async def upload(chat: Chat, text: str, name: str = "course.yaml") -> None:
    content = text.encode("utf-8")
    await chat.send_document(f"file-{random.getrandbits(40)}", name, len(content), content=content)


def counts(kind: object, created: int, updated: int, unchanged: int) -> str:
    return file_texts.counts_line(str(kind), created, updated, unchanged)


def changed(old: str, new: str, text: str = TEST_COURSE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


async def content(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> dict[str, list[dict[str, Any]]]:
    return await snapshot(sessionmaker, CONTENT_TABLES)


async def test_the_section_explains_uploading_and_offers_export(admin: Chat) -> None:
    await admin.press_data(AdminMenuCb(section=AdminSection.COURSE_FILE))
    assert admin.last_text == str(file_texts.SECTION)
    assert str(file_texts.EXPORT) in admin.labels()


async def test_a_valid_file_is_previewed_then_creates_everything(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await upload(admin, TEST_COURSE)

    preview = admin.last_text
    assert file_texts.preview_head("course.yaml") in preview
    assert counts(file_texts.MODULES, 2, 0, 0) in preview
    assert counts(file_texts.LESSONS, 4, 0, 0) in preview
    assert counts(file_texts.EXERCISES, 5, 0, 0) in preview
    assert str(file_texts.LOSSES_HEAD) not in preview
    assert await rows(sessionmaker, Module) == []  # a preview writes nothing

    await admin.tap(file_texts.APPLY, exact=True)

    assert file_texts.applied_head("course.yaml", published=False) in admin.last_text
    modules = await rows(sessionmaker, Module)
    assert [(m.slug, m.title, m.order, m.is_published) for m in modules] == [
        ("intro", "Intro <course>", 1, False),
        ("next", "Next steps", 2, False),
    ]
    lessons = await rows(sessionmaker, Lesson)
    assert [(les.slug, les.xp, les.pass_score) for les in lessons] == [
        ("basics", 10, 70),
        ("typing", 20, 50),
        ("reading", 5, 70),
        ("deep", 10, 70),
    ]
    assert not any(les.is_published for les in lessons)  # as `content import` without --publish
    exercises = await rows(sessionmaker, Exercise)
    assert [e.answer for e in exercises] == ["b", True, ["42", "forty-two"], "c", False]


async def test_a_preview_reads_the_file_once_and_its_confirm_once_more(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[str] = []
    real = parse_course

    def counted(text: str, *args: Any) -> Any:
        read.append(text)
        return real(text, *args)

    monkeypatch.setattr(upload_service, "parse_course", counted)
    await upload(admin, TEST_COURSE)
    assert read == [TEST_COURSE]
    assert await rows(sessionmaker, Module) == []

    await admin.tap(file_texts.APPLY, exact=True)

    assert read == [TEST_COURSE, TEST_COURSE]
    assert file_texts.applied_head("course.yaml", published=False) in admin.last_text
    assert len(await rows(sessionmaker, Module)) == 2


async def test_apply_and_publish_publishes_what_the_file_holds(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await upload(admin, TEST_COURSE)
    await admin.tap(file_texts.APPLY_AND_PUBLISH)
    assert file_texts.applied_head("course.yaml", published=True) in admin.last_text
    assert all(m.is_published for m in await rows(sessionmaker, Module))
    assert len(await rows(sessionmaker, Lesson, Lesson.is_published.is_(True))) == 4


async def test_uploading_the_course_again_changes_nothing(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession], course: Course
) -> None:
    before = await content(sessionmaker)

    await upload(admin, TEST_COURSE)
    preview = admin.last_text
    assert counts(file_texts.MODULES, 0, 0, 2) in preview
    assert counts(file_texts.LESSONS, 0, 0, 4) in preview
    assert counts(file_texts.EXERCISES, 0, 0, 5) in preview
    assert str(file_texts.NO_CHANGES) in preview
    await admin.tap(file_texts.APPLY, exact=True)

    assert str(file_texts.NOTHING_CHANGED) in admin.last_text
    assert await content(sessionmaker) == before


async def test_a_changed_file_updates_lessons_in_place_and_progress_survives(
    admin: Chat,
    learner: Chat,
    sessionmaker: async_sessionmaker[AsyncSession],
    course: Course,
) -> None:
    await learner.send_text("/start")
    await learner.take_lesson(course.lessons["basics"], RIGHT["basics"])
    progress = await one(sessionmaker, UserProgress)
    assert progress.status is ProgressStatus.COMPLETED
    learning = await snapshot(sessionmaker, LEARNING_TABLES)
    edited = changed("title: Basics", "title: Basics, revised")
    edited = changed("Python runs **line by line**.", "Python runs one line at a time.", edited)
    edited = changed("explanation: b is right.", "explanation: b is the one.", edited)

    await upload(admin, edited)
    preview = admin.last_text
    assert counts(file_texts.LESSONS, 0, 1, 3) in preview
    assert counts(file_texts.EXERCISES, 0, 1, 4) in preview
    # A new explanation does not change the question learners answered: no warning.
    assert str(file_texts.LOSSES_HEAD) not in preview
    await admin.tap(file_texts.APPLY, exact=True)

    basics = await one(sessionmaker, Lesson, Lesson.slug == "basics")
    assert basics.id == course.lessons["basics"]
    assert basics.title == "Basics, revised"
    assert "one line at a time" in basics.content
    first = await one(sessionmaker, Exercise, Exercise.id == course.exercises["basics"][0])
    assert first.explanation == "b is the one."
    assert {les.slug: les.id for les in await rows(sessionmaker, Lesson)} == course.lessons
    assert await snapshot(sessionmaker, LEARNING_TABLES) == learning


async def test_the_preview_warns_of_answered_exercises_the_file_removes_or_replaces(
    admin: Chat,
    learner: Chat,
    sessionmaker: async_sessionmaker[AsyncSession],
    course: Course,
) -> None:
    await learner.send_text("/start")
    await learner.take_lesson(course.lessons["basics"], RIGHT["basics"])
    answers = len(await rows(sessionmaker, ExerciseAttempt))
    assert answers == 2
    before = await snapshot(sessionmaker, (*CONTENT_TABLES, *LEARNING_TABLES))
    # The first question gets another answer, the second is dropped; "typing" is unanswered.
    edited = changed("        answer: b\n", "        answer: c\n")
    edited = changed(
        '      - {type: true_false, prompt: "True is true", answer: true}\n', "", edited
    )
    edited = changed(
        '"Pick c", options: [a, b, c], answer: c', '"Pick a", options: [a, b], answer: a', edited
    )

    await upload(admin, edited)

    preview = admin.last_text
    assert str(file_texts.LOSSES_HEAD) in preview
    assert file_texts.loss_line("Basics", "intro", "basics", 2, answers) in preview
    assert "(intro/typing)" not in preview
    assert counts(file_texts.EXERCISES, 0, 2, 2) + ", " + file_texts.exercises_removed(1) in preview
    assert await snapshot(sessionmaker, (*CONTENT_TABLES, *LEARNING_TABLES)) == before

    await admin.tap(file_texts.APPLY, exact=True)
    assert (
        len(await rows(sessionmaker, Exercise, Exercise.lesson_id == course.lessons["basics"])) == 1
    )
    # The dropped exercise's answers went with it; the rewritten one's stayed attached.
    assert [a.exercise_id for a in await rows(sessionmaker, ExerciseAttempt)] == [
        course.exercises["basics"][0]
    ]


INVALID = {
    "bad YAML syntax": (("title: Basics", "title: [Basics"), "YAML syntax error"),
    "missing module": (
        (
            "module: {slug: intro, title: Intro <course>, "
            "description: The first steps., order: 1}\n",
            "",
        ),
        "document 1: module: required",
    ),
    "bad slug": (
        ("{slug: intro,", "{slug: Intro Course,"),
        "document 1: module.slug: 'Intro Course'",
    ),
    "duplicate lesson slug": (
        ("- slug: typing", "- slug: basics"),
        "lessons[1].slug: duplicate slug",
    ),
    "answer not among options": (
        ("        answer: b\n", "        answer: d\n"),
        "lessons[0].exercises[0].answer: not one of options",
    ),
    "true_false answer not a bool": (
        ('"True is true", answer: true}', '"True is true", answer: "yes"}'),
        "lessons[0].exercises[1].answer: must be true or false",
    ),
    "empty short answers": (
        ('answers: ["42", "forty-two"]', "answers: []"),
        "lessons[1].exercises[0].answers: required",
    ),
    "xp negative": (("xp: 20", "xp: -5"), "lessons[1].xp: must be an integer from 0 to 10000"),
    "pass_score over 100": (
        ("pass_score: 70", "pass_score: 101"),
        "lessons[0].pass_score: must be an integer from 0 to 100",
    ),
    "unknown key": (
        ("    xp: 5\n", "    xp: 5\n    colour: red\n"),
        "lessons[2].colour: unknown key",
    ),
    "wrong type of exercise": (
        ("type: short_answer", "type: essay"),
        "lessons[1].exercises[0].type: must be one of",
    ),
    "content with an unclosed fence": (
        ("      Python runs **line by line**.\n", "      ```python\n      print(1)\n"),
        "lessons[0].content: ``` code block opened on line 2 is never closed",
    ),
    "repeated key": (
        ("    title: Just reading\n", "    title: Just reading\n    title: Again\n"),
        "duplicate key 'title'",
    ),
    "no lessons": (
        ("lessons:\n  - slug: deep\n", "lesson:\n  - slug: deep\n"),
        "document 2: lessons: required",
    ),
}


@pytest.mark.parametrize("case", list(INVALID), ids=list(INVALID))
async def test_an_invalid_file_is_refused_whole_with_its_problem_by_path(
    case: str, admin: Chat, sessionmaker: async_sessionmaker[AsyncSession], course: Course
) -> None:
    (old, new), problem = INVALID[case]
    before = await content(sessionmaker)
    # A valid change beside the bad one: a refused file must not apply even that.
    text = changed(old, new, changed("title: Deep dive", "title: Deeper dive"))

    await upload(admin, text, name="broken.yml")

    answer = admin.last_text
    assert answer.startswith("❌ <b>broken.yml</b>"), answer
    assert problem in answer, answer
    assert admin.labels() == []  # nothing to confirm
    assert await content(sessionmaker) == before


async def test_very_many_problems_are_listed_up_to_a_limit(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lessons = "".join(f"  - {{slug: l{n}, content: x}}\n" for n in range(35))
    await upload(admin, f"module: {{slug: m, title: M}}\nlessons:\n{lessons}")
    answer = admin.last_text
    assert "lessons[29].title: required" in answer
    assert "lessons[30].title" not in answer
    assert "…and 5 more problems." in answer
    assert await rows(sessionmaker, Module) == []


async def test_a_file_declared_too_large_is_refused_without_downloading(admin: Chat) -> None:
    content = b"# big\n" * (2 * MAX_BYTES // 6)
    await admin.send_document("big", "course.yaml", len(content), content=content)
    assert admin.texts() == [str(file_texts.TOO_LARGE)]
    assert admin.api.sent(GetFile) == []


async def test_a_file_whose_declared_size_lies_is_cut_off_while_downloading(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    content = TEST_COURSE.encode() + b"#" * (2 * MAX_BYTES)
    for declared in (1000, None):
        admin.forget()
        await admin.send_document(f"liar-{declared}", "course.yaml", declared, content=content)
        # Answered in place of the message that said the file was being checked.
        assert admin.texts() == [file_texts.checking("course.yaml"), str(file_texts.TOO_LARGE)]
    assert await rows(sessionmaker, Module) == []


@pytest.mark.parametrize(
    ("name", "mime", "content", "answer", "downloaded"),
    [
        ("course.yaml", "application/x-yaml", PNG, file_texts.NOT_TEXT, True),
        ("course.yaml", None, "ýaml".encode("latin-1"), file_texts.NOT_TEXT, True),
        ("picture.png", "image/png", PNG, file_texts.NOT_YAML, False),
        ("course.yaml", "image/png", PNG, file_texts.NOT_YAML, False),
        ("course.txt", "text/plain", TEST_COURSE.encode(), file_texts.NOT_YAML, False),
        (None, None, TEST_COURSE.encode(), file_texts.NOT_YAML, False),
    ],
    ids=["png", "latin-1", "png-name", "image-type", "txt-name", "no-name"],
)
async def test_a_file_that_is_not_a_yaml_text_gets_a_clear_answer(
    name: str | None,
    mime: str | None,
    content: bytes,
    answer: object,
    downloaded: bool,
    admin: Chat,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await admin.send_document("f", name, len(content), mime=mime, content=content)
    if downloaded:
        assert admin.texts() == [file_texts.checking(name or "?"), str(answer)]
    else:
        assert admin.texts() == [str(answer)]
    assert bool(admin.api.sent(GetFile)) is downloaded
    assert await rows(sessionmaker, Module) == []


async def test_cancel_writes_nothing_and_its_preview_can_no_longer_apply(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await upload(admin, TEST_COURSE)
    apply = admin.button(file_texts.APPLY, exact=True)
    await admin.tap(file_texts.CANCEL)
    assert admin.last_text == str(file_texts.CANCELLED)

    await admin.press(apply)
    assert admin.callback_texts()[-1] == str(file_texts.NOTHING_PENDING)
    assert await rows(sessionmaker, Module) == []


async def test_a_double_confirm_applies_once(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await upload(admin, TEST_COURSE)
    apply = admin.button(file_texts.APPLY, exact=True)
    await admin.press(apply)
    after_first = await content(sessionmaker)
    assert len(after_first["modules"]) == 2

    await admin.press(apply)
    assert admin.callback_texts()[-1] == str(file_texts.NOTHING_PENDING)
    assert await content(sessionmaker) == after_first


async def test_an_older_previews_confirm_does_not_apply_a_newer_file(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await upload(admin, TEST_COURSE)
    first = admin.button(file_texts.APPLY, exact=True)
    newer = changed("title: Deep dive", "title: Deeper dive")
    await upload(admin, newer)

    await admin.press(first)
    assert admin.callback_texts()[-1] == str(file_texts.NOTHING_PENDING)
    assert await rows(sessionmaker, Module) == []
    await admin.press_data(CourseFileCb(action=CourseFileAction.APPLY, token=token_of(newer)))
    assert (await one(sessionmaker, Lesson, Lesson.slug == "deep")).title == "Deeper dive"


async def test_export_sends_a_file_that_reads_back_as_the_course(
    admin: Chat, course: Course
) -> None:
    await admin.send_text("/export")
    (sent,) = admin.api.sent(SendDocument)
    assert sent.document.filename == "course.yaml"
    assert parse_course(file_bytes(sent.document).decode()) == parse_course(TEST_COURSE)

    await admin.press_data(AdminMenuCb(section=AdminSection.COURSE_FILE))
    await admin.tap(file_texts.EXPORT)
    assert len(admin.api.sent(SendDocument)) == 2


async def test_exporting_an_empty_course_says_so(admin: Chat) -> None:
    await admin.send_text("/export")
    assert admin.texts() == [str(file_texts.COURSE_EMPTY)]
    assert admin.api.sent(SendDocument) == []


async def test_a_learner_sending_a_file_gets_the_stray_message_answer_and_nothing_is_downloaded(
    learner: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    content = TEST_COURSE.encode()
    await learner.send_document("course", "course.yaml", len(content), content=content)
    assert learner.texts() == [str(texts.STRAY_TEXT)]
    assert learner.api.sent(GetFile) == []
    assert await rows(sessionmaker, Module) == []


async def test_a_previewed_file_survives_a_restart_with_redis(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    require_redis()
    admin_id = random.randint(10**9, 2 * 10**9)
    with_redis = settings.model_copy(
        update={"redis_url": REDIS_URL, "admin_ids": frozenset({admin_id})}
    )
    before = make_chat(with_redis, sessionmaker, context, user_id=admin_id)
    await upload(before, TEST_COURSE)
    apply = before.button(file_texts.APPLY, exact=True)
    await before.dp.storage.close()
    await before.bot.session.close()

    after = make_chat(with_redis, sessionmaker, context, user_id=admin_id)
    try:
        await after.press_data(apply.callback_data or "")
        assert file_texts.applied_head("course.yaml", published=False) in after.last_text
    finally:
        await after.dp.storage.close()
        await after.bot.session.close()
    assert len(await rows(sessionmaker, Module)) == 2


async def test_a_file_telegram_will_not_hand_over_gets_a_clear_answer(
    admin: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    admin.api.fail(GetFile, status=400, description="Bad Request: file is too big")
    content = TEST_COURSE.encode()
    await admin.send_document("gone", "course.yaml", None, content=content)
    assert admin.texts() == [file_texts.checking("course.yaml"), str(file_texts.DOWNLOAD_FAILED)]
    assert await rows(sessionmaker, Module) == []
