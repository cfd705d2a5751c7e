"""The command menu's descriptions (setMyCommands), one per command, in the learner's order."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

COMMAND_DESCRIPTIONS = {
    "start": __("Main menu"),
    "continue": __("Continue where you left off"),
    "courses": __("Browse the courses"),
    "review": __("Review the questions you answered"),
    "progress": __("My progress"),
    "achievements": __("Achievements"),
    "leaderboard": __("The leaderboard"),
    "settings": __("Time zone, language, reminder, your data"),
    "cancel": __("Stop typing an answer"),
    "help": __("How this bot works"),
}
