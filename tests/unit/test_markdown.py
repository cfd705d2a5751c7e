"""The course Markdown subset rendered to Telegram HTML, and paging."""

from __future__ import annotations

import html
import random
import re
from html.parser import HTMLParser

import pytest

from bot.views.markdown import render_pages

ALLOWED_TAGS = {"b", "i", "code", "pre", "a"}


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED_TAGS, f"unexpected tag <{tag}>"
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack.pop() == tag, f"</{tag}> closes another tag"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_well_formed(page: str) -> str:
    """Fails unless every tag is allowed and balanced; returns the page's visible text."""
    assert re.fullmatch(r"(?:[^<&]|<[^<>]*>|&(?:lt|gt|amp|quot|#x27);)*", page, re.S), page
    parser = _Balance()
    parser.feed(page)
    parser.close()
    assert not parser.stack, f"unclosed {parser.stack} in {page!r}"
    return "".join(parser.text)


def telegram_length(page: str) -> int:
    """What Telegram counts of a page: UTF-16 units of its visible text (an independent
    reading: the standard library's HTML parser)."""
    return len(assert_well_formed(page).encode("utf-16-le")) // 2


def render(text: str) -> str:
    pages = render_pages(text)
    assert len(pages) == 1
    assert_well_formed(pages[0])
    return pages[0]


def visible(pages: list[str]) -> str:
    """All the text of the pages with whitespace removed (page cuts drop separators)."""
    return re.sub(r"\s+", "", "".join(assert_well_formed(page) for page in pages))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Title", "<b>Title</b>"),
        ("## Part two", "<b>Part two</b>"),
        ("### Detail", "<b>Detail</b>"),
        ("#### Too deep", "#### Too deep"),
        ("#hashtag", "#hashtag"),
        ("some **bold** text", "some <b>bold</b> text"),
        ("some *slanted* text", "some <i>slanted</i> text"),
        ("some _slanted_ text", "some <i>slanted</i> text"),
        ("**bold with *italic* inside**", "<b>bold with <i>italic</i> inside</b>"),
        ("call `print(x)` now", "call <code>print(x)</code> now"),
        ("`**not bold** & <b>`", "<code>**not bold** &amp; &lt;b&gt;</code>"),
        (
            "see [the docs](https://docs.python.org/3/?a=1&b=2)",
            'see <a href="https://docs.python.org/3/?a=1&amp;b=2">the docs</a>',
        ),
        ("[plain](http://example.com)", '<a href="http://example.com">plain</a>'),
        ("[bad](javascript:alert(1))", "[bad](javascript:alert(1))"),
        ("- one\n* two\n1. three\n12. twelve", "• one\n• two\n1. three\n12. twelve"),
        ("first paragraph\n\nsecond paragraph", "first paragraph\n\nsecond paragraph"),
        ("one line\nnext line", "one line\nnext line"),
        ("# Heading\ntext right below", "<b>Heading</b>\ntext right below"),
    ],
)
def test_constructs(source: str, expected: str) -> None:
    assert render(source) == expected


def test_fenced_code_block_with_language() -> None:
    source = "Look:\n\n```python\nif a < b and c > d:\n    print('&')\n```\n\nDone."
    assert render(source) == (
        "Look:\n\n"
        '<pre><code class="language-python">if a &lt; b and c &gt; d:\n'
        "    print('&amp;')</code></pre>\n\nDone."
    )


def test_fenced_code_block_without_language_keeps_markdown_literal() -> None:
    assert render("```\n**x** _y_ `z`\n```") == "<pre>**x** _y_ `z`</pre>"


def test_user_text_is_escaped() -> None:
    page = render("<script>alert('hi')</script> Tom & Jerry <b>not bold</b>")
    assert page == (
        "&lt;script&gt;alert('hi')&lt;/script&gt; Tom &amp; Jerry &lt;b&gt;not bold&lt;/b&gt;"
    )


