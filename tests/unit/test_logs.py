"""The redaction filter: no secret survives in any part of a log record."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import REDACTED, JsonFormatter, Redactor, RedactSecrets

TOKEN = "123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET = "hook-secret_42"


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    """What a handler behind the filter writes, for a logger of a library we do not own."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s %(where)s"))
    handler.addFilter(RedactSecrets(Redactor([TOKEN, SECRET, None, "pw"])))
    logger = logging.getLogger("some.library")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
        logger.setLevel(logging.NOTSET)


def test_message_arguments_traceback_and_extras_are_redacted(output: io.StringIO) -> None:
    log = logging.getLogger("some.library")
    url = f"http://127.0.0.1:81/bot{TOKEN}/getUpdates"
    try:
        raise ConnectionError(f"cut while fetching {url}")
    except ConnectionError:
        log.exception("failed %s with %s", url, SECRET, extra={"where": url})

    text = output.getvalue()
    assert TOKEN not in text
    assert SECRET not in text
    assert text.count(REDACTED) == 4, text  # message twice, the extra, the traceback
    assert "Traceback" in text
    assert "ConnectionError: cut while fetching http://127.0.0.1:81/bot[redacted]" in text


def test_a_percent_encoded_token_is_redacted(output: io.StringIO) -> None:
    logging.getLogger("some.library").warning(
        "GET /bot%s", TOKEN.replace(":", "%3A"), extra={"where": ""}
    )

    assert output.getvalue().strip() == f"WARNING some.library: GET /bot{REDACTED}"


def test_short_secrets_are_left_alone_and_bad_arguments_do_not_raise(
    output: io.StringIO,
) -> None:
    log = logging.getLogger("some.library")
    log.info("a pwd of %s", "x", extra={"where": "-"})
    log.info("two %s %s", "arguments", extra={"where": "-"})  # one too few: no exception

    lines = output.getvalue().splitlines()
    assert lines[0] == "INFO some.library: a pwd of x -"
    assert lines[1].startswith("INFO some.library: two %s %s (log arguments did not fit")


def test_json_lines_carry_the_fields_and_one_traceback_redacted() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactSecrets(Redactor([TOKEN])))
    record = logging.LogRecord("bot.updates", logging.ERROR, __file__, 1, "update %s", (7,), None)
    record.outcome, record.ms = "error:Boom", 12
    try:
        raise ValueError(f"at /bot{TOKEN}/x\nsecond line")
    except ValueError as exc:
        record.exc_info = (ValueError, exc, exc.__traceback__)

    handler.handle(record)

    [line] = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "bot.updates"
    assert entry["message"] == "update 7"
    assert (entry["outcome"], entry["ms"]) == ("error:Boom", 12)
    assert entry["time"].endswith("+00:00")
    assert entry["exception"].startswith("Traceback")
    assert f"/bot{REDACTED}/x" in entry["exception"]
    assert TOKEN not in line
