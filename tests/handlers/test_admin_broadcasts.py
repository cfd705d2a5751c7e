"""An admin pushes to learners: /broadcast as a reply to their message or followed by a text,
"Announce to learners" for a lesson, all confirmed first (and an admin's stray message is told
how); /broadcasts lists what was queued with its deliveries
counted and cancels what is still going out. Sending is the sender's: here only the outbox
rows are looked at."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.methods import SendMessage
from aiogram.types import Chat as TgChat
from aiogram.types import Message, PhotoSize, Update, User
from sqlalchemy import Select, null, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import texts
from bot.callbacks.admin import (
    AdminMenuCb,
    AdminSection,
    AnnounceLessonCb,
    BroadcastCancelCb,
    PushConfirmCb,
    PushKind,
)
from bot.config import Settings
from bot.services.context import Context
from bot.serving.local_api import BOT_USER
from bot.texts import admin as admin_texts
from bot.texts import broadcasts as t
from db.clock import SYSTEM_CLOCK, Clock
from db.enums import BroadcastKind, BroadcastStatus, DeliveryStatus
from db.models import Broadcast, BroadcastDelivery, Lesson
from db.models import User as UserRow
from db.repositories.broadcasts.enqueue import add_deliveries, create_broadcast
from tests.support.chat import Chat, make_chat
from tests.support.course import Course
from tests.support.factories import create_user
from tests.support.i18n import reading
from tests.support.redis import REDIS_URL, require_redis
from tests.support.roundtrips import RoundTrips, counting_as
from tests.support.rows import one, rows, set_values

ADMIN_ID = 1000
# Telegram's message ids in a private chat are small and increasing.
message_ids = itertools.count(100)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        _env_file=None, database_url=database_url, bot_token=None, admin_ids=frozenset({ADMIN_ID})
    )


@pytest.fixture
async def admin(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> AsyncIterator[Chat]:
    chat = make_chat(settings, sessionmaker, context, user_id=ADMIN_ID)
    await chat.send_text("/admin")  # registered, as every admin who opened the bot is
    chat.forget()
    yield chat
    await chat.bot.session.close()
    assert chat.failures() == []


async def learners(engine: AsyncEngine, *, active: int, blocked: int = 0) -> list[int]:
    """Learner rows (ids): `active` ones, then `blocked` ones who blocked the bot."""
    ids = [await create_user(engine, 5000 + n) for n in range(active + blocked)]
    async with engine.begin() as conn:
        for user_id in ids[active:]:
            await conn.execute(update(UserRow).where(UserRow.id == user_id).values(is_active=False))
    return ids


def recipients(user_ids: list[int]) -> Select[Any]:
    return select(UserRow.id, null()).where(UserRow.id.in_(user_ids))


async def user_id_of(sessionmaker: async_sessionmaker[AsyncSession], telegram_id: int) -> int:
    return (await one(sessionmaker, UserRow, UserRow.telegram_id == telegram_id)).id


async def says(chat: Chat, *, by: User | None = None, **content: Any) -> Message:
    """A message in the admin's chat (theirs unless `by` says whose), handed to the bot."""
    message = Message(
        message_id=next(message_ids),
        date=datetime.now(UTC),
        chat=TgChat(id=chat.user.id, type="private"),
        from_user=by or chat.user,
        **content,
    )
    if by is None:
        await chat.dp.feed_update(chat.bot, Update(update_id=next(chat.ids), message=message))
    return message


async def broadcast_in_reply(chat: Chat, source: Message) -> None:
    await says(chat, text="/broadcast", reply_to_message=source)


async def deliveries(sessionmaker: async_sessionmaker[AsyncSession]) -> list[tuple[int, int, str]]:
    async with sessionmaker() as s:
        d = BroadcastDelivery
        result = await s.execute(select(d.broadcast_id, d.user_id, d.status))
        return sorted((b, u, DeliveryStatus(st).value) for b, u, st in result)