@pytest.mark.parametrize(
    "source",
    [
        "my_variable_name = other_value",
        "__init__ and __name__",
        "snake_case_here",
        "2 * 3 * 4",
        "a * b",
        "x = 2*3 + 4*5",
        "a lone * star",
        "**",
        "a lone _ underscore",
    ],
)
def test_identifiers_and_lone_markers_are_left_alone(source: str) -> None:
    assert render(source) == html.escape(source, quote=False)


def test_empty_text_has_no_pages() -> None:
    assert render_pages("") == []
    assert render_pages("  \n\n \n") == []


def test_max_len_too_small_is_refused() -> None:
    with pytest.raises(ValueError, match="at least"):
        render_pages("text", max_len=10)


def test_pages_split_between_blocks() -> None:
    paragraphs = [f"Paragraph {n} with **bold**, `code` & <angle> text." for n in range(100)]
    source = "\n\n".join(paragraphs)
    pages = render_pages(source, max_len=300)
    assert len(pages) > 1
    for page in pages:
        assert telegram_length(page) <= 300
        assert_well_formed(page)
        assert not page.startswith("\n") and not page.endswith("\n")
    # No paragraph is cut: each page holds whole paragraphs.
    assert sum(page.count("Paragraph ") for page in pages) == 100
    for page in pages:
        for part in page.split("\n\n"):
            assert part.startswith("Paragraph ") and part.endswith("text.")
    assert visible(pages) == visible(render_pages(source, max_len=100_000))


def test_long_code_block_is_closed_and_reopened_across_pages() -> None:
    code = "\n".join(f"print({n} < {n + 1})" for n in range(200))
    source = f"Intro.\n\n```python\n{code}\n```\n\nOutro."
    pages = render_pages(source, max_len=500)
    code_pages = [page for page in pages if "print(" in page]
    assert len(code_pages) > 1
    for page in pages:
        assert telegram_length(page) <= 500
        assert_well_formed(page)
    for page in code_pages:
        assert page.startswith('<pre><code class="language-python">')
        assert page.count("</code></pre>") == 1
    assert pages[0] == "Intro."
    assert pages[-1].endswith("</code></pre>\n\nOutro.")
    assert visible(pages) == visible(render_pages(source, max_len=100_000))
    # Cuts fall between lines of code.
    code_text = [re.sub(r"</?[^>]+>", "", page.split("</pre>")[0]) for page in code_pages]
    lines = [line for text in code_text for line in html.unescape(text).split("\n")]
    assert lines == code.split("\n")


def test_long_paragraph_is_split_at_line_boundaries() -> None:
    source = "\n".join(f"line {n} of one long paragraph" for n in range(100))
    pages = render_pages(source, max_len=200)
    assert len(pages) > 1
    for page in pages:
        assert telegram_length(page) <= 200
        assert re.fullmatch(r"(line \d+ of one long paragraph\n?)+", page)
    assert visible(pages) == re.sub(r"\s+", "", source)


def test_a_line_longer_than_a_page_is_hard_split_keeping_formatting() -> None:
    source = "**" + " ".join(f"word{n} & *more*" for n in range(200)) + " done**"
    pages = render_pages(source, max_len=150)
    assert len(pages) > 1
    for page in pages:
        assert telegram_length(page) <= 150
        assert_well_formed(page)
        assert page.startswith("<b>") and page.endswith("</b>")
    assert visible(pages) == visible(render_pages(source, max_len=100_000))


def test_a_link_longer_than_a_page_keeps_its_text() -> None:
    source = "see [the page](https://example.com/" + "x" * 400 + ") now"
    pages = render_pages(source, max_len=150)
    for page in pages:
        assert telegram_length(page) <= 150
        assert_well_formed(page)
    assert visible(pages) == "seethepagenow"


