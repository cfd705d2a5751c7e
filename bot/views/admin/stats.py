"""The course statistics as messages (HTML, each within Telegram's limit as Telegram counts it:
blocks packed whole, a block too long for one message cut at its lines) and the chart's data."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.analytics import CourseStats, LessonStats
from bot.texts import stats as texts
from bot.views.charts import MAX_FUNNEL_BARS, FunnelBar, FunnelLabels
from bot.views.telegram_length import pack


@dataclass(frozen=True, slots=True)
class FunnelChart:
    bars: list[FunnelBar]
    labels: FunnelLabels
    caption: str


@dataclass(frozen=True, slots=True)
class StatsReport:
    messages: list[str]
    # None when there is nothing to draw (no lessons, nobody started one).
    chart: FunnelChart | None


def stats_report(stats: CourseStats) -> StatsReport:
    learners = texts.learners(
        stats.learners.total, stats.learners.active, stats.learners.active_days
    )
    if not stats.lessons:
        return StatsReport([f"{texts.TITLE}\n\n{learners}\n\n{texts.NO_COURSE}"], None)
    if not stats.anyone_started:
        return StatsReport([f"{texts.TITLE}\n\n{learners}\n\n{texts.NOBODY_STARTED}"], None)
    blocks = [
        f"{texts.TITLE}\n\n{learners}",
        _modules(stats),
        f"{texts.LESSONS}\n<i>{texts.AVERAGES_NOTE}</i>",
        *(_lesson(lesson) for lesson in stats.lessons),
        _hardest(stats),
        _drop_off(stats),
    ]
    return StatsReport(pack(blocks), _chart(stats))


def _modules(stats: CourseStats) -> str:
    lines = [
        texts.module_line(m.title, m.completed, m.started, m.completion_rate) for m in stats.modules
    ]
    return "\n".join([str(texts.MODULES), *lines])


def _lesson(lesson: LessonStats) -> str:
    lines = [
        texts.lesson_heading(lesson.number, lesson.title),
        texts.lesson_funnel(lesson.started, lesson.completed, lesson.completion_rate),
    ]
    if lesson.has_exercises:
        lines.append(
            texts.lesson_passes(lesson.passed, lesson.ran, lesson.pass_rate, lesson.pass_score)
        )
        lines.append(
            texts.lesson_results(
                lesson.average_runs, lesson.average_score, lesson.average_time_seconds
            )
        )
    else:
        lines.append(str(texts.NO_EXERCISES))
        lines.append(texts.lesson_results_without_exercises(lesson.average_time_seconds))
    return "\n".join(lines)


def _hardest(stats: CourseStats) -> str:
    heading = texts.hardest_heading(stats.min_completions)
    if not stats.hardest:
        return f"{heading}\n{texts.no_hardest(stats.min_completions)}"
    lines = [
        texts.hardest_line(lesson.number, lesson.title, lesson.runs_per_completion or 0.0)
        for lesson in stats.hardest
    ]
    return "\n".join([heading, *lines])


def _drop_off(stats: CourseStats) -> str:
    dropped = stats.drop_offs
    if not dropped:
        return f"{texts.DROP_OFF}\n{texts.NO_DROP_OFF}"
    lines = [
        texts.drop_off_line(
            lesson.number, lesson.title, lesson.dropped_off, lesson.started, lesson.drop_off_rate
        )
        for lesson in dropped
    ]
    return "\n".join([str(texts.DROP_OFF), *lines])


def _chart(stats: CourseStats) -> FunnelChart:
    bars = [
        FunnelBar(f"{lesson.number} {lesson.title}", lesson.started, lesson.completed)
        for lesson in stats.lessons
    ]
    labels = FunnelLabels(
        title=str(texts.CHART_TITLE),
        started=str(texts.CHART_STARTED),
        completed=str(texts.CHART_COMPLETED),
        axis=str(texts.CHART_AXIS),
    )
    caption = texts.chart_caption(len(bars), min(len(bars), MAX_FUNNEL_BARS))
    return FunnelChart(bars[:MAX_FUNNEL_BARS], labels, caption)
