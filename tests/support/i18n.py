"""The bot's texts as a learner reading a given language sees them, and its catalogues."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from aiogram.utils.i18n import I18n
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LOCALES_DIR, create_i18n


@cache
def _i18n() -> I18n:
    # One load of the catalogues for the whole run; every app builds its own.
    return create_i18n()


@contextmanager
def reading(language: str) -> Iterator[None]:
    """Within this block `bot.texts` answers in `language`, as inside the bot's handlers."""
    i18n = _i18n()
    with i18n.context(), i18n.use_locale(language):
        yield


def catalogue_path(language: str, suffix: str = ".po") -> Path:
    return LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file)


def forms(value: str | Sequence[str] | None) -> list[str]:
    """A catalogue message's id or translation as its list of forms (one unless a plural)."""
    if value is None:
        return [""]
    return [value] if isinstance(value, str) else [str(form) for form in value]
