"""An admin writes a whole module from the chat, as a new admin would: a module whose slug is
made from its title, a lesson, one exercise of each kind; edits and deletes an exercise, edits
the module and the lesson's numbers, tries the exercises in the preview (nothing recorded),
publishes and announces; a learner then takes the lesson."""

from __future__ import annotations

from aiogram.methods import SendMessage
from babel.support import LazyProxy
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as learner_texts
from bot.broadcasts.nudge import NUDGE_KEY
from bot.callbacks.admin import PreviewCb
from bot.services.context import Context
from bot.texts import admin as admin_texts
from bot.texts import authoring as texts
from bot.texts import broadcasts
from db.enums import ExerciseType
from db.models import ActivityLog, Exercise, ExerciseAttempt, Lesson, Module, User
from tests.support.authoring import ADMIN_ID, LEARNER_ID, admin_settings
from tests.support.chat import Chat, make_chat
from tests.support.outbox import make_sender
from tests.support.rows import one, rows, snapshot

CONTENT = "Git keeps **snapshots**.\n\n```\ngit commit -m 'first'\n```"


# A step's answer: text is sent, a text of bot.texts pressed, ("pick", label) that button pressed.
Answer = str | LazyProxy | tuple[str, str]


async def add_exercise(admin: Chat, kind: LazyProxy, *steps: Answer) -> None:
    await admin.tap(texts.ADD_EXERCISE)
    await admin.tap(kind)
    await answer_steps(admin, steps)


async def answer_steps(admin: Chat, steps: tuple[Answer, ...]) -> None:
    for step in steps:
        if isinstance(step, tuple):
            await admin.tap(step[1], exact=True)
        elif isinstance(step, str):
            await admin.send_text(step)
        else:
            await admin.tap(step)


