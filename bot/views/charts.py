"""Charts as PNG bytes, drawn in the process with matplotlib's Agg backend.

matplotlib is imported inside the drawing function, never when the bot starts: it takes a while
to import, and only the admin's statistics need it. Drawing is CPU work: callers run it off the
event loop (asyncio.to_thread). Only matplotlib's object API is used (no pyplot and its global
figure list), so two drawings in two threads do not meet.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

# Telegram refuses a photo whose width and height add up to more than 10000 pixels; at this
# many bars the chart is still well inside that.
MAX_FUNNEL_BARS = 250
_LABEL_CHARS = 40
_DPI = 100


@dataclass(frozen=True, slots=True)
class FunnelBar:
    label: str
    started: int
    completed: int


@dataclass(frozen=True, slots=True)
class FunnelLabels:
    title: str
    started: str
    completed: str
    axis: str


def funnel_png(bars: list[FunnelBar], labels: FunnelLabels) -> bytes:
    """Horizontal bars, two per lesson (started, completed), the first lesson on top."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    bars = bars[:MAX_FUNNEL_BARS]
    height = 1.6 + 0.42 * len(bars)
    figure = Figure(figsize=(9, height), dpi=_DPI, layout="constrained")
    axes = figure.add_subplot()
    rows = range(len(bars))
    thickness = 0.38
    axes.barh(
        [row - thickness / 2 for row in rows],
        [bar.started for bar in bars],
        height=thickness,
        color="#9ecae1",
        label=_drawable(labels.started),
    )
    axes.barh(
        [row + thickness / 2 for row in rows],
        [bar.completed for bar in bars],
        height=thickness,
        color="#2171b5",
        label=_drawable(labels.completed),
    )
    axes.set_yticks(list(rows), [_drawable(_short(bar.label)) for bar in bars])
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(_drawable(labels.axis))
    axes.set_title(_drawable(labels.title))
    figure.legend(loc="outside lower center", ncols=2)
    axes.grid(axis="x", alpha=0.3)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…"


def _drawable(text: str) -> str:
    """The text without the characters the font has no glyph for (emoji in a title): matplotlib
    would draw a box for each and warn about it."""
    glyphs = _font_glyphs()
    return "".join(ch for ch in text if ord(ch) in glyphs or ch.isspace()).strip()


@cache
def _font_glyphs() -> frozenset[int]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(font_manager.FontProperties())
    return frozenset(FT2Font(path).get_charmap())
