"""The gettext catalogues the bot speaks from (bot/locales), loaded by the app builder.

The `.po` catalogues are read as they are, at start-up, and compiled in memory: there is no
compiled file to forget, so a wheel, a checkout or a virtualenv made by hand all speak every
language the moment they hold the `.po` files.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

LOCALES_DIR = Path(__file__).with_name("locales")
DOMAIN = "messages"


class CataloguesMissing(RuntimeError):
    """A language the bot speaks has no catalogue (or an unreadable one): the bot would speak
    English to those learners."""


def read_translations(po_path: Path) -> gettext.GNUTranslations:
    """A `.po` catalogue as gettext reads it, compiled in memory as `pybabel compile` would
    (fuzzy entries left out)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po

    try:
        with po_path.open("rb") as file:
            catalog = read_po(file, domain=DOMAIN, abort_invalid=True)
    except (OSError, ValueError, PoFileError) as exc:  # ValueError: not UTF-8
        raise CataloguesMissing(f"cannot read the catalogue {po_path}: {exc}") from exc
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def create_i18n() -> I18n:
    # Imported here: the command line imports this module for its error, and needs neither.
    from aiogram.utils.i18n import I18n

    from bot.services.learners import DEFAULT_LANGUAGE, LANGUAGES

    class SourceCatalogues(I18n):
        """aiogram's I18n reads compiled `.mo` files; this one reads each language's `.po`."""

        def find_locales(self) -> dict[str, gettext.GNUTranslations]:
            return {
                language.name: read_translations(po)
                for language in sorted(self.path.iterdir())
                if (po := language / "LC_MESSAGES" / f"{self.domain}.po").is_file()
            }

        @contextmanager
        def context(self) -> Iterator[I18n]:
            # aiogram gives every subclass a context variable of its own, but the texts'
            # lazy gettext looks the current catalogues up in I18n's.
            token = I18n.set_current(self)
            try:
                yield self
            finally:
                I18n.reset_current(token)

    i18n = SourceCatalogues(path=LOCALES_DIR, default_locale=DEFAULT_LANGUAGE, domain=DOMAIN)
    missing = set(LANGUAGES) - set(i18n.available_locales)
    if missing:
        # Without a catalogue gettext answers with the English source text: a Russian learner
        # would silently read English.
        raise CataloguesMissing(
            f"no catalogue for {', '.join(sorted(missing))} in {LOCALES_DIR} "
            f"(expected {{language}}/LC_MESSAGES/{DOMAIN}.po): the installation is incomplete"
        )
    return i18n
