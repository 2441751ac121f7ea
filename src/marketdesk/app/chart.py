"""Server-rendered SVG price charts: a line with axes, ticks at round dates and values, and the
value of each point on hover (an SVG ``<title>``, no script), plus marks for stories.

Pure: numbers and instants in, SVG text out. Every string placed in the SVG is escaped here, so
a caller may show the result as markup. There is no ``style`` attribute (the desk's CSP allows
stylesheets only): colours come from classes in desk.css and presentation attributes.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape

from marketdesk.markets.formatting import change_pct, format_price

__all__ = [
    "MAX_HOVER",
    "MAX_LINE",
    "STORY_WINDOW",
    "ChartMark",
    "ChartPoint",
    "StoryChart",
    "date_ticks",
    "line_chart_svg",
    "story_chart",
    "value_ticks",
]

MAX_LINE = 1_500  # points drawn: a 50-year daily series is thinned, keeping each bucket's extremes
STORY_WINDOW = timedelta(days=1)  # a story's chart: from the day before to the day after
MAX_HOVER = 400  # points with a hover value: one per few pixels is all a pointer can tell apart
STORY_SVGS = 4_096  # story charts' SVG kept, each a few kB: ~12 MB a process at most


@dataclass(frozen=True, slots=True)
class ChartPoint:
    at: datetime  # aware
    value: float


@dataclass(frozen=True, slots=True)
class ChartMark:
    """A vertical mark on the time axis: a story, the publication time. ``href`` links it."""

    at: datetime
    label: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class _Box:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int

    @property
    def inner_w(self) -> float:
        return float(self.width - self.left - self.right)

    @property
    def inner_h(self) -> float:
        return float(self.height - self.top - self.bottom)


def value_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round values (1, 2, 2.5 or 5 times a power of ten apart), the first at or below ``lo``
    and the last at or above ``hi``."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(hi) * 0.01 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0) if m * power >= raw)
    # From the round value at or below lo to the one at or above hi: the line stays inside.
    first = math.floor(lo / step + 1e-9)
    last = math.ceil(hi / step - 1e-9)
    return [round(i * step, 12) for i in range(first, last + 1)]


# Tick spacings for the time axis, smallest first: (nominal seconds, unit, step, label format).
_TIME_STEPS: tuple[tuple[int, str, int, str], ...] = (
    (3_600, "hour", 1, "%H:%M"),
    (3 * 3_600, "hour", 3, "%H:%M"),
    (6 * 3_600, "hour", 6, "%H:%M"),
    (86_400, "day", 1, "%b %d"),
    (2 * 86_400, "day", 2, "%b %d"),
    (7 * 86_400, "week", 1, "%b %d"),
    (14 * 86_400, "week", 2, "%b %d"),
    (30 * 86_400, "month", 1, "%b %Y"),
    (91 * 86_400, "month", 3, "%b %Y"),
    (182 * 86_400, "month", 6, "%b %Y"),
    (365 * 86_400, "year", 1, "%Y"),
    (2 * 365 * 86_400, "year", 2, "%Y"),
    (5 * 365 * 86_400, "year", 5, "%Y"),
    (10 * 365 * 86_400, "year", 10, "%Y"),
)


def date_ticks(start: datetime, end: datetime, count: int = 6) -> list[tuple[datetime, str]]:
    """Instants at round times (hours, days, Mondays, month or year starts, in UTC) between
    ``start`` and ``end``, about ``count`` of them, each with its label."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    span = (end - start).total_seconds()
    if span <= 0:
        return [(start, f"{start:%Y-%m-%d}")]
    want = span / max(count, 1)
    # A step up to a fifth under the ideal spacing: a tick or two more rather than too few.
    fits = (s for s in _TIME_STEPS if s[0] * 1.2 >= want)
    seconds, unit, step, fmt = next(fits, _TIME_STEPS[-1])
    if unit == "year" and span / seconds > count * 2:  # longer than any bundled series
        step = max(step, math.ceil(span / (count * 365 * 86_400)))
    ticks: list[tuple[datetime, str]] = []
    t = _floor(start, unit, step)
    while t <= end and len(ticks) < 64:
        if t >= start:
            ticks.append((t, t.strftime(fmt)))
        t = _advance(t, unit, step)
    return ticks


def _floor(t: datetime, unit: str, step: int) -> datetime:
    if unit == "hour":
        return t.replace(minute=0, second=0, microsecond=0, hour=t.hour - t.hour % step)
    day = t.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1, month=1 + (day.month - 1) // step * step)
    return day.replace(day=1, month=1, year=day.year - day.year % step)


