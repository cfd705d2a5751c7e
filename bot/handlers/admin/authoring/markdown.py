"""A lesson text typed in Telegram, back to the course format's Markdown.

Telegram apps turn **bold**, `code` and the like into formatting as the admin types, and the
bot then receives plain text with entities. Writing the entities back as the course format's
markers keeps what the admin saw; formatting the format has no marker for (underline, spoilers,
quotes) is kept as plain text.
"""

from __future__ import annotations

from datetime import datetime

from aiogram.types import Message
from aiogram.utils.text_decorations import TextDecoration


def _per_line(marker: str, value: str) -> str:
    """The course format's inline markers never span lines, nor start or end with a space."""
    lines = []
    for line in value.split("\n"):
        core = line.strip()
        if not core:
            lines.append(line)
            continue
        start = line.index(core)
        lines.append(f"{line[:start]}{marker}{core}{marker}{line[start + len(core) :]}")
    return "\n".join(lines)


class CourseMarkdown(TextDecoration):
    def link(self, value: str, link: str) -> str:
        if link.startswith(("https://", "http://")) and "\n" not in value:
            return f"[{value}]({link})"
        return value

    def bold(self, value: str) -> str:
        return _per_line("**", value)

    def italic(self, value: str) -> str:
        return _per_line("*", value)

    def code(self, value: str) -> str:
        return _per_line("`", value)

    def pre(self, value: str) -> str:
        return f"```\n{value.strip(chr(10))}\n```"

    def pre_language(self, value: str, language: str) -> str:
        return f"```{language}\n{value.strip(chr(10))}\n```"

    def underline(self, value: str) -> str:
        return value

    def strikethrough(self, value: str) -> str:
        return value

    def spoiler(self, value: str) -> str:
        return value

    def quote(self, value: str) -> str:
        return value

    def custom_emoji(self, value: str, custom_emoji_id: str) -> str:
        return value

    def blockquote(self, value: str) -> str:
        return value

    def expandable_blockquote(self, value: str) -> str:
        return value

    def date_time(
        self, value: str, unix_time: int | datetime, date_time_format: str | None = None
    ) -> str:
        return value


_COURSE_MARKDOWN = CourseMarkdown()


def lesson_text(message: Message) -> str | None:
    """The message's text with its formatting written as the course format's markers."""
    if message.text is None or not message.entities:
        return message.text
    return _COURSE_MARKDOWN.unparse(message.text, message.entities)
