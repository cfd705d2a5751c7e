"""What an activity earned, announced the same way after a finished run and a lesson marked done."""

from __future__ import annotations

from bot.locales import en
from bot.services.completion import Effects


def effects_lines(effects: Effects) -> list[str]:
    lines = []
    if effects.xp_gained:
        lines.append(en.xp_gained(effects.xp_gained))
    if effects.module_completed:
        lines.append(en.MODULE_COMPLETED)
    return lines
