"""What an activity earned, announced the same way after a finished run and a lesson marked done."""

from __future__ import annotations

from bot import texts
from bot.services.completion import Effects


def effects_lines(effects: Effects) -> list[str]:
    lines = []
    if effects.xp_gained:
        lines.append(texts.xp_gained(effects.xp_gained))
    if effects.module_completed:
        lines.append(str(texts.MODULE_COMPLETED))
    return lines
