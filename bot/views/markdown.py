"""The course format's Markdown subset, rendered to Telegram HTML and cut into pages.

Supported: `#`/`##`/`###` headings, **bold**, *italic* and _italic_, `inline code`, fenced code
blocks with an optional language, [links](https://...), `- `/`* ` bullets and `1. ` numbered
items. Everything else is plain text, escaped, so an author's `<` or `&` can never break the HTML.

Lines are kept as written (Telegram shows a line break where the author put one); formatting
never spans lines. Each page is well-formed HTML by itself and at most `max_len` long as Telegram
counts (UTF-16 units of the text its reader sees), which keeps it inside Telegram's 4096 limit
with the lesson's heading above it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.services.content.model import FENCE
from bot.views.telegram_length import html_length, split_html, utf16_len, visible_text

# The smallest page size for which the splitter can always make progress.
MIN_PAGE_LEN = 100

_HEADING = re.compile(r"^(?P<marks>#{1,3}) +(?P<text>.*?)\s*$")
_BULLET = re.compile(r"^(?P<indent>\s*)[-*] +(?P<text>.*)$")
_NUMBERED = re.compile(r"^(?P<indent>\s*)(?P<number>\d{1,9})\. +(?P<text>.*)$")
_LANGUAGE = re.compile(r"^[A-Za-z0-9_+#.-]{1,32}$")

_INLINE = re.compile(
    r"`(?P<code>[^`]+)`"
    r"|\[(?P<label>[^\]]+)\]\((?P<url>https?://[^\s()<>]+)\)"
    r"|\*\*(?P<bold>[^\s*](?:.*?[^\s*])??)\*\*"
    r"|(?<![\w*])\*(?P<star>[^\s*](?:.*?[^\s*])??)\*(?![\w*])"
    r"|(?<![A-Za-z0-9_])_(?P<under>[^\s_](?:.*?[^\s_])??)_(?![A-Za-z0-9_])"
)


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def render_inline(text: str) -> str:
    """One line of Markdown as HTML; unmatched markers stay as literal (escaped) characters."""
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(_escape(text[position : match.start()]))
        position = match.end()
        if (code := match["code"]) is not None:
            out.append(f"<code>{_escape(code)}</code>")
        elif (url := match["url"]) is not None:
            out.append(
                f'<a href="{html.escape(url, quote=True)}">{render_inline(match["label"])}</a>'
            )
        elif (bold := match["bold"]) is not None:
            out.append(f"<b>{render_inline(bold)}</b>")
        else:
            italic = match["star"] if match["star"] is not None else match["under"]
            out.append(f"<i>{render_inline(italic)}</i>")
    out.append(_escape(text[position:]))
    return "".join(out)


@dataclass(slots=True)
class _Block:
    """A unit pages are cut between: its HTML lines sit between `opening` and `closing`."""

    lines: list[str]
    # The separator before this block when it follows another on the same page.
    separator: str = "\n\n"
    opening: str = ""
    closing: str = ""

    def html(self) -> str:
        return self.opening + "\n".join(self.lines) + self.closing


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    lines = _lines(text)
    blank_before = False
    paragraph: _Block | None = None  # the block a plain line continues, if any
    i = 0

    def start(block: _Block) -> None:
        nonlocal blank_before
        block.separator = "\n\n" if blank_before else "\n"
        blank_before = False
        blocks.append(block)

    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip():
            blank_before = bool(blocks)
            paragraph = None
            continue
        if fence := FENCE.match(line):
            code: list[str] = []
            while i < len(lines) and not FENCE.match(lines[i]):
                code.append(_escape(lines[i]))
                i += 1
            i += 1  # the closing fence (or the end of the text)
            language = fence["lang"]
            if language and _LANGUAGE.match(language):
                opening = f'<pre><code class="language-{_escape(language)}">'
                closing = "</code></pre>"
            else:
                opening, closing = "<pre>", "</pre>"
            start(_Block(code or [""], opening=opening, closing=closing))
            paragraph = None
        elif heading := _HEADING.match(line):
            start(_Block([f"<b>{render_inline(heading['text'])}</b>"]))
            paragraph = None
        elif item := _BULLET.match(line):
            paragraph = _Block([f"{item['indent']}• {render_inline(item['text'])}"])
            start(paragraph)
        elif item := _NUMBERED.match(line):
            paragraph = _Block([f"{item['indent']}{item['number']}. {render_inline(item['text'])}"])
            start(paragraph)
        elif paragraph is not None:
            paragraph.lines.append(render_inline(line.rstrip()))
        else:
            paragraph = _Block([render_inline(line.rstrip())])
            start(paragraph)
    return blocks


def _split_block(block: _Block, max_len: int) -> list[str]:
    """A block too long for one page, cut at line boundaries into pages of its own; a line
    longer than a page is cut inside, between clusters, entities and tags."""
    pages: list[str] = []
    chunk: list[str] = []
    size = 0

    def flush() -> None:
        nonlocal size
        # Blank lines of code alone at a cut would make a page with nothing to read.
        if chunk and visible_text("".join(chunk)).strip():
            pages.append(block.opening + "".join(chunk) + block.closing)
        chunk.clear()
        size = 0

    for line in block.lines:
        length = html_length(line)
        if length <= max_len:
            pieces = [(line, length)]
        else:
            pieces = [
                (piece, html_length(piece)) for piece in split_html(line, max_len, at_lines=False)
            ]
        for index, (piece, length) in enumerate(pieces):
            # The pieces of one cut line continue each other: no line break between them.
            joiner = "\n" if index == 0 else ""
            added = length + (len(joiner) if chunk else 0)
            if size + added > max_len:
                flush()
                added = length
            if chunk:
                chunk[-1] += joiner
            chunk.append(piece)
            size += added
    flush()
    return pages


def render_pages(text: str, max_len: int = 3500) -> list[str]:
    """Render Markdown to Telegram HTML pages of at most `max_len` each, as Telegram counts.

    Pages are cut between blocks (paragraphs, list items, headings, code blocks); a block longer
    than a page is cut between its lines (a code block is closed and reopened across the cut),
    and a line longer than a page is cut inside, never within an emoji sequence, a tag or an
    entity. Empty or blank text gives no pages: `[]`.
    """
    if max_len < MIN_PAGE_LEN:
        raise ValueError(f"max_len must be at least {MIN_PAGE_LEN}")
    pages: list[str] = []
    current = ""
    size = 0
    for block in _blocks(text):
        rendered = block.html()
        visible = visible_text(rendered)
        if not visible.strip():
            continue  # an empty heading or code block: nothing to read, no page of its own
        length = utf16_len(visible)
        gap = len(block.separator)
        if current and size + gap + length <= max_len:
            current += block.separator + rendered
            size += gap + length
            continue
        if current:
            pages.append(current)
            current, size = "", 0
        if length <= max_len:
            current, size = rendered, length
        else:
            *full, current = _split_block(block, max_len)
            pages.extend(full)
            size = html_length(current)
    if current:
        pages.append(current)
    return pages
