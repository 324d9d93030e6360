"""Small server-drawn SVG charts: no script, no download, readable without colour
(points carry their values as text and shapes, and every chart has a table twin)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from lessons import scoring
from lessons.models import Attempt

WIDTH, HEIGHT = 480, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 52, 16, 16, 40


def _day(attempt: Attempt, form: str) -> str:
    # Only finished attempts are charted; an unfinished one has no date to show.
    return attempt.finished_at.strftime(form) if attempt.finished_at else ""


def score_history_svg(history: Sequence[Attempt]) -> SafeString:
    """Scores of finished full attempts over time, oldest on the left. A retry
    of missed questions is practice, not a score (lessons.scoring): it is left out."""
    history = [a for a in history if scoring.counts_towards_scores(a)]
    if not history:
        return mark_safe("")
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    step = inner_w / max(len(history) - 1, 1)

    def x(i: int) -> float:
        return PAD_LEFT + (i * step if len(history) > 1 else inner_w / 2)

    def y(score: float) -> float:
        return PAD_TOP + inner_h * (1 - score)

    gridlines = format_html_join(
        "",
        '<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/>'
        '<text class="axis" x="{}" y="{}" text-anchor="end">{}%</text>',
        (
            (PAD_LEFT, WIDTH - PAD_RIGHT, y(v / 100), y(v / 100), PAD_LEFT - 8, y(v / 100) + 5, v)
            for v in (0, 25, 50, 75, 100)
        ),
    )
    points = " ".join(f"{x(i):.1f},{y(a.score or 0):.1f}" for i, a in enumerate(history))
    markers = format_html_join(
        "",
        '<circle class="point" cx="{}" cy="{}" r="5"><title>{}: {}% on {}</title></circle>',
        (
            (
                f"{x(i):.1f}",
                f"{y(a.score or 0):.1f}",
                a.lesson.title,
                scoring.whole_percent(a.score or 0),
                _day(a, "%d %b %Y"),
            )
            for i, a in enumerate(history)
        ),
    )
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="chart-title chart-desc">'
        '<title id="chart-title">Your quiz scores over time</title>'
        '<desc id="chart-desc">{n} finished attempts from {first} to {last}; '
        "the table below lists every score.</desc>"
        '{grid}<polyline class="line" points="{points}"/>{markers}'
        '<text class="axis" x="{left}" y="{base}">{first}</text>'
        '<text class="axis" x="{right}" y="{base}" text-anchor="end">{last}</text>'
        "</svg>",
        w=WIDTH,
        h=HEIGHT,
        n=len(history),
        first=_day(history[0], "%d %b"),
        last=_day(history[-1], "%d %b"),
        grid=gridlines,
        points=points,
        markers=markers,
        left=PAD_LEFT,
        right=WIDTH - PAD_RIGHT,
        base=HEIGHT - 10,
    )


# Bar charts are drawn narrower than the line chart, so that on a phone they
# scale close to 1:1 and their text stays readable.
BAR_WIDTH, BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, VALUE_WIDTH = 400, 22, 8, 150, 64


def bar_chart_svg(
    bars: Sequence[tuple[str, float | None]],
    *,
    title: str,
    description: str,
    chart_id: str,
    as_percent: bool = False,
) -> SafeString:
    """Horizontal bars, one per (label, value), each labelled with its value
    in text, so the chart reads without colour. Percent charts run 0 to 100%;
    count charts to the largest count."""
    if not bars:
        return mark_safe("")
    top = 1.0 if as_percent else max((v or 0 for _, v in bars), default=0) or 1
    inner = BAR_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = len(bars) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP

    def shown(value: float | None) -> str:
        if value is None:
            return "no data"
        return scoring.percent_label(value) if as_percent else str(round(value))

    rows = format_html_join(
        "",
        '<g class="bar-row"><text class="axis" x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>'
        '<text class="value" x="{}" y="{}">{}</text></g>',
        (
            (
                LABEL_WIDTH - 8,
                y + BAR_HEIGHT * 0.7,
                _truncate(label, 20),
                LABEL_WIDTH,
                y,
                f"{inner * (value or 0) / top:.1f}",
                BAR_HEIGHT,
                label,
                shown(value),
                LABEL_WIDTH + inner * (value or 0) / top + 6,
                y + BAR_HEIGHT * 0.7,
                shown(value),
            )
            for label, value, y in (
                (label, value, BAR_GAP + i * (BAR_HEIGHT + BAR_GAP))
                for i, (label, value) in enumerate(bars)
            )
        ),
    )
    return format_html(
        '<svg class="chart bar-chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<line class="grid" x1="{left}" x2="{left}" y1="0" y2="{h}"/>{rows}</svg>',
        w=BAR_WIDTH,
        h=height,
        id=chart_id,
        title=title,
        desc=description,
        left=LABEL_WIDTH,
        rows=rows,
    )


def _truncate(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
