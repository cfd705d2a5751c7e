"""`learnbot stats`: the admin analytics of /stats, printed as plain-text tables.

The figures come from the same service call as /stats. The headings are plain English written
here: bot.texts goes through aiogram's i18n helpers, and this command imports no aiogram.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from sqlalchemy.exc import DBAPIError

from bot.config import Settings
from bot.database import database
from bot.services.analytics import DEFAULT_MIN_COMPLETIONS, CourseStats, course_stats

NONE = "-"


async def stats(settings: Settings, *, min_completions: int | None = None) -> int:
    """`min_completions`: None for the service's default, as /stats uses."""
    try:
        async with database(settings) as db, db.sessionmaker() as session:
            report = await course_stats(
                session, db.context, min_completions=min_completions or DEFAULT_MIN_COMPLETIONS
            )
    except DBAPIError as exc:
        print(
            f"learnbot: database error: {exc.orig}\n(is the database reachable and migrated? "
            "run `learnbot db upgrade`)",
            file=sys.stderr,
        )
        return 1
    print(render(report))
    return 0


def render(report: CourseStats) -> str:
    learners = report.learners
    parts = [
        f"Learners: {learners.total}, active in the last {learners.active_days} days: "
        f"{learners.active}"
    ]
    if not report.lessons:
        parts.append("No published lessons yet.")
        return "\n\n".join(parts)
    parts.append(
        "Modules\n"
        + table(
            ["module", "started", "completed", "rate"],
            [
                [m.title, str(m.started), str(m.completed), _percent(m.completion_rate)]
                for m in report.modules
            ],
        )
    )
    parts.append(
        "Lessons (runs, score and time are averages per learner)\n"
        + table(
            ["#", "lesson", "started", "completed", "rate", "pass", "runs", "score", "time"],
            [
                [
                    lesson.number,
                    lesson.title,
                    str(lesson.started),
                    str(lesson.completed),
                    _percent(lesson.completion_rate),
                    _percent(lesson.pass_rate),
                    _one_decimal(lesson.average_runs),
                    _percent(lesson.average_score),
                    _seconds(lesson.average_time_seconds),
                ]
                for lesson in report.lessons
            ],
        )
    )
    hardest = f"Hardest lessons (runs per completion, at least {report.min_completions} "
    hardest += "completions)\n"
    if report.hardest:
        hardest += table(
            ["#", "lesson", "runs", "completed", "runs/completion"],
            [
                [
                    lesson.number,
                    lesson.title,
                    str(lesson.runs),
                    str(lesson.completed),
                    _one_decimal(lesson.runs_per_completion),
                ]
                for lesson in report.hardest
            ],
        )
    else:
        hardest += "none yet"
    parts.append(hardest)
    drop_off = "Drop-off (started, not completed)\n"
    if report.drop_offs:
        drop_off += table(
            ["#", "lesson", "dropped", "started", "share"],
            [
                [
                    lesson.number,
                    lesson.title,
                    str(lesson.dropped_off),
                    str(lesson.started),
                    _percent(lesson.drop_off_rate),
                ]
                for lesson in report.drop_offs
            ],
        )
    else:
        drop_off += "none"
    parts.append(drop_off)
    return "\n\n".join(parts)


def table(headings: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell; text columns left-aligned, figures right-aligned."""
    widths = [max(len(cell) for cell in column) for column in zip(headings, *rows, strict=True)]
    numeric = [
        all(_is_figure(row[i]) for row in rows) if rows else False for i in range(len(headings))
    ]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, right in zip(cells, widths, numeric, strict=True)
        ]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headings), rule, *(line(row) for row in rows)])


def _is_figure(cell: str) -> bool:
    return cell == NONE or cell.rstrip("%s").replace(".", "", 1).isdigit()


def _percent(value: float | None) -> str:
    return NONE if value is None else f"{value:.0f}%"


def _one_decimal(value: float | None) -> str:
    return NONE if value is None else f"{value:.1f}"


def _seconds(value: float | None) -> str:
    return NONE if value is None else f"{round(value)}s"
