"""Small server-drawn SVG charts: no script, no download, readable without colour
(points carry their values as text and shapes, and every chart has a table twin)."""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from datetime import date
from threading import Lock

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from lessons import scoring
from lessons.models import Attempt

WIDTH, HEIGHT = 480, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 52, 16, 16, 40
# Date labels that fit side by side under the chart at 15 px ("12 Mar").
MOST_DATE_LABELS = 7
# Lines are told apart by marker shape and dash as well as colour (site.css
# colours series-0 to series-5); past six lessons the looks repeat.
SERIES_LOOKS = 6


def _local_day(attempt: Attempt) -> date:
    # Only finished attempts are charted.
    assert attempt.finished_at is not None
    return timezone.localtime(attempt.finished_at).date()


def _day_label(day: date, *, with_year: bool) -> str:
    return f"{day.day} {day:%b}" + (f" {day:%Y}" if with_year else "")


def _n(value: float) -> str:
    return f"{value:.1f}"


def _marker(series: int, x: float, y: float, tip: str = "") -> SafeString:
    """A point whose shape says which lesson it belongs to: circle, square,
    triangle, diamond, triangle down, and a wide bar. Without a tip, the key
    of the legend."""
    shape = series % SERIES_LOOKS
    if tip:
        # data-x: where the point sits along the axis, for tests to read.
        attrs = format_html('class="point series-{}" data-x="{}"', shape, _n(x))
        tip_html = format_html("<title>{}</title>", tip)
    else:
        attrs, tip_html = format_html('class="key series-{}"', shape), mark_safe("")
    if shape == 0:
        return format_html(
            '<circle {} cx="{}" cy="{}" r="5">{}</circle>', attrs, _n(x), _n(y), tip_html
        )
    if shape in (1, 5):
        w, h = (10, 10) if shape == 1 else (14, 7)
        return format_html(
            '<rect {} x="{}" y="{}" width="{}" height="{}">{}</rect>',
            attrs,
            _n(x - w / 2),
            _n(y - h / 2),
            w,
            h,
            tip_html,
        )
    outline = {
        2: ((0, -6), (6, 5), (-6, 5)),
        3: ((0, -7), (7, 0), (0, 7), (-7, 0)),
        4: ((0, 6), (6, -5), (-6, -5)),
    }[shape]
    path = "M" + " L".join(f"{x + dx:.1f},{y + dy:.1f}" for dx, dy in outline) + " Z"
    return format_html('<path {} d="{}">{}</path>', attrs, path, tip_html)


CHARTS_KEPT = 512  # drawn charts per process, the most recently shown

_drawn: OrderedDict[tuple, str] = OrderedDict()
_drawn_lock = Lock()


def score_history_svg(history: Sequence[Attempt]) -> SafeString:
    """_draw_score_history, kept per process under everything it reads (issue
    16.6: drawing was an eighth of the progress page's CPU). A new or retried
    attempt, a renamed lesson or another time zone is another key, so a kept
    chart is never out of date."""
    key = (
        timezone.get_current_timezone_name(),
        tuple((a.is_retry, a.finished_at, a.lesson_id, a.lesson.title, a.score) for a in history),
    )
    with _drawn_lock:
        svg = _drawn.get(key)
        if svg is not None:
            _drawn.move_to_end(key)
            return mark_safe(svg)  # built by _draw_score_history, escaped there
    svg = _draw_score_history(history)
    with _drawn_lock:
        _drawn[key] = svg
        while len(_drawn) > CHARTS_KEPT:
            _drawn.popitem(last=False)
    return svg