def _advance(t: datetime, unit: str, step: int) -> datetime:
    if unit == "hour":
        return t + timedelta(hours=step)
    if unit == "day":
        return t + timedelta(days=step)
    if unit == "week":
        return t + timedelta(weeks=step)
    if unit == "month":
        months = t.month - 1 + step
        return t.replace(year=t.year + months // 12, month=months % 12 + 1)
    return t.replace(year=t.year + step)


def _thin(points: Sequence[ChartPoint], limit: int) -> list[ChartPoint]:
    """At most about ``limit`` points: per bucket its lowest and highest, in time order, so
    thinning never hides a spike; the first and last points are always kept."""
    if len(points) <= limit:
        return list(points)
    per = math.ceil(len(points) / (limit // 2))
    out = [points[0]]
    for i in range(1, len(points) - 1, per):
        bucket = points[i : min(i + per, len(points) - 1)]
        lo = min(bucket, key=lambda p: p.value)
        hi = max(bucket, key=lambda p: p.value)
        out.extend(sorted({id(lo): lo, id(hi): hi}.values(), key=lambda p: p.at))
    out.append(points[-1])
    return out


def _hover_points(points: Sequence[ChartPoint], limit: int) -> list[ChartPoint]:
    if len(points) <= limit:
        return list(points)
    stride = math.ceil(len(points) / limit)
    chosen = list(points[::stride])
    if chosen[-1] is not points[-1]:
        chosen.append(points[-1])
    return chosen


def line_chart_svg(
    points: Sequence[ChartPoint],
    *,
    decimals: int,
    label: str,
    start: datetime | None = None,
    end: datetime | None = None,
    marks: Sequence[ChartMark] = (),
    width: int = 640,
    height: int = 260,
    compact: bool = False,
    date_format: str = "%Y-%m-%d",
    baseline: float | None = None,
) -> str:
    """The series as an SVG line chart, or "" with fewer than two points. ``start``/``end``:
    the time axis (default: the series' own span); ``marks``: vertical marks with their labels;
    ``compact``: a small chart (story pages) with fewer ticks; ``baseline``: a dashed level line
    (the previous close, the price at publication); ``date_format``: the hover label's date."""
    if len(points) < 2:
        return ""
    ordered = sorted(points, key=lambda p: p.at)
    t0 = (start or ordered[0].at).timestamp()
    t1 = (end or ordered[-1].at).timestamp()
    if t1 <= t0:
        t0, t1 = ordered[0].at.timestamp(), ordered[-1].at.timestamp()
        if t1 <= t0:
            t1 = t0 + 1.0
    values = [p.value for p in ordered]
    if baseline is not None:
        values.append(baseline)
    yt = value_ticks(min(values), max(values), 3 if compact else 5)
    lo, hi = min(yt[0], min(values)), max(yt[-1], max(values))
    tick_decimals = _tick_decimals(yt, decimals)
    longest = max(len(format_price(v, tick_decimals)) for v in yt)
    box = _Box(
        width,
        height,
        left=8,
        right=max(36, 7 * longest + 10),  # values on the right, as price charts put them
        top=8,
        bottom=22,
    )

    def x(at: datetime) -> float:
        return box.left + (at.timestamp() - t0) / (t1 - t0) * box.inner_w

    def y(v: float) -> float:
        return box.top + (1 - (v - lo) / ((hi - lo) or 1.0)) * box.inner_h

    reference = baseline if baseline is not None else ordered[0].value
    trend = "up" if ordered[-1].value >= reference else "down"
    first, last = ordered[0], ordered[-1]
    summary = (
        f"{label}: {len(ordered)} points from {first.at:{date_format}} "
        f"({format_price(first.value, decimals)}) to {last.at:{date_format}} "
        f"({format_price(last.value, decimals)})"
    )
    out = [
        f'<svg class="chart {trend}{" compact" if compact else ""}" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="group" aria-label="{escape(summary)}">',
        f"<title>{escape(summary)}</title>",
        '<g class="grid">',
    ]
    axis_x = box.width - box.right + 4
    for v in yt:
        yy = y(v)
        out.append(
            f'<line x1="{box.left}" y1="{yy:.1f}" x2="{box.width - box.right}" y2="{yy:.1f}"/>'
            f'<text class="tick" x="{axis_x}" y="{yy + 4:.1f}">'
            f"{escape(format_price(v, tick_decimals))}</text>"
        )
    start_dt = datetime.fromtimestamp(t0, UTC)
    end_dt = datetime.fromtimestamp(t1, UTC)
    for at, text in date_ticks(start_dt, end_dt, 3 if compact else 6):
        xx = x(at)
        if xx > box.width - box.right - 18 or xx < box.left + 18:
            continue  # a label there would be cut off or run into the value axis
        out.append(
            f'<line x1="{xx:.1f}" y1="{box.top}" x2="{xx:.1f}" y2="{box.height - box.bottom}"/>'
            f'<text class="tick" x="{xx:.1f}" y="{box.height - 6}" text-anchor="middle">'
            f"{escape(text)}</text>"
        )
    out.append("</g>")
    if baseline is not None:
        yb = y(baseline)
        out.append(
            f'<line class="baseline" x1="{box.left}" y1="{yb:.1f}" x2="{box.width - box.right}"'
            f' y2="{yb:.1f}" stroke-dasharray="4 3"/>'
        )
    line = " ".join(f"{x(p.at):.1f},{y(p.value):.1f}" for p in _thin(ordered, MAX_LINE))
    out.append(f'<polyline class="line" fill="none" stroke="currentColor" points="{line}"/>')
    for m in marks:
        if not t0 <= m.at.timestamp() <= t1:
            continue
        xm = x(m.at)
        mark = (
            f'<g class="mark"><title>{escape(m.label)}</title>'
            f'<line x1="{xm:.1f}" y1="{box.top}" x2="{xm:.1f}" y2="{box.height - box.bottom}"/>'
            f'<circle cx="{xm:.1f}" cy="{box.top + 3}" r="3"/></g>'
        )
        if m.href:
            mark = f'<a href="{escape(m.href)}">{mark}</a>'
        out.append(mark)
    # Hover: each shown point owns a transparent column; its <title> is the value.
    hover = _hover_points(ordered, MAX_HOVER)
    xs = [x(p.at) for p in hover]
    out.append('<g class="hover">')
    for i, p in enumerate(hover):
        left = box.left if i == 0 else (xs[i - 1] + xs[i]) / 2
        right = box.width - box.right if i == len(hover) - 1 else (xs[i] + xs[i + 1]) / 2
        w = max(right - left, 0.5)
        out.append(
            f'<rect x="{left:.1f}" y="{box.top}" width="{w:.1f}" height="{box.inner_h:.1f}">'
            f"<title>{escape(f'{p.at:{date_format}}')}: "
            f"{escape(format_price(p.value, decimals))}</title></rect>"
        )
    out.append("</g></svg>")
    return "".join(out)


def _tick_decimals(ticks: Sequence[float], decimals: int) -> int:
    """As few decimals as the ticks need (5,500 not 5,500.00), never more than the instrument's."""
    for d in range(0, decimals + 1):
        if all(abs(round(v, d) - v) < 1e-9 for v in ticks):
            return d
    return decimals


@dataclass(frozen=True, slots=True)
class StoryChart:
    """An instrument around a story's time: a small chart from the day before to the day
    after, and the move from the last value at publication to the latest one."""

    key: str
    name: str
    at: datetime  # the story's time
    svg: str  # "" with fewer than two points in the window
    base: float | None  # the last value at or before the story's time
    latest: float | None  # the newest stored value
    latest_at: datetime | None
    move: float | None  # latest - base
    move_pct: float | None
    decimals: int

    @property
    def trend(self) -> str:
        if self.move is None:
            return ""
        return "down" if math.copysign(1.0, self.move) < 0 else ("up" if self.move > 0 else "")


@functools.lru_cache(maxsize=STORY_SVGS)
def _story_svg(
    name: str,
    at: datetime,
    offset: timedelta | None,
    window: tuple[ChartPoint, ...],
    base: float | None,
    decimals: int,
) -> str:
    """A story chart's SVG: a pure function of these, kept for the next page that shows the
    same instrument around the same moment (the same story again, or a copy of it). ``offset``
    is ``at``'s own, part of the key: equal instants at other offsets compare equal, but the
    mark's label prints ``at`` as given (the points are UTC, as quotes are stored)."""
    del offset  # only a part of the cache's key
    start, end = at - STORY_WINDOW, at + STORY_WINDOW
    return line_chart_svg(
        window,
        decimals=decimals,
        label=f"{name} around the story",
        start=min([start, *(p.at for p in window[:1])]),
        end=end,
        marks=[ChartMark(at, f"story published {at:%Y-%m-%d %H:%M} UTC")],
        width=300,
        height=120,
        compact=True,
        date_format="%Y-%m-%d %H:%M",
        baseline=base,
    )


def story_chart(
    key: str,
    name: str,
    at: datetime,
    window: Sequence[ChartPoint],
    *,
    base: float | None,
    latest: ChartPoint | None,
    decimals: int,
) -> StoryChart:
    """The chart of ``window`` (the points from the day before to the day after ``at``, oldest
    first) with ``at`` marked and the value at publication as a dashed line, and the move: only
    where a quote came after ``at`` (a series that ends before the story has not moved since)."""
    svg = _story_svg(name, at, at.utcoffset(), tuple(window), base, decimals)
    move = pct = None
    if base is not None and latest is not None and latest.at > at:
        move = latest.value - base
        pct = change_pct(latest.value, base) if base else None
    return StoryChart(
        key,
        name,
        at,
        svg,
        base,
        latest.value if latest else None,
        latest.at if latest else None,
        move,
        pct,
        decimals,
    )
