"""The admin's course statistics (/stats and the admin menu's Statistics): texts and the
chart's labels."""

from __future__ import annotations

from aiogram.utils.i18n import lazy_gettext as __
from aiogram.utils.i18n import ngettext
from babel.numbers import format_decimal

from bot.texts import _, _decimal, _locale, _percent, duration, esc

TITLE = __("📈 <b>Course statistics</b>")
NO_COURSE = __(
    "There are no published lessons yet, so there is nothing to measure. Publish a lesson "
    "and the figures will appear here as learners take it."
)
NOBODY_STARTED = __(
    "No learner has started a lesson yet. The lesson figures and the chart appear once "
    "someone does."
)
MODULES = __("📦 <b>Modules</b>: learners who completed each, of those who started it")
LESSONS = __("📚 <b>Lessons</b>")
NO_EXERCISES = __("📖 reading only, no exercises")
DROP_OFF = __("🚪 <b>Drop-off</b>: learners who started a lesson and have not completed it")
NO_DROP_OFF = __("Nobody has left a started lesson unfinished.")
# The chart: its title, its two bars' legend and its axis.
CHART_TITLE = __("Learners per lesson")
CHART_STARTED = __("Started")
CHART_COMPLETED = __("Completed")
CHART_AXIS = __("Learners")
# Shown where a figure has nothing to be computed from (no learner, no score).
NONE = "—"


def _one_decimal(value: float) -> str:
    return format_decimal(value, format="0.0", locale=_locale())


def _rate(value: float | None) -> str:
    return NONE if value is None else _percent(value)


def learners(total: int, active: int, days: int) -> str:
    return ngettext(
        "👥 Learners: <b>{total}</b>, active in the last {days} day: <b>{active}</b>",
        "👥 Learners: <b>{total}</b>, active in the last {days} days: <b>{active}</b>",
        days,
    ).format(total=_decimal(total), active=_decimal(active), days=_decimal(days))


def module_line(title: str, completed: int, started: int, rate: float | None) -> str:
    return _("{title}: <b>{completed}</b> of {started} ({rate})").format(
        title=esc(title), completed=_decimal(completed), started=_decimal(started), rate=_rate(rate)
    )


def lesson_heading(number: str, title: str) -> str:
    return f"<b>{esc(number)} {esc(title)}</b>"


def lesson_funnel(started: int, completed: int, rate: float | None) -> str:
    return _("👣 started: {started} · ✅ completed: {completed} ({rate})").format(
        started=_decimal(started), completed=_decimal(completed), rate=_rate(rate)
    )


def lesson_passes(passed: int, ran: int, rate: float | None, pass_score: int) -> str:
    return ngettext(
        "🎯 reached {pass_score}: {passed} of the {ran} learner who ran the exercises ({rate})",
        "🎯 reached {pass_score}: {passed} of the {ran} learners who ran the exercises ({rate})",
        ran,
    ).format(
        pass_score=_percent(pass_score),
        passed=_decimal(passed),
        ran=_decimal(ran),
        rate=_rate(rate),
    )


def lesson_results(
    average_runs: float | None, average_score: float | None, average_seconds: float | None
) -> str:
    return _("🔁 runs: {runs} · 🏁 best score: {score} · ⏱ {time}").format(
        runs=NONE if average_runs is None else _one_decimal(average_runs),
        score=_rate(average_score),
        time=NONE if average_seconds is None else duration(round(average_seconds)),
    )


def lesson_results_without_exercises(average_seconds: float | None) -> str:
    return _("⏱ {time}").format(
        time=NONE if average_seconds is None else duration(round(average_seconds))
    )


AVERAGES_NOTE = __("Runs, best score and time are averages per learner.")


def hardest_heading(min_completions: int) -> str:
    return ngettext(
        "🧗 <b>Hardest lessons</b>: runs per completion, of lessons completed at least {n} time",
        "🧗 <b>Hardest lessons</b>: runs per completion, of lessons completed at least {n} times",
        min_completions,
    ).format(n=_decimal(min_completions))


def no_hardest(min_completions: int) -> str:
    return ngettext(
        "No lesson with exercises has been completed {n} time yet.",
        "No lesson with exercises has been completed {n} times yet.",
        min_completions,
    ).format(n=_decimal(min_completions))


def hardest_line(number: str, title: str, runs_per_completion: float) -> str:
    return _("{number} {title}: <b>{ratio}</b> runs per completion").format(
        number=esc(number), title=esc(title), ratio=_one_decimal(runs_per_completion)
    )


def drop_off_line(number: str, title: str, dropped: int, started: int, rate: float | None) -> str:
    return _("{number} {title}: <b>{dropped}</b> of {started} ({rate})").format(
        number=esc(number),
        title=esc(title),
        dropped=_decimal(dropped),
        started=_decimal(started),
        rate=_rate(rate),
    )


def chart_caption(lessons: int, shown: int) -> str:
    if shown < lessons:
        return _("📊 Started and completed, the first {shown} of {total} lessons").format(
            shown=_decimal(shown), total=_decimal(lessons)
        )
    return _("📊 Started and completed, lesson by lesson")
