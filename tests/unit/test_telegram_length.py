"""Texts measured as Telegram measures them (UTF-16 units of the visible text) and cut to fit."""

from __future__ import annotations

import random
import re

import pytest

from bot.views.clusters import clusters
from bot.views.telegram_length import (
    clip,
    fit,
    fit_lines,
    html_length,
    list_text,
    pack,
    split_html,
    utf16_len,
    visible_text,
)
from tests.support import telegram_text

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👨‍👩‍👧‍👦, 11 units
THUMB = "\U0001f44d\U0001f3fd"  # 👍🏽, a skin tone
FLAG = "\U0001f1eb\U0001f1f7"  # 🇫🇷, two regional indicators
KEYCAP = "1\ufe0f\u20e3"  # 1️⃣
ACCENT = "e\u0301"  # é as e and a combining accent
CJK = "中文"


def read(piece: str) -> str:
    """The visible text of a well-formed piece; fails on an unbalanced one or a cut entity."""
    assert not re.search(r"&[#A-Za-z0-9]*(?![#A-Za-z0-9;])", piece), piece
    return telegram_text.visible_text(piece)


def units(piece: str) -> int:
    return len(read(piece).encode("utf-16-le")) // 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", 0), ("a", 1), ("é", 1), (CJK, 2), ("😀", 2), (FAMILY, 11), (FLAG, 4), (THUMB, 4)],
)
def test_utf16_len(text: str, expected: int) -> None:
    assert utf16_len(text) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<b>a&amp;b</b>", "a&b"),
        ("&lt;b&gt; &quot;", '<b> "'),
        ("&#128512;&#x1F600;", "😀😀"),
        ("&nbsp;", "&nbsp;"),  # Telegram knows no other named entity: it stays as written
        ('<a href="https://x.org/?a=1&amp;b=2">link</a>', "link"),
        ('<pre><code class="language-py">x &lt; 1</code></pre>', "x < 1"),
        (f"<b><i>{FAMILY}</i></b>", FAMILY),
    ],
)
def test_visible_text_drops_tags_and_unescapes_what_telegram_unescapes(
    html: str, expected: str
) -> None:
    assert visible_text(html) == expected
    assert html_length(html) == utf16_len(expected)


def test_clusters_keep_emoji_sequences_flags_and_marks_whole() -> None:
    text = f"a{FAMILY}{THUMB}{FLAG}{FLAG}{KEYCAP}{ACCENT}{CJK}"
    assert list(clusters(text)) == ["a", FAMILY, THUMB, FLAG, FLAG, KEYCAP, ACCENT, "中", "文"]
    assert "".join(clusters(text)) == text


def test_clip_cuts_between_clusters_and_counts_utf16() -> None:
    assert clip("abc", 3) == "abc"
    assert clip("abcd", 3) == "ab…"
    assert clip(FAMILY * 3, 33) == FAMILY * 3
    assert clip(FAMILY * 3, 32) == FAMILY * 2 + "…"
    assert clip(FAMILY * 3, 22) == FAMILY + "…"
    assert clip(CJK * 10, 5) == "中文中文…"
    assert clip("😀" * 10, 1) == clip("😀" * 10, -3) == "…"  # no room but for the ellipsis
    assert utf16_len(clip("😀" * 100, 51)) == 51
    assert clip("😀" * 100, 51) == "😀" * 25 + "…"


def test_a_text_exactly_at_the_limit_is_left_whole() -> None:
    at_limit = "<b>" + "&amp;" * 4094 + "</b>" + "😀"
    assert html_length(at_limit) == 4096
    assert split_html(at_limit, 4096) == [at_limit]
    assert fit(at_limit) == at_limit
    over = at_limit + "x"
    pieces = split_html(over, 4096)
    assert len(pieces) == 2
    assert [units(p) for p in pieces] == [4096, 1]
    assert pieces[0] == at_limit and pieces[1] == "x"


def test_family_emoji_are_never_cut() -> None:
    pieces = split_html(FAMILY * 100, 110)
    assert pieces == [FAMILY * 10] * 10
    # 115 units hold ten families, not ten and a half.
    pieces = split_html(FAMILY * 100, 115)
    assert all(piece == FAMILY * 10 for piece in pieces)


def test_cut_formatting_is_closed_and_reopened() -> None:
    html = "<b>bold <i>both &amp; " + "more " * 20 + "</i> tail</b> after"
    pieces = split_html(html, 30, at_lines=False)
    assert len(pieces) > 3
    for piece in pieces:
        assert units(piece) <= 30
    assert pieces[0].startswith("<b>bold <i>both &amp; ")
    assert pieces[1].startswith("<b><i>")
    assert "".join(read(p) for p in pieces) == read(html)


