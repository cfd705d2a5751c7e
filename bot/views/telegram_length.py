"""Text measured as Telegram measures it, and cut or packed to fit its limits.

Telegram's limits (4096 for a message's text, 1024 for a caption) count UTF-16 code units of the
text left once entities are parsed: for HTML, the tags are gone and `&amp;`-style entities are
one character each. Python's `len` counts code points, so an emoji outside the Basic
Multilingual Plane weighs 2 to Telegram and 1 to `len`, and a family emoji (four people joined by
zero-width joiners) weighs 11 to Telegram and 7 to `len`.

Cuts fall between tags, entities and grapheme-like clusters (bot/views/clusters.py), so a cut
never splits an emoji sequence, a tag or an entity; formatting open at a cut is closed before it
and opened again after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from bot.views.clusters import ZWJ, boundary

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024
# The notice or alert that answers a button press.
CALLBACK_ANSWER_LIMIT = 200
ELLIPSIS = "…"

_MARKUP = re.compile(r"<[^>]*>|&[#A-Za-z0-9]+;")
_TAG_NAME = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)")
# The only named entities Telegram's HTML parser knows; all numeric ones are understood.
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_NUMERIC = re.compile(r"&#(?:([0-9]{1,7})|[xX]([0-9A-Fa-f]{1,6}));")


def utf16_len(text: str) -> int:
    """`text`'s length in UTF-16 code units: what Telegram counts."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _entity(token: str) -> str:
    """What an entity stands for to Telegram; one it does not know stays literal text."""
    if (named := _NAMED.get(token[1:-1])) is not None:
        return named
    if match := _NUMERIC.fullmatch(token):
        code = int(match[1]) if match[1] else int(match[2], 16)
        if 0 < code <= 0x10FFFF:
            return chr(code)
    return token


def visible_text(html: str) -> str:
    """The text of Telegram HTML as the reader sees it: tags dropped, entities unescaped."""
    return _MARKUP.sub(_unmarked, html)


def _unmarked(match: re.Match[str]) -> str:
    markup = match[0]
    return "" if markup.startswith("<") else _entity(markup)


def html_length(html: str) -> int:
    """Telegram's length of an HTML text (parse_mode HTML)."""
    return utf16_len(visible_text(html))