async def test_a_reply_with_broadcast_queues_a_copy_for_every_active_learner(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    active_one, active_two, _blocked = await learners(engine, active=2, blocked=1)
    admin_row = await user_id_of(sessionmaker, ADMIN_ID)
    source = await says(admin, text="Big news: a new module is out!")
    admin.forget()

    await broadcast_in_reply(admin, source)

    # The admin is an active learner too: three will get it.
    assert admin.last_text == t.confirm_copy(3, includes_admin=True)
    [confirmation] = admin.api.sent(SendMessage)
    assert confirmation.reply_parameters is not None
    assert confirmation.reply_parameters.message_id == source.message_id
    assert await rows(sessionmaker, Broadcast) == []

    await admin.tap(t.SEND)

    broadcast = await one(sessionmaker, Broadcast)
    assert (
        broadcast.kind,
        broadcast.status,
        broadcast.created_by,
        broadcast.source_chat_id,
        broadcast.source_message_id,
        broadcast.text,
    ) == (
        BroadcastKind.COPY,
        BroadcastStatus.PENDING,
        ADMIN_ID,
        ADMIN_ID,
        source.message_id,
        "Big news: a new module is out!",
    )
    assert await deliveries(sessionmaker) == sorted(
        (broadcast.id, user, "pending") for user in (admin_row, active_one, active_two)
    )
    assert admin.last_text == t.queued(broadcast.id, 3)


async def test_broadcast_with_a_text_queues_that_text_for_every_active_learner(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    active_one, active_two, _blocked = await learners(engine, active=2, blocked=1)
    admin_row = await user_id_of(sessionmaker, ADMIN_ID)

    await admin.send_text("/broadcast hello")

    # Asked first, quoting what learners would read; nothing written yet.
    assert admin.last_text == (t.confirm_text(3, includes_admin=True) + "\n\n" + t.quoted("hello"))
    assert admin.labels() == [str(t.SEND), str(t.DROP)]
    assert await rows(sessionmaker, Broadcast) == []

    await admin.tap(t.SEND)

    broadcast = await one(sessionmaker, Broadcast)
    assert (
        broadcast.kind,
        broadcast.status,
        broadcast.created_by,
        broadcast.source_message_id,
        broadcast.text,
    ) == (BroadcastKind.TEXT, BroadcastStatus.PENDING, ADMIN_ID, None, "hello")
    assert await deliveries(sessionmaker) == sorted(
        (broadcast.id, user, "pending") for user in (admin_row, active_one, active_two)
    )
    assert admin.last_text == t.queued(broadcast.id, 3)


async def test_a_text_broadcast_keeps_its_lines_and_can_be_dropped(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await learners(engine, active=1)
    await admin.send_text("/broadcast  Line one\nLine <two> & more  ")
    assert t.quoted("Line one\nLine <two> & more") in admin.last_text

    await admin.tap(t.DROP)

    assert admin.last_text == str(t.DROPPED)
    assert await rows(sessionmaker, Broadcast) == []


async def test_an_admins_plain_message_gets_the_broadcast_hint(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await learners(engine, active=1)
    draft = await says(admin, text="Big news: a new module is out!")

    assert admin.texts() == [str(t.DRAFT_HINT)]
    [hint] = admin.api.sent(SendMessage)
    assert hint.reply_parameters is not None
    assert hint.reply_parameters.message_id == draft.message_id
    assert await rows(sessionmaker, Broadcast) == []


async def test_a_learners_plain_message_still_gets_the_learners_hint(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], context: Context
) -> None:
    learner = make_chat(settings, sessionmaker, context, user_id=5000)
    await learner.send_text("/start")
    learner.forget()

    await learner.send_text("Big news: a new module is out!")

    assert learner.texts() == [str(texts.STRAY_TEXT)]
    await learner.bot.session.close()


async def test_a_photo_is_queued_by_its_own_message_id(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await learners(engine, active=1)
    photo = [PhotoSize(file_id="p1", file_unique_id="p1", width=10, height=10)]
    source = await says(admin, photo=photo, caption="Our new logo")

    await broadcast_in_reply(admin, source)
    assert admin.last_text == t.confirm_copy(2, includes_admin=True)
    await admin.tap(t.SEND)

    broadcast = await one(sessionmaker, Broadcast)
    assert (broadcast.source_message_id, broadcast.text) == (source.message_id, "Our new logo")
    assert len(await deliveries(sessionmaker)) == 2


async def test_broadcast_not_as_a_reply_explains_how(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await learners(engine, active=2)
    await admin.send_text("/broadcast")
    assert admin.texts() == [str(t.HOW_TO)]
    assert admin.labels() == []
    assert await rows(sessionmaker, Broadcast) == []


async def test_only_the_admins_own_messages_are_copied(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await learners(engine, active=2)
    bots_message = await says(admin, by=BOT_USER, text="🏠 Main menu")
    await broadcast_in_reply(admin, bots_message)
    assert admin.texts() == [str(t.NOT_YOUR_MESSAGE)]
    assert await rows(sessionmaker, Broadcast) == []


async def test_with_no_active_learner_nothing_is_asked_or_written(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await learners(engine, active=0, blocked=2)
    # The admin blocked the bot too, as far as the database knows.
    async with engine.begin() as conn:
        await conn.execute(update(UserRow).values(is_active=False))
    source = await says(admin, text="Anyone there?")
    admin.forget()

    await broadcast_in_reply(admin, source)

    assert admin.texts() == [str(t.NO_RECIPIENTS)]
    assert admin.labels() == []
    assert await rows(sessionmaker, Broadcast) == []


async def test_cancel_at_the_confirmation_writes_nothing_and_its_send_is_then_stale(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await learners(engine, active=2)
    source = await says(admin, text="Draft")
    await broadcast_in_reply(admin, source)
    send = admin.button(t.SEND)

    await admin.tap(t.DROP)
    assert admin.last_text == str(t.DROPPED)

    await admin.press(send)
    assert admin.callback_texts()[-1] == str(t.CONFIRMATION_STALE)
    assert await rows(sessionmaker, Broadcast) == []
    assert await deliveries(sessionmaker) == []


async def test_a_double_press_on_send_queues_one_broadcast(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await learners(engine, active=3)
    source = await says(admin, text="Once only")
    await broadcast_in_reply(admin, source)
    send = admin.button(t.SEND)

    await admin.press(send)
    await admin.press(send)

    broadcast = await one(sessionmaker, Broadcast)
    assert len(await deliveries(sessionmaker)) == 4
    answers = admin.callback_texts()
    assert answers[-1] == str(t.CONFIRMATION_STALE)
    assert t.queued(broadcast.id, 4) in admin.texts()


async def test_two_presses_handled_at_once_queue_one_broadcast(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await learners(engine, active=3)
    source = await says(admin, text="Once only, even at once")
    await broadcast_in_reply(admin, source)
    send = admin.button(t.SEND)

    # Without Redis nothing keeps one chat's updates apart: both run concurrently.
    await asyncio.gather(admin.press(send), admin.press(send))

    await one(sessionmaker, Broadcast)
    assert len(await deliveries(sessionmaker)) == 4
    assert str(t.CONFIRMATION_STALE) in admin.callback_texts()


async def test_only_the_latest_confirmation_can_be_sent(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await learners(engine, active=1)
    first = await says(admin, text="First try")
    await broadcast_in_reply(admin, first)
    old_send = admin.button(t.SEND)
    second = await says(admin, text="Second, better")
    await broadcast_in_reply(admin, second)

    await admin.press(old_send)
    assert admin.callback_texts()[-1] == str(t.CONFIRMATION_STALE)
    assert await rows(sessionmaker, Broadcast) == []

    await admin.tap(t.SEND)
    broadcast = await one(sessionmaker, Broadcast)
    assert broadcast.source_message_id == second.message_id


async def test_forged_confirmations_are_stale(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await learners(engine, active=1)
    await admin.press_data(PushConfirmCb(kind=PushKind.COPY, ref=42, send=True))
    await admin.press_data(PushConfirmCb(kind=PushKind.LESSON, ref=1, send=True))
    assert admin.callback_texts() == [str(t.CONFIRMATION_STALE)] * 2
    assert await rows(sessionmaker, Broadcast) == []


async def test_announcing_a_published_lesson_queues_it_for_every_active_learner(
    admin: Chat,
    course: Course,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    active_one, _blocked = await learners(engine, active=1, blocked=1)
    admin_row = await user_id_of(sessionmaker, ADMIN_ID)
    lesson_id = course.lessons["typing"]

    await admin.press_data(AnnounceLessonCb(lesson_id=lesson_id))

    assert admin.last_text == t.confirm_lesson(
        "Typing answers", "Intro <course>", 2, includes_admin=True
    )
    assert "Intro &lt;course&gt;" in admin.last_text
    await admin.tap(t.SEND)

    broadcast = await one(sessionmaker, Broadcast)
    assert (broadcast.kind, broadcast.lesson_id, broadcast.text, broadcast.created_by) == (
        BroadcastKind.LESSON,
        lesson_id,
        "Typing answers",
        ADMIN_ID,
    )
    assert broadcast.source_message_id is None
    assert await deliveries(sessionmaker) == sorted(
        (broadcast.id, user, "pending") for user in (admin_row, active_one)
    )
    assert admin.last_text == t.queued(broadcast.id, 2)


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"is_published": False}, t.LESSON_NOT_PUBLISHED),
        ({"deleted_at": datetime(2026, 1, 1, tzinfo=UTC)}, t.LESSON_DELETED),
    ],
    ids=["unpublished", "deleted"],
)
async def test_a_lesson_learners_cannot_open_is_not_announced(
    admin: Chat,
    course: Course,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    change: dict[str, Any],
    refusal: Any,
) -> None:
    await learners(engine, active=2)
    lesson_id = course.lessons["basics"]
    await set_values(sessionmaker, Lesson, lesson_id, **change)

    await admin.press_data(AnnounceLessonCb(lesson_id=lesson_id))

    assert admin.callback_texts() == [str(refusal)]
    assert admin.texts() == []
    assert await rows(sessionmaker, Broadcast) == []


async def test_a_lesson_unpublished_before_send_is_not_announced(
    admin: Chat,
    course: Course,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await learners(engine, active=2)
    lesson_id = course.lessons["basics"]
    await admin.press_data(AnnounceLessonCb(lesson_id=lesson_id))
    await set_values(sessionmaker, Lesson, lesson_id, is_published=False)

    await admin.tap(t.SEND)

    assert admin.callback_texts()[-1] == str(t.LESSON_NOT_PUBLISHED)
    assert await rows(sessionmaker, Broadcast) == []
    assert await deliveries(sessionmaker) == []


async def prepared_broadcasts(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> tuple[int, int]:
    """A broadcast being sent (deliveries in every status) and an earlier one that is done."""
    users = await learners(engine, active=7)
    async with sessionmaker() as s:
        done = await create_broadcast(
            s, kind=BroadcastKind.LESSON, text="Basics", created_by=1, now=SYSTEM_CLOCK.now()
        )
        await add_deliveries(s, done, recipients(users[:3]))
        sending = await create_broadcast(
            s,
            kind=BroadcastKind.COPY,
            text="Hello",
            source_chat_id=1,
            source_message_id=9,
            now=SYSTEM_CLOCK.now(),
        )
        await add_deliveries(s, sending, recipients(users))
        await s.execute(update(Broadcast).where(Broadcast.id == done).values(status="done"))
        await s.execute(update(Broadcast).where(Broadcast.id == sending).values(status="sending"))
        statuses = ["sent", "sent", "pending", "pending", "sending", "failed", "blocked"]
        for user, status in zip(users, statuses, strict=True):
            await s.execute(
                update(BroadcastDelivery)
                .where(BroadcastDelivery.broadcast_id == sending, BroadcastDelivery.user_id == user)
                .values(status=status)
            )
        await s.execute(
            update(BroadcastDelivery)
            .where(BroadcastDelivery.broadcast_id == done)
            .values(status="sent")
        )
        # Created one after the other: the done one a minute earlier.
        await s.execute(
            update(Broadcast)
            .where(Broadcast.id == done)
            .values(created_at=datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
        )
        await s.execute(
            update(Broadcast)
            .where(Broadcast.id == sending)
            .values(created_at=datetime(2026, 3, 1, 9, 1, tzinfo=UTC))
        )
        await s.commit()
    return sending, done


async def test_broadcasts_lists_the_recent_ones_with_their_deliveries_counted(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    sending, done = await prepared_broadcasts(engine, sessionmaker)

    await admin.send_text("/broadcasts")

    text = admin.last_text
    # Newest first; one being sent counts as pending.
    assert text.index(f"#{sending}") < text.index(f"#{done}")
    assert t.delivery_counts(sent=2, pending=3, failed=1, blocked=1) in text
    assert t.delivery_counts(sent=3, pending=0, failed=0, blocked=0) in text
    assert t.status_label(BroadcastStatus.SENDING) in text
    assert t.status_label(BroadcastStatus.DONE) in text
    assert "«Hello»" in text and "«Basics»" in text
    # Only the one still going out can be cancelled.
    assert admin.labels() == [
        t.cancel_button(sending),
        str(t.REFRESH),
        str(admin_texts.BACK_TO_ADMIN),
    ]


async def test_the_admin_menus_broadcasts_button_opens_the_list(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await admin.press_data(AdminMenuCb(section=AdminSection.BROADCASTS))
    assert admin.last_text == f"{t.LIST_TITLE}\n\n{t.NO_BROADCASTS}"
    sending, _done = await prepared_broadcasts(engine, sessionmaker)

    await admin.tap(t.REFRESH)

    assert admin.callback_texts()[-1] == str(t.REFRESHED)
    assert f"#{sending}" in admin.last_text
    await admin.tap(admin_texts.BACK_TO_ADMIN)
    assert admin.last_text == str(admin_texts.MENU)


async def test_cancelling_a_broadcast_being_sent_stops_only_what_is_not_sent(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    sending, _done = await prepared_broadcasts(engine, sessionmaker)
    before = await deliveries(sessionmaker)
    await admin.send_text("/broadcasts")

    await admin.tap(t.cancel_button(sending))
    assert t.cancel_question(sending, 2) in admin.last_text
    assert await rows(sessionmaker, Broadcast, Broadcast.status == "cancelled") == []
    await admin.tap(t.CANCEL_YES)

    assert admin.callback_texts()[-1] == t.cancelled(sending, 2)
    cancelled = await one(sessionmaker, Broadcast, Broadcast.id == sending)
    assert cancelled.status == BroadcastStatus.CANCELLED
    assert cancelled.finished_at is not None
    after = await deliveries(sessionmaker)
    # Pending ones are cancelled; the one being sent is left to finish; the rest stay.
    expected = [
        (b, u, "cancelled" if b == sending and status == "pending" else status)
        for b, u, status in before
    ]
    assert after == expected
    assert t.cancelled_count(2) in admin.last_text
    assert t.cancel_button(sending) not in admin.labels()


async def test_cancelling_a_finished_broadcast_is_refused(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    sending, done = await prepared_broadcasts(engine, sessionmaker)
    before = await deliveries(sessionmaker)
    await admin.send_text("/broadcasts")

    await admin.press_data(BroadcastCancelCb(broadcast_id=done, confirmed=True))
    assert admin.callback_texts()[-1] == t.already_over(done, BroadcastStatus.DONE)

    await admin.tap(t.cancel_button(sending))
    await admin.tap(t.CANCEL_YES)
    await admin.press_data(BroadcastCancelCb(broadcast_id=sending, confirmed=True))
    assert admin.callback_texts()[-1] == t.already_over(sending, BroadcastStatus.CANCELLED)

    await admin.press_data(BroadcastCancelCb(broadcast_id=999_999, confirmed=True))
    assert admin.callback_texts()[-1] == str(t.UNKNOWN_BROADCAST)
    done_row = await one(sessionmaker, Broadcast, Broadcast.id == done)
    assert done_row.status == BroadcastStatus.DONE
    assert [d for d in await deliveries(sessionmaker) if d[0] == done] == [
        d for d in before if d[0] == done
    ]


async def test_a_broadcast_that_finished_while_asked_about_is_not_cancelled(
    admin: Chat, engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    sending, _done = await prepared_broadcasts(engine, sessionmaker)
    await admin.send_text("/broadcasts")
    await admin.tap(t.cancel_button(sending))
    # The sender gets to the end of it before the admin says yes.
    await set_values(sessionmaker, Broadcast, sending, status=BroadcastStatus.DONE)

    await admin.tap(t.CANCEL_YES)

    assert admin.callback_texts()[-1] == t.already_over(sending, BroadcastStatus.DONE)
    # The list is shown again as it is now: no question, nothing left to cancel.
    assert t.cancel_question(sending, 2) not in admin.last_text
    assert admin.labels() == [str(t.REFRESH), str(admin_texts.BACK_TO_ADMIN)]
    assert "cancelled" not in {status for _b, _u, status in await deliveries(sessionmaker)}


async def test_a_learner_cannot_use_broadcasts(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    engine: AsyncEngine,
    context: Context,
) -> None:
    sending, _done = await prepared_broadcasts(engine, sessionmaker)
    learner = make_chat(settings, sessionmaker, context, user_id=2000)
    await learner.send_text("/broadcast")
    await learner.send_text("/broadcasts")
    await learner.press_data(BroadcastCancelCb(broadcast_id=sending, confirmed=True))
    assert learner.texts() == [str(texts.UNKNOWN_COMMAND)] * 2
    assert learner.callback_texts() == [str(texts.BUTTON_NOT_UNDERSTOOD)]
    row = await one(sessionmaker, Broadcast, Broadcast.id == sending)
    assert row.status == BroadcastStatus.SENDING


async def test_the_list_reads_in_russian(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    engine: AsyncEngine,
    context: Context,
) -> None:
    sending, _done = await prepared_broadcasts(engine, sessionmaker)
    admin = make_chat(settings, sessionmaker, context, user_id=ADMIN_ID, language_code="ru")
    await admin.send_text("/broadcasts")
    with reading("ru"):
        assert t.delivery_counts(sent=2, pending=3, failed=1, blocked=1) in admin.last_text
        assert t.cancel_button(sending) in admin.labels()
    assert "отправлено" in admin.last_text


async def test_listing_costs_the_same_for_one_broadcast_as_for_ten(
    admin: Chat,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    db_kind: str,
    clock: Clock,
) -> None:
    users = await learners(engine, active=3)
    counter = RoundTrips(record=True)
    counter.attach(engine)

    async def add_broadcasts(n: int) -> None:
        async with sessionmaker() as s:
            for _ in range(n):
                bid = await create_broadcast(s, kind=BroadcastKind.COPY, text="x", now=clock.now())
                await add_deliveries(s, bid, recipients(users))
            await s.commit()

    await add_broadcasts(1)
    await admin.send_text("/broadcasts")  # warms what a process keeps between updates
    with counting_as("one"):
        await admin.send_text("/broadcasts")
    await add_broadcasts(9)
    with counting_as("ten"):
        await admin.send_text("/broadcasts")

    assert admin.last_text.count("«x»") == 10
    assert counter.of("ten") == counter.of("one")
    # One statement reads the broadcasts and counts their deliveries, then the read-only
    # transaction ends (SQLite also begins it with a statement of its own).
    begin = 1 if db_kind == "sqlite" else 0
    assert counter.of("ten")["statement"] == 1 + begin
    assert counter.log is not None
    reads = [r.sql for r in counter.log if r.label == "ten" and r.sql and "broadcast" in r.sql]
    assert len(reads) == 1, reads


async def test_with_redis_two_presses_at_once_still_queue_one_broadcast(
    settings: Settings,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    context: Context,
) -> None:
    require_redis()
    # An admin id no other run uses, so leftovers of an interrupted run cannot interfere.
    admin_id = random.randint(10**9, 2 * 10**9)
    with_redis = settings.model_copy(
        update={"redis_url": REDIS_URL, "admin_ids": frozenset({admin_id})}
    )
    await learners(engine, active=2)
    admin = make_chat(with_redis, sessionmaker, context, user_id=admin_id)
    try:
        source = await says(admin, text="Held in Redis")
        await broadcast_in_reply(admin, source)
        send = admin.button(t.SEND)
        # The held push is JSON in Redis here, and the second press still finds it gone.
        await asyncio.gather(admin.press(send), admin.press(send))
    finally:
        await admin.dp.storage.close()
        await admin.bot.session.close()

    broadcast = await one(sessionmaker, Broadcast)
    assert broadcast.source_message_id == source.message_id
    assert len(await deliveries(sessionmaker)) == 3
    assert str(t.CONFIRMATION_STALE) in admin.callback_texts()