def test_a_cut_prefers_a_line_break() -> None:
    lines = [f"line {n}: " + "x" * 20 for n in range(10)]
    pieces = split_html("\n".join(lines), 100)
    assert pieces == [
        "\n".join(lines[0:3]),
        "\n".join(lines[3:6]),
        "\n".join(lines[6:9]),
        lines[9],
    ]


def test_a_hostile_cluster_wider_than_the_limit_is_still_cut() -> None:
    zalgo = "a" + "\u0301" * 300
    pieces = split_html(zalgo, 100)
    assert [units(p) for p in pieces] == [100, 100, 100, 1]
    assert "".join(pieces) == zalgo
    chain = "\u200d".join(["\U0001f468"] * 100)  # 100 people joined into one "sequence"
    pieces = split_html(chain, 50)
    assert all(units(p) <= 50 for p in pieces)
    assert len(pieces) < 10
    assert all(not p.startswith("\u200d") and not p.endswith("\u200d") for p in pieces)


def test_fit_keeps_the_well_formed_beginning() -> None:
    html = "<b>" + FAMILY * 50 + "</b>"
    fitted = fit(html, 100)
    assert fitted == "<b>" + FAMILY * 9 + "</b>…"
    assert units(fitted) <= 100


def test_pack_joins_blocks_into_few_messages_that_fit() -> None:
    blocks = [f"<b>Block {n}</b>\n" + FAMILY * 30 for n in range(40)]
    messages = pack(blocks, limit=1000)
    assert len(messages) < len(blocks)
    for message in messages:
        assert units(message) <= 1000
    assert "\n\n".join(messages) == "\n\n".join(blocks)
    assert pack([], 1000) == []


def test_pack_cuts_a_block_too_long_for_a_message_at_its_lines() -> None:
    block = "\n".join(f"<i>line {n}</i> &amp; " + "中" * 50 for n in range(100))
    messages = pack(["head", block, "tail"], limit=500)
    for message in messages:
        assert units(message) <= 500
    lines = [line for message in messages for line in message.split("\n") if line]
    assert lines[0] == "head" and lines[-1] == "tail"
    assert lines[1:-1] == block.split("\n")


def more(count: int) -> str:
    return f"…and {count} more"


def test_fit_lines_says_how_many_were_left_out() -> None:
    lines = [f"{n}. {FAMILY * 5}" for n in range(100)]  # 58 or 59 units each
    fitted = fit_lines(lines, 1000, more)
    kept = fitted[:-1]
    assert kept == lines[: len(kept)]
    assert fitted[-1] == more(100 - len(kept))
    assert html_length("\n".join(fitted)) <= 1000
    assert html_length("\n".join([*lines[: len(kept) + 1], fitted[-1]])) > 1000
    assert fit_lines(lines[:3], 1000, more) == lines[:3]


def test_list_text_keeps_its_head_and_tail_within_the_limit() -> None:
    items = [f"<b>{n}</b> " + "😀" * 100 for n in range(200)]
    text = list_text(["<b>Title</b>", ""], items, ["", "tail"], more)
    assert html_length(text) <= 4096
    lines = text.split("\n")
    assert lines[:2] == ["<b>Title</b>", ""] and lines[-2:] == ["", "tail"]
    assert lines[-3] == more(200 - (len(lines) - 5))
    assert list_text(["a"], ["b"], ["c"], more) == "a\nb\nc"
    assert list_text(["a"], [], [], more) == "a"


_PARTS = [FAMILY, THUMB, FLAG, KEYCAP, ACCENT, "中", "文", "a", " ", "\n", "&amp;", "&lt;", "😀"]


@pytest.mark.parametrize("seed", range(60))
def test_any_text_gives_well_formed_pieces_within_the_limit(seed: int) -> None:
    rng = random.Random(seed)
    out: list[str] = []
    open_tags: list[str] = []
    for _ in range(rng.randint(0, 400)):
        roll = rng.random()
        if roll < 0.05 and len(open_tags) < 3:
            tag = rng.choice(["b", "i", "u", "code"])
            open_tags.append(tag)
            out.append(f"<{tag}>")
        elif roll < 0.1 and open_tags:
            out.append(f"</{open_tags.pop()}>")
        else:
            out.append(rng.choice(_PARTS))
    out += [f"</{tag}>" for tag in reversed(open_tags)]
    html = "".join(out)
    limit = rng.randint(12, 200)
    pieces = split_html(html, limit, at_lines=False)
    for piece in pieces:
        assert units(piece) <= limit
        text = read(piece)
        assert not text.startswith("\u200d") and not text.endswith("\u200d")
        # Every cluster of the piece is one of the text's own: nothing was cut inside one.
        assert set(clusters(text)) <= set(clusters(read(html)))
    assert "".join(read(p) for p in pieces) == read(html)
