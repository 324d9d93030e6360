"""Small server-drawn SVG charts: no script, no download, readable without colour
(points carry their values as text and shapes, and every chart has a table twin)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from lessons.models import Attempt

WIDTH, HEIGHT = 480, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 52, 16, 16, 40


def score_history_svg(history: Sequence[Attempt]) -> SafeString:
    """Scores of finished attempts over time, oldest on the left."""
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
                round((a.score or 0) * 100),
                a.finished_at.strftime("%d %b %Y"),
            )
            for i, a in enumerate(history)
        ),
    )
    first, last = history[0].finished_at, history[-1].finished_at
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
        first=first.strftime("%d %b"),
        last=last.strftime("%d %b"),
        grid=gridlines,
        points=points,
        markers=markers,
        left=PAD_LEFT,
        right=WIDTH - PAD_RIGHT,
        base=HEIGHT - 10,
    )
