"""What the local chat reads: one message per line, or one message over several lines.

- A line ending in a backslash goes on: the next line belongs to the same message (the
  backslash is dropped).
- A line holding only three double quotes opens a block, and the next such line closes it:
  every line between is one message, kept as typed.

A message of several lines is always text: it never presses a button.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

BLOCK = '"""'
GOES_ON = "\\"
PROMPT, MORE_PROMPT = "> ", "... "

USAGE = (
    'A line ending in \\ goes on to the next line, and a line of three double quotes (""") '
    "opens a block that the next such line closes: either way, several lines are one message."
)


@dataclass(frozen=True, slots=True)
class Typed:
    text: str
    # Typed over several lines: text to send, whatever it looks like.
    several_lines: bool


async def read_line(stdin: TextIO) -> str:
    """The next line of `stdin` ("" at its end), read in a daemon thread.

    Not `asyncio.to_thread`: on Ctrl-C, asyncio.run waits for its executor's threads, and one
    blocked in readline() would hold the chat open until the next Enter.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str] = loop.create_future()

    def deliver(line: str | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(line or "")

    def read() -> None:
        try:
            line, error = stdin.readline(), None
        except Exception as exc:
            line, error = None, exc
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits any more
            loop.call_soon_threadsafe(deliver, line, error)

    threading.Thread(target=read, name="chat-stdin", daemon=True).start()
    return await future


async def read_message(stdin: TextIO, prompt: Callable[[str], None] | None = None) -> Typed | None:
    """The next message typed (None at the end of the input; a block or a continued line cut
    off by the end is still sent). `prompt` shows the prompt for each line read."""
    lines: list[str] = []
    in_block = False
    while True:
        if prompt is not None:
            prompt(MORE_PROMPT if lines or in_block else PROMPT)
        raw = await read_line(stdin)
        if not raw:
            break
        line = raw.rstrip("\r\n")
        if line.strip() == BLOCK:
            if in_block:
                return _several(lines)
            if not lines:
                in_block = True
                continue
        if in_block:
            lines.append(line)
            continue
        if line.endswith(GOES_ON):
            lines.append(line[: -len(GOES_ON)])
            continue
        if not lines:
            return Typed(line.strip(), several_lines=False)
        lines.append(line)
        return _several(lines)
    return _several(lines) if lines else None


def _several(lines: list[str]) -> Typed:
    # Trimmed as a Telegram client trims what it sends.
    return Typed("\n".join(lines).strip(), several_lines=True)
