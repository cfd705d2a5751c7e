"""The gettext catalogues the bot speaks from (bot/locales), loaded by the app builder.

The `.po` catalogues are compiled to `.mo` by `make install` (and again by `make run`/`test`
whenever one changes): those compiled files are what gettext reads at run time.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

LOCALES_DIR = Path(__file__).with_name("locales")
DOMAIN = "messages"
COMPILE_HINT = f"run `make install`, or `pybabel compile -d {LOCALES_DIR} -D {DOMAIN}`"


class CataloguesNotCompiled(RuntimeError):
    """A catalogue is there but its compiled `.mo` is not: the bot would speak English only."""


def create_i18n() -> I18n:
    # Imported here: the command line imports this module for its error, and needs neither.
    from aiogram.utils.i18n import I18n

    from bot.services.learners import DEFAULT_LANGUAGE, LANGUAGES

    try:
        i18n = I18n(path=LOCALES_DIR, default_locale=DEFAULT_LANGUAGE, domain=DOMAIN)
    except RuntimeError as exc:  # aiogram's word for a .po without its .mo
        raise CataloguesNotCompiled(f"{exc} {COMPILE_HINT}") from exc
    missing = set(LANGUAGES) - set(i18n.available_locales)
    if missing:
        # Without a catalogue gettext answers with the English source text: a Russian learner
        # would silently read English.
        raise CataloguesNotCompiled(
            f"no compiled catalogue for {', '.join(sorted(missing))} in {LOCALES_DIR}: "
            f"{COMPILE_HINT}"
        )
    return i18n