def _draw_score_history(history: Sequence[Attempt]) -> SafeString:
    """Scores of finished attempts over time, oldest on the left: one line per
    lesson, each with its own marker shape and a legend naming it.

    The x axis has a column per day with attempts, labelled once with its date;
    a day's attempts share its column in the order they were finished, so that
    three attempts in one evening are three points, not one on top of another.
    (A time scale would pile a day's attempts onto one spot when the history
    spans weeks.)

    A retry of missed questions is practice, not a score (lessons.scoring):
    it is left out."""
    history = [a for a in history if scoring.counts_towards_scores(a)]
    if not history:
        return mark_safe("")
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    days = sorted({_local_day(a) for a in history})
    column = inner_w / len(days)
    on_day: dict[date, list[Attempt]] = defaultdict(list)
    for attempt in history:
        on_day[_local_day(attempt)].append(attempt)
    x_of: dict[int, float] = {}
    for index, day in enumerate(days):
        for k, attempt in enumerate(on_day[day]):
            x_of[id(attempt)] = PAD_LEFT + column * (index + (k + 1) / (len(on_day[day]) + 1))

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
    with_year = days[0].year != days[-1].year
    every = -(-len(days) // MOST_DATE_LABELS)  # ceiling: at most MOST_DATE_LABELS labels
    date_labels = format_html_join(
        "",
        '<text class="axis x-tick" x="{}" y="{}" text-anchor="middle">{}</text>',
        (
            (
                _n(PAD_LEFT + column * (index + 0.5)),
                HEIGHT - 10,
                _day_label(day, with_year=with_year),
            )
            for index, day in enumerate(days)
            if index % every == 0
        ),
    )
    by_lesson: dict[int, list[Attempt]] = {}
    for attempt in history:
        by_lesson.setdefault(attempt.lesson_id, []).append(attempt)
    series = []
    legend = []
    for number, attempts in enumerate(by_lesson.values()):
        look = number % SERIES_LOOKS
        title = attempts[0].lesson.title
        points = " ".join(f"{x_of[id(a)]:.1f},{y(a.score or 0):.1f}" for a in attempts)
        markers = format_html_join(
            "",
            "{}",
            (
                (
                    _marker(
                        number,
                        x_of[id(a)],
                        y(a.score or 0),
                        f"{title}: {scoring.whole_percent(a.score or 0)}% on "
                        f"{_day_label(_local_day(a), with_year=True)}",
                    ),
                )
                for a in attempts
            ),
        )
        series.append(
            format_html(
                '<g class="series"><polyline class="line series-{}" points="{}"/>{}</g>',
                look,
                points,
                markers,
            )
        )
        legend.append(
            format_html(
                '<li><svg class="legend-key" viewBox="0 0 28 14" aria-hidden="true">'
                '<line class="line series-{}" x1="0" x2="28" y1="7" y2="7"/>{}</svg>{}</li>',
                look,
                _marker(number, 14, 7),
                title,
            )
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="chart-title chart-desc">'
        '<title id="chart-title">Your quiz scores over time</title>'
        '<desc id="chart-desc">{n} finished attempts in {lessons} from {first} to {last}, '
        "one line per lesson; the table below lists every score.</desc>"
        "{grid}{series}{dates}</svg>"
        '<ul class="chart-legend" aria-hidden="true">{legend}</ul>',
        w=WIDTH,
        h=HEIGHT,
        n=len(history),
        lessons=f"{len(by_lesson)} lesson{'s' if len(by_lesson) != 1 else ''}",
        first=_day_label(days[0], with_year=True),
        last=_day_label(days[-1], with_year=True),
        grid=gridlines,
        series=mark_safe("".join(series)),
        dates=date_labels,
        legend=mark_safe("".join(legend)),
    )


# Bar charts are drawn narrower than the line chart, so that on a phone they
# scale close to 1:1 and their text stays readable.
BAR_WIDTH, BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, VALUE_WIDTH = 400, 22, 8, 170, 64
# Labels are cut to fit LABEL_WIDTH in a wide sans (DejaVu Sans at 12 px runs
# ~7.3 px a character): at 20 characters the first letters fell off the left.
BAR_LABEL_CHARS = 18


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
                _truncate(label, BAR_LABEL_CHARS),
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
