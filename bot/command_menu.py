"""The command list Telegram shows in its menu (setMyCommands), in each language the bot speaks."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeDefault
from aiogram.utils.i18n import I18n

from bot.services.learners import DEFAULT_LANGUAGE, RUSSIAN_READERS
from bot.texts import commands


def learner_commands() -> list[BotCommand]:
    """The learner's commands, described in the current I18n context's language."""
    return [
        BotCommand(command=command, description=str(description))
        for command, description in commands.COMMAND_DESCRIPTIONS.items()
    ]


def menu_languages() -> dict[str | None, str]:
    """Telegram's client language_code (None: every other client) -> the language of the menu.

    Telegram picks the menu by the client's language, so every client language the bot answers
    in Russian gets the Russian menu, not only `ru`.
    """
    return {None: DEFAULT_LANGUAGE, **{code: "ru" for code in sorted(RUSSIAN_READERS)}}


async def register_commands(bot: Bot, i18n: I18n) -> None:
    for language_code, language in menu_languages().items():
        with i18n.context(), i18n.use_locale(language):
            commands = learner_commands()
        await bot.set_my_commands(
            commands, scope=BotCommandScopeDefault(), language_code=language_code
        )
