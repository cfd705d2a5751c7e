"""The command list Telegram shows in its menu (setMyCommands)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeDefault

from bot.locales import en


def learner_commands() -> list[BotCommand]:
    return [BotCommand(command=c, description=d) for c, d in en.COMMAND_DESCRIPTIONS.items()]


async def register_commands(bot: Bot) -> None:
    await bot.set_my_commands(learner_commands(), scope=BotCommandScopeDefault())