def test_sample_sized_text_fits_in_default_pages() -> None:
    source = "\n\n".join(f"## Part {n}\n\nSome text & more text, `x < y`." for n in range(300))
    pages = render_pages(source)
    assert len(pages) > 1
    assert all(telegram_length(page) <= 3500 for page in pages)
    assert visible(pages) == visible(render_pages(source, max_len=1_000_000))


FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👨‍👩‍👧‍👦, 11 UTF-16 units


def test_a_lesson_of_family_emoji_is_paged_by_utf16_units_keeping_each_family_whole() -> None:
    pages = render_pages(FAMILY * 1500)
    # 3,500 units hold 318 families (3,498 units); 1,500 of them take five pages.
    assert [page.count(FAMILY) for page in pages] == [318, 318, 318, 318, 228]
    for page in pages:
        assert page == FAMILY * page.count(FAMILY)
        assert telegram_length(page) <= 3500


def test_emoji_paragraphs_are_packed_by_utf16_units() -> None:
    source = "\n\n".join(f"{n} " + "😀" * 100 for n in range(100))
    pages = render_pages(source, max_len=1000)
    for page in pages:
        assert telegram_length(page) <= 1000
        for part in page.split("\n\n"):
            assert re.fullmatch(r"\d+ (😀){100}", part)
    assert sum(page.count("\n\n") + 1 for page in pages) == 100


def test_cjk_and_entities_count_one_unit_each() -> None:
    pages = render_pages("中" * 5000, max_len=1000)
    assert [len(page) for page in pages] == [1000] * 5
    pages = render_pages("&" * 5000, max_len=1000)
    assert pages == ["&amp;" * 1000] * 5


def test_a_text_exactly_at_the_limit_is_one_page() -> None:
    assert render_pages("😀" * 50, max_len=100) == ["😀" * 50]
    assert render_pages("😀" * 51, max_len=100) == ["😀" * 50, "😀"]
    assert render_pages("a & b " * 20 + "**" + "x" * 18 + "**", max_len=138) == [
        "a &amp; b " * 20 + "<b>" + "x" * 18 + "</b>"
    ]


def test_a_line_of_emoji_in_nested_formatting_is_cut_between_emoji() -> None:
    source = "**bold *" + FAMILY * 40 + " & more* done**"
    pages = render_pages(source, max_len=100)
    assert len(pages) > 4
    for page in pages:
        assert telegram_length(page) <= 100
        assert page.startswith("<b>") and page.endswith("</b>")
        assert "\u200d<" not in page and ">\u200d" not in page
    assert pages[1].startswith("<b><i>" + FAMILY)
    assert visible(pages) == visible(render_pages(source, max_len=100_000))


def test_an_empty_heading_makes_no_page() -> None:
    assert render_pages("# ") == []
    assert render_pages("text\n\n#  \n\n```\n```") == ["text"]


_FRAGMENTS = [
    "word",
    "snake_case",
    " ",
    " ",
    "*",
    "**",
    "_",
    "`",
    "<",
    ">",
    "&",
    "&amp;",
    '"',
    "[link](https://example.com/a?b=1&c=2)",
    "[x](",
    "\n",
    "\n",
    "\n\n",
    "\n```py\n",
    "\n```\n",
    "\n- ",
    "\n1. ",
    "\n# ",
    "\n## ",
    "é😀",
    FAMILY,
    "\U0001f1eb\U0001f1f7",
    "中文",
    "&amp;",
]


@pytest.mark.parametrize("seed", range(150))
def test_any_input_gives_bounded_well_formed_pages(seed: int) -> None:
    rng = random.Random(seed)
    source = "".join(rng.choice(_FRAGMENTS) for _ in range(rng.randint(0, 600)))
    max_len = rng.randint(100, 400)
    pages = render_pages(source, max_len=max_len)
    for page in pages:
        assert 0 < telegram_length(page) <= max_len
        text = assert_well_formed(page)
        assert not text.startswith("\u200d") and not text.endswith("\u200d")
    assert visible(pages) == visible(render_pages(source, max_len=1_000_000))