async def test_an_admin_writes_a_module_from_the_chat_and_a_learner_takes_it(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    settings = admin_settings(database_url)
    admin = make_chat(settings, sessionmaker, context, user_id=ADMIN_ID)
    learner = make_chat(
        settings, sessionmaker, context, user_id=LEARNER_ID, dp=admin.dp, bot=admin.bot
    )
    await learner.send_text("/start")
    await admin.send_text("/start")  # the admin is a learner too, for the announcement

    # A module: its slug made from the title.
    await admin.send_text("/admin")
    await admin.tap(admin_texts.SECTION_COURSE)
    await admin.tap(texts.NEW_MODULE)
    await admin.send_text("Git Basics!")
    await admin.tap(texts.SKIP)
    module = await one(sessionmaker, Module)
    assert (module.slug, module.title, module.is_published) == ("git-basics", "Git Basics!", False)

    # A lesson, with the usual XP and pass mark.
    await admin.tap(texts.ADD_LESSON)
    await admin.send_text("First commit")
    await admin.send_text(CONTENT)
    await admin.tap(texts.SKIP)
    await admin.tap(texts.use_default(10))
    await admin.tap(texts.use_default(70))
    lesson = await one(sessionmaker, Lesson)
    assert (lesson.slug, lesson.xp, lesson.pass_score) == ("first-commit", 10, 70)

    # One exercise of each kind, and one more to delete.
    await add_exercise(
        admin,
        texts.KIND_MULTIPLE_CHOICE,
        "Which command records a snapshot?",
        "git add\ngit commit\ngit push",
        ("pick", "git commit"),
        "A commit is the snapshot.",
    )
    await add_exercise(
        admin,
        texts.KIND_TRUE_FALSE,
        "git init makes a repository.",
        ("pick", str(learner_texts.TRUE)),
        texts.SKIP,
    )
    await add_exercise(
        admin,
        texts.KIND_SHORT_ANSWER,
        "Which command shows changes?",
        "git diff",
        ("pick", str(texts.CASE_IGNORED)),
        texts.SKIP,
    )
    await add_exercise(
        admin, texts.KIND_TRUE_FALSE, "To delete.", ("pick", str(learner_texts.FALSE)), texts.SKIP
    )
    exercises = await rows(sessionmaker, Exercise)
    assert [e.type for e in exercises] == [
        ExerciseType.MULTIPLE_CHOICE,
        ExerciseType.TRUE_FALSE,
        ExerciseType.SHORT_ANSWER,
        ExerciseType.TRUE_FALSE,
    ]

    # The short answer written again, in its place and under its id.
    await admin.tap(texts.exercise_button(3), exact=True)
    await admin.tap(texts.EDIT_EXERCISE)
    assert texts.edit_exercise("First commit", str(texts.KIND_NAMES["short_answer"]), 3) in (
        admin.last_text
    )
    await answer_steps(
        admin,
        (
            "Which command shows the state of the files?",
            "git status\nstatus",
            texts.KEEP,  # case still ignored, as it was
            "It lists what changed.",
        ),
    )
    assert admin.last_text.startswith(str(texts.SAVED))
    rewritten = await one(sessionmaker, Exercise, Exercise.id == exercises[2].id)
    assert (rewritten.order, rewritten.prompt, rewritten.answer, rewritten.explanation) == (
        3,
        "Which command shows the state of the files?",
        ["git status", "status"],
        "It lists what changed.",
    )

    # The extra one deleted, after a confirmation.
    await admin.tap(texts.exercise_button(4), exact=True)
    await admin.tap(texts.DELETE)
    assert admin.last_text == texts.confirm_delete_exercise(4, "First commit")
    await admin.tap(texts.DELETE_CONFIRM)
    assert admin.callback_texts()[-1] == str(texts.EXERCISE_DELETED)
    assert [e.id for e in await rows(sessionmaker, Exercise)] == [e.id for e in exercises[:3]]

    # The lesson's numbers changed after it was made.
    await admin.tap(texts.EDIT_NUMBERS)
    for value in ("5", "15", "60"):
        await admin.send_text(value)
    lesson = await one(sessionmaker, Lesson)
    assert (lesson.estimated_minutes, lesson.xp, lesson.pass_score) == (5, 15, 60)

    # The module's title and description.
    await admin.tap(texts.BACK_TO_MODULE)
    await admin.tap(texts.EDIT_TITLE)
    await admin.send_text("Git basics")
    await admin.tap(texts.EDIT_DESCRIPTION)
    await admin.send_text("Commits, branches and history.")
    module = await one(sessionmaker, Module)
    assert (module.slug, module.title, module.description) == (
        "git-basics",
        "Git basics",
        "Commits, branches and history.",
    )

    # The preview: the admin answers their own exercises; nothing is recorded.
    learning_before = await snapshot(sessionmaker)
    await admin.tap("First commit")
    preview = admin.button(texts.PREVIEW)
    admin.forget()
    await admin.press(preview)
    answer_buttons = [
        b
        for message in admin.api.sent(SendMessage)
        if message.reply_markup is not None
        for row in message.reply_markup.inline_keyboard
        for b in row
        if str(b.callback_data) != PreviewCb().pack()
    ]
    by_label = {b.text: str(b.callback_data) for b in answer_buttons}
    await admin.press_data(by_label["git push"])
    assert admin.last_text.startswith(
        learner_texts.answer_feedback(False, "git commit", "A commit is the snapshot.")
    )
    await admin.press_data(by_label[str(learner_texts.TRUE)])
    assert admin.last_text.startswith(learner_texts.answer_feedback(True, "True", None))
    # The short answer is typed, as a learner types it.
    await admin.press_data(by_label[str(texts.PREVIEW_TYPE_ANSWER)])
    assert texts.preview_answer_prompt("Which command shows the state of the files?") in (
        admin.last_text
    )
    await admin.send_text(" STATUS ")
    assert admin.last_text.startswith(
        learner_texts.answer_feedback(True, "git status", "It lists what changed.")
    )
    assert str(texts.PREVIEW_NOT_RECORDED) in admin.last_text
    assert await snapshot(sessionmaker) == learning_before

    # Published and announced; the learner gets it and takes it.
    await admin.tap(texts.BACK_TO_LESSON)
    await admin.tap(texts.PUBLISH_LESSON)
    await admin.tap(texts.BACK_TO_MODULE)
    await admin.tap(texts.PUBLISH_MODULE)
    await admin.tap("First commit")
    await admin.tap(texts.ANNOUNCE)
    await admin.tap(broadcasts.SEND)
    assert admin.dp[NUDGE_KEY].is_set()
    await make_sender(sessionmaker, admin.api, context, bot=admin.bot).drain()
    to_learner = [m for m in admin.api.sent(SendMessage) if m.chat_id == LEARNER_ID]
    assert to_learner[-1].text == broadcasts.new_lesson("First commit")

    await learner.tap(broadcasts.START_LESSON)
    assert "First commit" in learner.last_text
    await learner.take_lesson(lesson.id, ["git commit", str(learner_texts.TRUE), "Status"])
    assert "100" in learner.last_text
    [admin_user] = await rows(sessionmaker, User, User.telegram_id == ADMIN_ID)
    [learner_user] = await rows(sessionmaker, User, User.telegram_id == LEARNER_ID)
    grants = [(a.user_id, a.xp) for a in await rows(sessionmaker, ActivityLog) if a.xp]
    assert (learner_user.id, 15) in grants  # the lesson's XP as edited
    assert admin_user.id not in {user_id for user_id, _ in grants}
    assert {a.user_id for a in await rows(sessionmaker, ExerciseAttempt)} == {learner_user.id}
    # The preview's answers were never the admin's attempts.
    assert await rows(sessionmaker, ExerciseAttempt, ExerciseAttempt.user_id == admin_user.id) == []
