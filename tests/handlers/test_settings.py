"""Settings: the time zone picked, offset or typed (a wrong name answered, Cancel), the language
switch taking effect at once, the daily reminder; each change stored on users and the learner
forgotten in the cache."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.callbacks.learner import LanguageCb, MenuAction, MenuCb, ZoneCb
from bot.services.learners import LearnerCache, TelegramProfile
from bot.services.timezones import ZONES, place_name
from bot.texts import settings as t
from db.clock import ManualClock
from db.models import User
from tests.support.chat import Chat
from tests.support.i18n import reading
from tests.support.rows import one

Sessions = async_sessionmaker[AsyncSession]

# 09:12 in Berlin, 13:42 in Kolkata, 13:57 in Kathmandu, 04:42 in St. John's.
NOW = datetime(2026, 3, 2, 8, 12, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


def is_cached(chat: Chat) -> bool:
    cache: LearnerCache = chat.dp["learner_cache"]
    user = chat.user
    profile = TelegramProfile(user.id, user.username, user.first_name, user.last_name, None)
    return cache.get(profile) is not None


async def open_settings(chat: Chat) -> None:
    await chat.send_text("/settings")
    assert is_cached(chat)


async def test_settings_show_the_defaults(chat: Chat) -> None:
    await chat.press_data(MenuCb(action=MenuAction.SETTINGS))

    assert chat.last_text == "\n".join(
        [
            "⚙️ <b>Settings</b>",
            "",
            "🌍 Time zone: <b>UTC</b> (default)",
            "🕐 Your time now: <b>08:12</b>",
            "🗣 Language: <b>English</b>",
            "🔔 Daily reminder: <b>on, pick an hour</b>",
        ]
    )
    assert chat.labels() == [
        t.TIMEZONE_BUTTON,
        t.LANGUAGE_BUTTON,
        t.REMINDER_BUTTON,
        t.DELETE_BUTTON,
        texts.BACK_TO_MENU,
    ]


async def test_a_zone_picked_from_the_list(chat: Chat, sessionmaker: Sessions) -> None:
    await open_settings(chat)
    await chat.tap(t.TIMEZONE_BUTTON)
    assert "🕐 Your time now: <b>08:12</b>" in chat.last_text
    assert chat.labels()[:3] == ["UTC · 08:12", "London · 08:12", "Berlin · 09:12"]
    assert "Kolkata · 13:42" in chat.labels()

    await chat.tap("Berlin · 09:12", exact=True)

    assert (await one(sessionmaker, User)).timezone == "Europe/Berlin"
    assert chat.callback_texts()[-1] == "🌍 Time zone set: Berlin"
    assert "🌍 Time zone: <b>Berlin</b>\n🕐 Your time now: <b>09:12</b>\n" in chat.last_text
    assert not is_cached(chat)


async def test_the_picker_speaks_the_learners_language(chat: Chat, sessionmaker: Sessions) -> None:
    await open_settings(chat)
    await chat.press_data(LanguageCb(language="ru"))
    with reading("ru"):
        await chat.tap(t.TIMEZONE_BUTTON)
        assert chat.labels()[2:4] == ["Берлин · 09:12", "Киев · 10:12"]
        assert "Москва · 11:12" in chat.labels()
        await chat.tap("Москва · 11:12", exact=True)
        assert (await one(sessionmaker, User)).timezone == "Europe/Moscow"
        assert chat.callback_texts()[-1] == t.timezone_set("Москва")
        assert t.timezone_line("Москва", default=False) in chat.last_text
        assert t.local_time_line("11:12") in chat.last_text


async def test_a_utc_offset(chat: Chat, sessionmaker: Sessions) -> None:
    await open_settings(chat)
    await chat.tap(t.TIMEZONE_BUTTON)
    await chat.tap(t.OFFSETS_BUTTON)
    assert chat.labels()[:3] == ["UTC−12 · 20:12", "UTC−11 · 21:12", "UTC−10 · 22:12"]
    assert chat.labels()[-2:] == ["UTC+14 · 22:12", t.BACK_TO_ZONES]
    assert "UTC−3:30 · 04:42" in chat.labels()
    assert "UTC+12:45 · 20:57" in chat.labels()

    await chat.tap("UTC+3 · 11:12", exact=True)

    # Etc/GMT zones carry the POSIX sign: Etc/GMT-3 is three hours ahead of UTC.
    assert (await one(sessionmaker, User)).timezone == "Etc/GMT-3"
    assert "🌍 Time zone: <b>UTC+3</b>\n🕐 Your time now: <b>11:12</b>" in chat.last_text

    await chat.tap(t.TIMEZONE_BUTTON)
    await chat.tap(t.OFFSETS_BUTTON)
    await chat.tap("UTC+5:45 · 13:57", exact=True)
    assert (await one(sessionmaker, User)).timezone == "UTC+05:45"
    assert "🌍 Time zone: <b>UTC+5:45</b>\n🕐 Your time now: <b>13:57</b>" in chat.last_text


@pytest.mark.parametrize(
    ("typed", "stored", "shown", "local"),
    [
        ("berlin", "Europe/Berlin", "Berlin", "09:12"),
        ("Берлин", "Europe/Berlin", "Berlin", "09:12"),
        ("Москва", "Europe/Moscow", "Moscow", "11:12"),
        ("kolkata", "Asia/Kolkata", "Kolkata", "13:42"),
        ("UTC+5:30", "UTC+05:30", "UTC+5:30", "13:42"),
        ("UTC+05:45", "UTC+05:45", "UTC+5:45", "13:57"),
        ("-3:30", "UTC-03:30", "UTC−3:30", "04:42"),
        ("Asia/Kathmandu", "Asia/Kathmandu", "Kathmandu", "13:57"),
        ("  america/new_york ", "America/New_York", "New York", "03:12"),
        ("utc-5", "Etc/GMT+5", "UTC−5", "03:12"),
    ],
)
async def test_a_typed_zone(
    chat: Chat, sessionmaker: Sessions, typed: str, stored: str, shown: str, local: str
) -> None:
    await open_settings(chat)
    await chat.tap(t.TIMEZONE_BUTTON)
    await chat.tap(t.TYPE_ZONE_BUTTON)
    assert chat.last_text == t.TYPE_ZONE
    assert chat.labels() == [t.CANCEL]

    await chat.send_text(typed)

    assert (await one(sessionmaker, User)).timezone == stored
    assert chat.last_text.startswith(f"🌍 Time zone set: {shown}\n")
    assert f"🌍 Time zone: <b>{shown}</b>\n🕐 Your time now: <b>{local}</b>\n" in chat.last_text
    assert not is_cached(chat)
    await chat.send_text("Europe/Paris")  # the chat no longer waits for a zone
    assert chat.last_text == texts.STRAY_TEXT


async def test_a_wrong_zone_is_answered_and_the_chat_still_waits(
    chat: Chat, sessionmaker: Sessions
) -> None:
    await open_settings(chat)
    await chat.tap(t.TIMEZONE_BUTTON)
    await chat.tap(t.TYPE_ZONE_BUTTON)

    for wrong in ("Mars/Olympus", "Europe", "UTC+15", "UTC+5:15", "asdf qwerty", "x" * 300):
        await chat.send_text(wrong)
        assert chat.last_text == t.UNKNOWN_TIMEZONE
    # The refusal shows what it would understand.
    assert "Berlin" in chat.last_text and "UTC+5:30" in chat.last_text
    await chat.send_text("Russia")
    assert chat.last_text == t.SEVERAL_TIMEZONES
    assert (await one(sessionmaker, User)).timezone is None

    await chat.send_text("Novosibirsk")
    assert (await one(sessionmaker, User)).timezone == "Asia/Novosibirsk"


async def test_cancel_leaves_the_zone_as_it_was(chat: Chat, sessionmaker: Sessions) -> None:
    await open_settings(chat)
    await chat.tap(t.TIMEZONE_BUTTON)
    await chat.tap(t.TYPE_ZONE_BUTTON)
    await chat.tap(t.CANCEL)
    assert chat.last_text.startswith(str(t.TITLE))
    await chat.send_text("Europe/Paris")
    assert chat.last_text == texts.STRAY_TEXT

    await chat.send_text("/settings")
    await chat.tap(t.TIMEZONE_BUTTON)
    await chat.tap(t.TYPE_ZONE_BUTTON)
    await chat.send_text("/cancel")
    assert chat.last_text.startswith(f"{t.TIMEZONE_KEPT}\n\n{t.TITLE}")
    await chat.send_text("/cancel")
    assert chat.last_text == texts.NOTHING_TO_CANCEL  # nothing left to cancel

    assert (await one(sessionmaker, User)).timezone is None


async def test_the_language_switch_takes_effect_at_once(chat: Chat, sessionmaker: Sessions) -> None:
    await open_settings(chat)
    await chat.tap(t.LANGUAGE_BUTTON)
    assert chat.labels() == ["🇬🇧 English", "🇷🇺 Русский", t.BACK_TO_SETTINGS]

    await chat.tap("Русский")

    assert (await one(sessionmaker, User)).language == "ru"
    assert not is_cached(chat)
    with reading("ru"):
        assert chat.callback_texts()[-1] == t.LANGUAGE_SET
        assert chat.last_text.startswith(str(t.TITLE))
        assert "🗣 Язык: <b>Русский</b>" in chat.last_text
        await chat.send_text("/help")
        assert chat.last_text == texts.HELP

    await chat.press_data(LanguageCb(language="en"))
    assert chat.callback_texts()[-1] == "🗣 Done: from now on I speak English."
    await chat.send_text("/help")
    assert chat.last_text == texts.HELP


async def test_the_daily_reminder(chat: Chat, sessionmaker: Sessions) -> None:
    await open_settings(chat)
    await chat.tap(t.REMINDER_BUTTON)
    assert chat.labels()[0] == t.TURN_OFF
    assert chat.labels()[1:25] == [f"{h:02d}:00" for h in range(24)]

    await chat.tap(t.TURN_OFF)
    user = await one(sessionmaker, User)
    assert (user.reminders_enabled, user.reminder_hour) == (False, None)
    assert "🔔 Daily reminder: <b>off</b>" in chat.last_text
    assert chat.labels()[0] == t.TURN_ON
    assert not is_cached(chat)

    await chat.tap("07:00", exact=True)  # an hour asks for the reminder: it is on again
    user = await one(sessionmaker, User)
    assert (user.reminders_enabled, user.reminder_hour) == (True, 7)
    assert chat.callback_texts()[-1] == "🔔 Reminder at 07:00 every day."
    assert "✅ 07:00" in chat.labels()

    await chat.tap(t.BACK_TO_SETTINGS)
    assert "🔔 Daily reminder: <b>on, at 07:00</b>" in chat.last_text


@pytest.mark.parametrize("forged", ["tz:999", "tz:-1", "lang:de", "rh:24", "set:nope"])
async def test_forged_setting_buttons_change_nothing(
    chat: Chat, sessionmaker: Sessions, forged: str
) -> None:
    await chat.send_text("/start")
    before = await one(sessionmaker, User)

    await chat.press_data(forged)

    assert chat.callback_texts()[-1] == texts.BUTTON_NOT_UNDERSTOOD
    after = await one(sessionmaker, User)
    assert (after.timezone, after.language, after.reminder_hour) == (
        before.timezone,
        before.language,
        before.reminder_hour,
    )


async def test_every_offered_zone_is_one_a_button_can_carry(chat: Chat) -> None:
    await chat.press_data(ZoneCb(zone=0))
    assert chat.callback_texts()[-1] == "🌍 Time zone set: UTC"
    await chat.press_data(ZoneCb(zone=len(ZONES) - 1))
    assert chat.callback_texts()[-1] == f"🌍 Time zone set: {place_name(ZONES[-1], 'en')}"
