"""Who is an admin: ADMIN_IDS. Everyone else finds no trace of the admin's commands or buttons,
and each attempt is logged with who made it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.methods import SetMyCommands
from aiogram.types import BotCommandScopeChat, BotCommandScopeDefault
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import bot.handlers  # noqa: F401 (imports every router module)
from bot import texts
from bot.app import build_app
from bot.callbacks.admin import ADMIN_PREFIX
from bot.config import Settings
from bot.handlers.command_menu import register_commands
from bot.i18n import create_i18n
from bot.services.context import Context
from bot.serving.local_api import LocalBotSession
from bot.texts import admin as admin_texts
from tests.support.authoring import LEARNER_ID, admin_settings
from tests.support.chat import Chat, database_of
from tests.support.rows import snapshot

ADMIN_COMMANDS = list(admin_texts.ADMIN_COMMAND_DESCRIPTIONS)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return admin_settings(database_url)


def _admin_callbacks() -> Iterator[type[CallbackData]]:
    # bot.handlers imports every router module, so every admin button's data class exists.
    pending = list(CallbackData.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__prefix__.startswith(ADMIN_PREFIX):
            yield cls


async def test_an_admin_opens_the_admin_menu(admin: Chat) -> None:
    await admin.send_text("/admin")
    assert admin.last_text == str(admin_texts.MENU)
    assert admin.labels() == [
        str(admin_texts.SECTION_COURSE),
        str(admin_texts.SECTION_COURSE_FILE),
        str(admin_texts.SECTION_BROADCASTS),
        str(admin_texts.SECTION_STATS),
    ]


async def test_a_learner_gets_the_unknown_command_answer_for_every_admin_command(
    learner: Chat,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await learner.send_text("/start")
    before = await snapshot(sessionmaker)
    caplog.set_level(logging.WARNING, logger="bot.handlers.admin.refusals")
    for command in ADMIN_COMMANDS:
        learner.forget()
        await learner.send_text(f"/{command}")
        assert learner.texts() == [str(texts.UNKNOWN_COMMAND)], command
    refused = [r.getMessage() for r in caplog.records]
    assert refused == [
        f"admin command refused to {LEARNER_ID}: '/{command}'" for command in ADMIN_COMMANDS
    ]
    assert await snapshot(sessionmaker) == before


async def test_a_learner_pressing_any_admin_button_is_not_understood(
    learner: Chat,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await learner.send_text("/start")
    before = await snapshot(sessionmaker)
    caplog.set_level(logging.WARNING, logger="bot.handlers.admin.refusals")
    prefixes = sorted(cls.__prefix__ for cls in _admin_callbacks())
    assert "a_menu" in prefixes
    for prefix in prefixes:
        learner.forget()
        # Forged data of every shape a field could take: none reaches an admin handler.
        for data in (f"{prefix}:home", f"{prefix}:1", f"{prefix}:1:1:1"):
            await learner.press_data(data)
        assert learner.callback_texts() == [str(texts.BUTTON_NOT_UNDERSTOOD)] * 3, prefix
        assert learner.texts() == [], prefix
    assert len(caplog.records) == 3 * len(prefixes)
    assert all(f"refused to {LEARNER_ID}" in r.getMessage() for r in caplog.records)
    assert await snapshot(sessionmaker) == before


async def test_learner_buttons_never_look_like_admin_buttons() -> None:
    learner_prefixes = [
        cls.__prefix__
        for cls in CallbackData.__subclasses__()
        if cls.__module__ == "bot.callbacks.learner"
    ]
    assert learner_prefixes
    assert not [p for p in learner_prefixes if p.startswith(ADMIN_PREFIX)]


async def test_admins_get_the_admin_command_menu_in_each_language(
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
    context: Context,
) -> None:
    settings = Settings(
        _env_file=None, database_url=database_url, bot_token=None, admin_ids=frozenset({5, 6})
    )
    api = LocalBotSession()
    app = build_app(settings, database=database_of(sessionmaker, context), bot_session=api)
    # Admin 6 never wrote to the bot: Telegram knows no such chat.
    api.fail(SetMyCommands, chat_id=6, status=400, description="Bad Request: chat not found")
    caplog.set_level(logging.WARNING, logger="bot.handlers.command_menu")

    await register_commands(app.bot, create_i18n(), settings)

    calls: list[SetMyCommands] = api.sent(SetMyCommands)
    defaults = [c for c in calls if isinstance(c.scope, BotCommandScopeDefault)]
    admin_menus = [c for c in calls if isinstance(c.scope, BotCommandScopeChat)]
    assert {c.scope.chat_id for c in admin_menus if isinstance(c.scope, BotCommandScopeChat)} == {5}
    assert len(admin_menus) == len(defaults) == 5  # None, and the four Russian-reading clients
    for menu in admin_menus:
        names = [c.command for c in menu.commands]
        assert names[-len(ADMIN_COMMANDS) :] == ADMIN_COMMANDS
        assert "start" in names
    english = next(c for c in admin_menus if c.language_code is None)
    russian = next(c for c in admin_menus if c.language_code == "ru")
    assert english.commands[-1].description != russian.commands[-1].description
    for default in defaults:
        assert not {c.command for c in default.commands} & set(ADMIN_COMMANDS)
    # Tried once, not once per language.
    assert len(api.failed(SetMyCommands)) == 1
    assert [r.getMessage() for r in caplog.records] == [
        "no admin command menu for 6: Bad Request: chat not found"
    ]
