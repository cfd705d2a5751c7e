"""Where text may be cut: between grapheme-like clusters (a character with its combining marks,
variation selectors, skin tones and zero-width-joined partners), so that a cut never splits
what the reader sees as one sign."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

ZWJ = "\u200d"


def _extends(char: str) -> bool:
    """Whether `char` belongs to the cluster before it rather than starting one."""
    code = ord(char)
    return (
        char == ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors (emoji or text style)
        or 0x1F3FB <= code <= 0x1F3FF  # skin tones
        or 0xE0020 <= code <= 0xE007F  # tag characters of subdivision flags
        or code == 0x20E3  # the keycap of 1️⃣
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
    )


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def clusters(text: str) -> Iterator[str]:
    """`text` cut into grapheme-like clusters: never inside an emoji sequence, a flag, or a
    letter with its combining marks."""
    current = ""
    for char in text:
        joined = current and (
            _extends(char)
            or current[-1] == ZWJ
            or (_regional(char) and len(current) == 1 and _regional(current))
        )
        if joined:
            current += char
        else:
            if current:
                yield current
            current = char
    if current:
        yield current


def boundary(text: str, index: int) -> bool:
    """Whether a cut before `text[index]` falls between clusters."""
    if index <= 0 or index >= len(text):
        return True
    char, before = text[index], text[index - 1]
    if _extends(char) or before == ZWJ:
        return False
    if _regional(char) and _regional(before):
        # Flags pair regional indicators from the start of their run.
        start = index - 1
        while start > 0 and _regional(text[start - 1]):
            start -= 1
        return (index - start) % 2 == 0
    return True