def clip(text: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """Plain `text` at most `limit` UTF-16 units long: cut between clusters with `ellipsis`
    after the cut when it is too long."""
    if utf16_len(text) <= limit:
        return text
    return text[: _prefix(text, limit - utf16_len(ellipsis))] + ellipsis


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    size: int  # visible UTF-16 units
    kind: str  # "open", "close", "text"
    name: str = ""


# Line breaks are tokens of their own: the places a piece prefers to end.
_PIECE_TOKEN = re.compile(r"<[^>]*>|&[#A-Za-z0-9]+;|\n|[^<&\n]+|[<&]")


def _tokens(html: str) -> Iterator[_Token]:
    for raw in _PIECE_TOKEN.findall(html):
        if raw.startswith("<") and len(raw) > 1:
            match = _TAG_NAME.match(raw)
            name = match[1].lower() if match else ""
            yield _Token(raw, 0, "close" if raw.startswith("</") else "open", name)
        elif raw.startswith("&") and len(raw) > 1:
            yield _Token(raw, utf16_len(_entity(raw)), "text")
        else:
            yield _Token(raw, utf16_len(raw), "text")


def _units_prefix(text: str, room: int) -> int:
    """The most code points from the start of `text` that are at most `room` UTF-16 units."""
    if room <= 0:
        return 0
    if text.isascii():
        return max(0, min(room, len(text)))
    index = max(0, min(room, len(text)))
    # Each code point is one or two units: dropping half the excess never drops too many.
    while (excess := utf16_len(text[:index]) - room) > 0:
        index -= max(1, excess // 2)
    return index


def _prefix(text: str, room: int) -> int:
    """The length (in code points) of the longest beginning of `text` that is at most `room`
    UTF-16 units long and ends between clusters; 0 when even its first cluster is longer."""
    index = _units_prefix(text, room)
    while index > 0 and not boundary(text, index):
        index -= 1
    return index


def split_html(html: str, limit: int, *, at_lines: bool = True) -> list[str]:
    """`html` cut into well-formed pieces of at most `limit` units each (Telegram's count).

    With `at_lines`, a piece ends at the last line break that leaves it at least half full (the
    break itself is dropped), else as late as its text allows, between clusters, entities and
    tags. Tags open at a cut are closed at the end of the piece and reopened at the start of the
    next. A text that fits is returned as it is; an empty one gives no pieces.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2")
    if html_length(html) <= limit:
        return [html] if html else []
    pieces: list[str] = []
    stack: list[_Token] = []  # the tags open at this point
    body: list[_Token] = []  # the current piece's tokens after its reopened tags
    opened: list[_Token] = []  # the tags reopened at the start of the current piece
    size = 0

    def closers(open_tags: list[_Token]) -> str:
        return "".join(f"</{tag.name}>" for tag in reversed(open_tags))

    def cut() -> None:
        nonlocal body, opened, size
        # The last usable line break: its index in body, and the tags open there.
        best: tuple[int, list[_Token]] | None = None
        if at_lines:
            replay = list(opened)
            seen = 0
            for index, token in enumerate(body):
                if token.kind == "open":
                    replay.append(token)
                elif token.kind == "close":
                    if replay:
                        replay.pop()
                elif token.text == "\n" and index and seen * 2 >= limit:
                    best = (index, list(replay))
                seen += token.size
        if best is None:
            head, rest, at = body, [], list(stack)
        else:
            index, at = best
            head, rest = body[:index], body[index + 1 :]
        pieces.append("".join(t.text for t in opened + head) + closers(at))
        opened = at
        body = rest
        size = sum(t.size for t in rest)

    def add(token: _Token) -> None:
        nonlocal size
        body.append(token)
        size += token.size

    for token in _tokens(html):
        if token.kind == "open":
            stack.append(token)
        elif token.kind == "close":
            if stack:
                stack.pop()
        else:
            while size + token.size > limit:
                if token.text.startswith("&") or token.text == "\n":
                    cut()  # an entity or a line break is never cut: it starts the next piece
                    continue
                count = _prefix(token.text, limit - size)
                if count == 0 and size == 0:
                    # A cluster longer than a whole piece (a letter under hundreds of marks, a
                    # chain of joined emoji): cut between its characters, dropping the joiners
                    # that would dangle at the cut.
                    count = max(1, _units_prefix(token.text, limit))
                    head = token.text[:count].rstrip(ZWJ)
                    rest = token.text[count:].lstrip(ZWJ)
                elif count:
                    head, rest = token.text[:count], token.text[count:]
                else:
                    cut()
                    continue
                add(_Token(head, utf16_len(head), "text"))
                cut()
                token = _Token(rest, utf16_len(rest), "text")
            if not token.text:
                continue
        add(token)
    if any(t.kind == "text" for t in body) or not pieces:
        pieces.append("".join(t.text for t in opened + body))
    return pieces


def fit(html: str, limit: int = MESSAGE_LIMIT, ellipsis: str = ELLIPSIS) -> str:
    """`html` as it is if it fits in `limit`, else its well-formed beginning and `ellipsis`."""
    if html_length(html) <= limit:
        return html
    return split_html(html, limit - utf16_len(ellipsis), at_lines=False)[0] + ellipsis


def pack(blocks: Iterable[str], limit: int = MESSAGE_LIMIT, separator: str = "\n\n") -> list[str]:
    """The HTML blocks joined by `separator` into as few messages as fit in `limit`; a block is
    cut (at its line breaks where it can) only when it is too long for a message of its own."""
    messages: list[str] = []
    last = 0  # the length of messages[-1]
    gap = html_length(separator)
    for block in blocks:
        size = html_length(block)
        if messages and last + gap + size <= limit:
            messages[-1] += separator + block
            last += gap + size
            continue
        for piece in split_html(block, limit):
            messages.append(piece)
            last = html_length(piece)
    return messages


def fit_lines(lines: list[str], room: int, more: Callable[[int], str]) -> list[str]:
    """As many of the HTML `lines` as fit in `room` units once joined by line breaks; when some
    are left out, the line `more(count)` says how many, and fits in `room` too."""
    if sum(html_length(line) + 1 for line in lines) - 1 <= room:
        return lines
    # Sized for the largest count it could say, so it fits whatever is left out.
    room -= html_length(more(len(lines))) + 1
    kept: list[str] = []
    for line in lines:
        room -= html_length(line) + 1
        if room < 0:
            break
        kept.append(line)
    return [*kept, more(len(lines) - len(kept))]


def list_text(
    head: list[str],
    items: list[str],
    tail: list[str],
    more: Callable[[int], str],
    limit: int = MESSAGE_LIMIT,
) -> str:
    """The lines of `head`, `items` and `tail` joined by line breaks, within `limit`: the items
    that do not fit give way to the line `more(count)`."""
    fixed = html_length("\n".join([*head, *tail])) + len(head) + len(tail)
    return "\n".join([*head, *fit_lines(items, limit - fixed, more), *tail])
