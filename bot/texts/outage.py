"""What the bot says when it cannot do its work for a moment (not a bug: it passes by itself)."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __

DATABASE_UNAVAILABLE = __("⏳ I can't reach my notes right now. Please try again in a minute.")
