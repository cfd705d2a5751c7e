"""An answer whose reply was lost comes back as the same update (Telegram posts it again, the
poller feeds it again): it gets the feedback it got, or should have got, the first time, and the
run's result if it ended the run, from what is stored. Nothing is written or earned twice. Any
other press on an answered question (another option, the same button pressed again) is answered
as before: quietly, nothing written."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, Update
from aiogram.types import Chat as TelegramChat
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts as en
from bot.callbacks.learner import AnswerCb, LessonCb
from db.models import Base, ExerciseAttempt, UserAchievement
from tests.support.chat import Chat
from tests.support.course import Course
from tests.support.rows import LEARNING_TABLES, rows, snapshot

TABLES: tuple[type[Base], ...] = (*LEARNING_TABLES, UserAchievement)


def press_update(chat: Chat, label: str) -> Update:
    """The update a press of the latest keyboard's button `label` arrives in: kept, so the
    very same update can be delivered again."""
    button = chat.button(label, exact=True)
    query = CallbackQuery(
        id=str(next(chat.ids)),
        from_user=chat.user,
        chat_instance="local",
        data=button.callback_data,
        message=chat.api.messages.get((chat.user.id, button.message_id)),
    )
    return Update(update_id=next(chat.ids), callback_query=query)


def text_update(chat: Chat, text: str) -> Update:
    message = Message(
        message_id=next(chat.ids),
        date=datetime.now(UTC),
        chat=TelegramChat(id=chat.user.id, type="private"),
        from_user=chat.user,
        text=text,
    )
    return Update(update_id=next(chat.ids), message=message)


async def deliver(chat: Chat, update: Update) -> None:
    await chat.dp.feed_update(chat.bot, update)


def shown(chat: Chat) -> list[tuple[str, str, Any]]:
    """What the bot showed since the last `forget`: each text sent or edited, and its
    buttons' labels and data."""
    out = []
    for call in [*chat.api.sent(SendMessage), *chat.api.sent(EditMessageText)]:
        markup = call.reply_markup
        buttons = (
            [(b.text, b.callback_data) for row in markup.inline_keyboard for b in row]
            if isinstance(markup, InlineKeyboardMarkup)
            else None
        )
        out.append((type(call).__name__, call.text, buttons))
    return out


def bot_api_down(chat: Chat) -> None:
    for method in (SendMessage, EditMessageText):
        chat.api.fail(method, status=502, description="Bad Gateway", times=None)


async def test_an_answer_delivered_again_gets_its_feedback_and_next_question_again(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await chat.tap(en.START_EXERCISES)
    update = press_update(chat, "a")  # wrong: "Not quite", with the right answer
    chat.forget()
    await deliver(chat, update)
    first, first_marks = shown(chat), chat.callback_texts()
    assert [kind for kind, _, _ in first] == ["SendMessage", "EditMessageText"]
    assert "question 2 of 2" in first[0][1]
    assert "Not quite" in first[1][1]
    assert first_marks == ["❌"]
    stored = await snapshot(sessionmaker, TABLES)
    chat.forget()

    await deliver(chat, update)  # its webhook answer was lost: Telegram posts it again

    assert shown(chat) == first
    assert chat.callback_texts() == first_marks
    assert await snapshot(sessionmaker, TABLES) == stored
    # The run goes on from the question asked again.
    await chat.tap("True", exact=True)
    assert "Finished" in chat.last_text
    assert len(await rows(sessionmaker, ExerciseAttempt)) == 2


async def test_the_last_answer_delivered_again_shows_the_result_without_granting_again(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send_text("/start")
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await chat.tap(en.START_EXERCISES)
    await chat.tap("b", exact=True)
    update = press_update(chat, "True")
    chat.forget()
    await deliver(chat, update)
    first = shown(chat)
    [(_, result, result_buttons)] = [s for s in first if "Finished" in s[1]]
    [(_, feedback, _)] = [s for s in first if s[0] == "EditMessageText"]
    # The first delivery told what the run earned: XP and three achievements.
    assert "XP" in result
    assert result.count("Achievement unlocked") == 3
    stored = await snapshot(sessionmaker, TABLES)
    chat.forget()

    await deliver(chat, update)

    again = shown(chat)
    assert chat.callback_texts() == ["✅"]
    assert [s for s in again if s[0] == "EditMessageText"] == [("EditMessageText", feedback, None)]
    [(_, result_again, buttons_again)] = [s for s in again if "Finished" in s[1]]
    # The result as recorded (score, pass, best), with the same way on; what the run earned
    # was told once and is not told again as new.
    assert "Score: <b>100%</b>" in result_again and "Passed" in result_again
    assert result.startswith(result_again + "\n")
    assert "XP" not in result_again and "Achievement" not in result_again
    assert buttons_again == result_buttons
    assert await snapshot(sessionmaker, TABLES) == stored


async def test_an_answer_whose_reply_the_bot_api_lost_is_answered_when_it_comes_again(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await chat.tap(en.START_EXERCISES)
    update = press_update(chat, "b")
    chat.forget()
    bot_api_down(chat)
    await deliver(chat, update)  # the answer is committed, its reply fails
    assert shown(chat) == []
    [attempt] = await rows(sessionmaker, ExerciseAttempt)
    assert attempt.is_correct
    stored = await snapshot(sessionmaker, TABLES)
    chat.api.clear_failures()
    chat.forget()

    await deliver(chat, update)

    texts = [text for _, text, _ in shown(chat)]
    assert any("✅ <b>Correct!</b>" in t and "question 1 of 2" in t for t in texts), texts
    assert "question 2 of 2" in chat.last_text
    assert chat.callback_texts() == ["✅"]
    assert await snapshot(sessionmaker, TABLES) == stored
    await chat.tap("True", exact=True)
    assert "Finished" in chat.last_text
    assert "100%" in chat.last_text


async def test_a_typed_answer_whose_reply_was_lost_is_answered_when_it_comes_again(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["typing"]))
    await chat.tap(en.START_EXERCISES)
    update = text_update(chat, "42")
    chat.forget()
    bot_api_down(chat)
    await deliver(chat, update)
    stored = await snapshot(sessionmaker, TABLES)
    chat.api.clear_failures()
    chat.forget()

    await deliver(chat, update)

    texts = [text for _, text, _ in shown(chat)]
    assert any("✅ <b>Correct!</b>" in t for t in texts), texts
    assert "question 2 of 2" in chat.last_text
    assert await snapshot(sessionmaker, TABLES) == stored
    assert len(await rows(sessionmaker, ExerciseAttempt)) == 1


async def test_another_press_on_an_answered_question_is_answered_quietly(
    chat: Chat, course: Course, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.press_data(LessonCb(lesson_id=course.lessons["basics"]))
    await chat.tap(en.START_EXERCISES)
    right = chat.button("b", exact=True)
    assert right.callback_data is not None
    await chat.press(right)
    stored = await snapshot(sessionmaker, TABLES)
    other = AnswerCb.unpack(right.callback_data).model_copy(update={"option": 0})
    chat.forget()

    # Another option of the answered question, and the same button in a new press (a double
    # tap): the first press got its feedback; these get a quiet acknowledgement.
    await chat.press_data(other, message_id=right.message_id)
    await chat.press(right)

    assert shown(chat) == []
    assert chat.callback_texts() == [None, None]
    assert await snapshot(sessionmaker, TABLES) == stored
