"""Logging for the `learnbot` process: secrets redacted from every record, whoever logged it.

Libraries put what they know into their messages: aiohttp's errors quote the request URL, and the
Bot API's URL carries the bot token. So the redaction sits on the root handlers, where every
record passes whichever logger produced it, rather than in our own log calls.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from collections.abc import Iterable
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import quote

REDACTED = "[redacted]"
# A shorter secret (a WEBHOOK_SECRET of "abc") would blank out every word containing it, and
# one that short protects nothing anyway; a bot token is always longer.
MIN_SECRET_LENGTH = 6
# Attributes every LogRecord has; anything else on a record came through `extra=`.
STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", logging.INFO, "", 0, "", None, None)).keys()
) | {"message", "asctime"}
# aiogram logs every update and callback answer at INFO, aiohttp every webhook request,
# alembic each of its plugins: noise for an operator.
NOISY_LOGGERS = (
    "aiogram.event",
    "aiogram.middlewares",
    "aiohttp.access",
    "alembic.runtime.plugins",
)


class Redactor:
    """Replaces each secret, as written and as percent-encoded in a URL, in any text."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if secret and len(secret) >= MIN_SECRET_LENGTH:
                forms.update({secret, quote(secret, safe=""), quote(secret)})
        # Longest first, so a secret containing another is replaced whole.
        self.forms = sorted(forms, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for form in self.forms:
            if form in text:
                text = text.replace(form, REDACTED)
        return text

    def __bool__(self) -> bool:
        return bool(self.forms)


class RedactSecrets(logging.Filter):
    """A handler filter that leaves no secret in a record: its message with the arguments
    merged in, its exception and stack text, and the string values given as `extra`."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            # Arguments that do not fit the format would be printed raw by logging's own error
            # report; the format string alone says where the bad call is.
            message = f"{record.msg} (log arguments did not fit the message)"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set: they never format the exception again.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for key, value in vars(record).items():
            if key not in STANDARD_ATTRIBUTES and isinstance(value, str):
                setattr(record, key, self.redact(value))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log shippers: time (UTC), level, logger, message, the
    fields given as `extra`, and the exception's traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(
    level: str, secrets: Iterable[str | None], *, json_lines: bool = False
) -> Redactor:
    """Log to standard error at `level` (as JSON lines if asked), every handler behind the
    redaction filter; the redactor is returned for the messages the program prints itself."""
    redact = Redactor(secrets)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=level, handlers=[stderr])
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactSecrets(redact))
    quiet = max(logging.WARNING, logging.getLevelName(level))
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(quiet)
    _redact_uncaught(redact)
    return redact


def _redact_uncaught(redact: Redactor) -> None:
    """A crash's traceback goes to standard error without passing through logging."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, error, tb))
        sys.stderr.write(redact(text))

    sys.excepthook = hook
