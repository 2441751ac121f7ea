"""Chart data: a stored history at daily resolution, and a server-side SVG sparkline.

Daily resolution keeps the last quote of each UTC day (every close the desk's calendars stamp
falls on its session's UTC date); intraday keeps every stored quote. Changes are recomputed
between the kept points from unrounded values, so a daily series' change is day over day even
when the day's last quote was an intraday observation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time
from itertools import pairwise

from marketdesk.errors import TimestampError
from marketdesk.markets.formatting import change_pct
from marketdesk.model import Quote

__all__ = ["RESOLUTIONS", "daily", "parse_bound", "sparkline_svg"]

RESOLUTIONS = ("daily", "intraday")


def daily(quotes: Sequence[Quote]) -> list[Quote]:
    """The last quote of each UTC day, oldest first, with day-over-day change."""
    ordered = quotes if _is_sorted(quotes) else sorted(quotes, key=lambda q: q.at)
    by_day: dict[date, Quote] = {}
    for q in ordered:
        at = q.at if q.at.tzinfo is UTC else q.at.astimezone(UTC)
        by_day[at.date()] = q
    out: list[Quote] = []
    prev: float | None = None
    for q in by_day.values():
        # Daily series already compare with the previous day: rebuild only the others (cheaper).
        if prev is not None and q.prev_close != prev:
            pct = change_pct(q.last, prev) if prev else None
            q = replace(q, change=q.last - prev, change_pct=pct, prev_close=prev)
        out.append(q)
        prev = q.last
    return out


def _is_sorted(quotes: Sequence[Quote]) -> bool:
    return all(a.at <= b.at for a, b in pairwise(quotes))


def parse_bound(text: str, *, end: bool) -> datetime:
    """A range bound: YYYY-MM-DD (a whole UTC day: its start, or its end when ``end``) or an
    ISO 8601 instant with a UTC offset. A time without an offset is refused (TimestampError)."""
    s = text.strip()
    if len(s) == 10:
        try:
            day = date.fromisoformat(s)
        except ValueError:
            raise TimestampError(f"{text!r} is not a date; expected YYYY-MM-DD") from None
        return datetime.combine(day, time.max if end else time.min, UTC)
    try:
        at = datetime.fromisoformat(s[:-1] + "+00:00" if s[-1:] in ("z", "Z") else s)
    except ValueError:
        raise TimestampError(
            f"{text!r} is neither a date (YYYY-MM-DD) nor an ISO 8601 instant"
        ) from None
    if at.tzinfo is None:
        raise TimestampError(
            f"{text!r} has a time but no UTC offset; add one (2024-07-05T15:41:00-04:00, or Z "
            "for UTC) or give a date (YYYY-MM-DD, read as a UTC day)"
        )
    return at.astimezone(UTC)


def sparkline_svg(values: Sequence[float], width: int = 240, height: int = 48) -> str:
    """An inline SVG polyline of the values (no script, no style attribute: CSP-safe)."""
    if len(values) < 2:
        return ""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    step = (width - 2) / (len(values) - 1)
    points = " ".join(
        f"{1 + i * step:.1f},{1 + (height - 2) * (1 - (v - lo) / span):.1f}"
        for i, v in enumerate(values)
    )
    trend = "up" if values[-1] >= values[0] else "down"
    return (
        f'<svg class="sparkline {trend}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="price trend, {len(values)} points">'
        f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{points}"/></svg>'
    )
