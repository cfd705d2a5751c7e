"""The command list Telegram shows in its menu (setMyCommands), in each language the bot speaks:
the learner's commands for everyone, and for each admin's chat the admin's on top of them."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from bot.config import Settings
from bot.services.learners import DEFAULT_LANGUAGE, RUSSIAN_READERS
from bot.texts import commands
from bot.texts.admin import ADMIN_COMMAND_DESCRIPTIONS

log = logging.getLogger(__name__)


def learner_commands() -> list[BotCommand]:
    """The learner's commands, described in the current I18n context's language."""
    return [
        BotCommand(command=command, description=str(description))
        for command, description in commands.COMMAND_DESCRIPTIONS.items()
    ]


def admin_commands() -> list[BotCommand]:
    """An admin's commands: the learner's, then the admin's own."""
    return learner_commands() + [
        BotCommand(command=command, description=str(description))
        for command, description in ADMIN_COMMAND_DESCRIPTIONS.items()
    ]


def menu_languages() -> dict[str | None, str]:
    """Telegram's client language_code (None: every other client) -> the language of the menu.

    Telegram picks the menu by the client's language, so every client language the bot answers
    in Russian gets the Russian menu, not only `ru`.
    """
    return {None: DEFAULT_LANGUAGE, **{code: "ru" for code in sorted(RUSSIAN_READERS)}}


async def register_commands(bot: Bot, i18n: I18n, settings: Settings) -> None:
    unreachable: set[int] = set()
    for language_code, language in menu_languages().items():
        with i18n.context(), i18n.use_locale(language):
            learner, admin = learner_commands(), admin_commands()
        await bot.set_my_commands(
            learner, scope=BotCommandScopeDefault(), language_code=language_code
        )
        for admin_id in sorted(settings.admin_ids - unreachable):
            try:
                await bot.set_my_commands(
                    admin,
                    scope=BotCommandScopeChat(chat_id=admin_id),
                    language_code=language_code,
                )
            except (TelegramBadRequest, TelegramForbiddenError) as exc:
                # Telegram knows no chat with an admin who never wrote to the bot: they get
                # the menu the next time the bot starts after they did.
                log.warning("no admin command menu for %s: %s", admin_id, exc.message)
                unreachable.add(admin_id)
