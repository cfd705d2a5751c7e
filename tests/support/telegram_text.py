"""Telegram's reading of an HTML message, done apart from the bot's own measure (with the
standard library's HTML parser), so size tests check the bot against a count it did not write."""

from __future__ import annotations

from html.parser import HTMLParser


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, f"</{tag}> out of order"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible_text(html: str) -> str:
    """The text a reader sees; fails on a tag closed out of order or left open."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    assert not reader.stack, f"unclosed {reader.stack} in {html!r}"
    return "".join(reader.text)


def telegram_length(html: str) -> int:
    """UTF-16 units of the visible text: what Telegram counts against its limits."""
    return len(visible_text(html).encode("utf-16-le")) // 2
