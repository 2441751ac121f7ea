"""Numbers and rows as the desk shows them, for templates and the command line alike."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from marketdesk.app import urls
from marketdesk.app.freshness import Freshness
from marketdesk.app.front import Mover
from marketdesk.app.strip import Strip
from marketdesk.markets.charts import RESOLUTIONS, sparkline_svg
from marketdesk.markets.formatting import format_change, format_pct, format_price
from marketdesk.model import Quote

__all__ = [
    "RESOLUTIONS",
    "Display",
    "StripRow",
    "display",
    "format_change",
    "format_pct",
    "format_price",
    "history_line",
    "moment",
    "mover_rows",
    "quote_trend",
    "sparkline_svg",
    "strip_rows",
]


@dataclass(frozen=True, slots=True)
class Display:
    """A quote's numbers as the desk prints them: "22,095.93", "-148.09", "(-0.67%)"."""

    last: str
    change: str | None
    change_pct: str | None
    trend: str  # the CSS class: 'up', 'down' or ''


def display(last: float, change: float | None, pct: float | None, decimals: int) -> Display:
    return Display(
        format_price(last, decimals),
        format_change(change, decimals) if change is not None else None,
        format_pct(pct) if pct is not None else None,
        quote_trend(change),
    )


@dataclass(frozen=True, slots=True)
class StripRow:
    """One instrument of a strip, ready to print: names, link, numbers and time as text."""

    name: str
    url: str
    shown: Display
    at: str  # ISO 8601
    day: str  # YYYY-MM-DD
    source: str
    current: bool = True
    age: str | None = None  # where not current: "as of Jul 5, 16:00", "2 days old"
    when: str = ""  # what the row prints beside the numbers: its age, or the local time


def strip_rows(
    strip: Strip, ages: Sequence[Freshness] | None = None, zone: ZoneInfo | None = None
) -> tuple[StripRow, ...]:
    """The strip as a page prints it (the template only places these strings); ``ages`` one
    for each item, times printed in ``zone``."""
    fresh = ages if ages is not None else [Freshness(True, None)] * len(strip.items)
    return tuple(
        _row(i.name, key, i.last, i.change, i.change_pct, i.decimals, i.at, i.source, f, zone)
        for i, key, f in zip(strip.items, strip.keys, fresh, strict=True)
    )


def mover_rows(movers: Sequence[Mover], zone: ZoneInfo | None = None) -> tuple[StripRow, ...]:
    """Gainers or losers as rows, their percentage the unrounded one worked out."""
    return tuple(
        _row(
            m.item.name,
            m.key,
            m.item.last,
            m.item.change,
            m.change_pct,
            m.item.decimals,
            m.item.at,
            m.item.source,
            m.freshness,
            zone,
        )
        for m in movers
    )


def _row(
    name: str,
    key: str,
    last: float,
    change: float | None,
    pct: float | None,
    decimals: int,
    at: datetime,
    source: str,
    fresh: Freshness,
    zone: ZoneInfo | None,
) -> StripRow:
    local = at.astimezone(zone) if zone is not None else at
    return StripRow(
        name,
        urls.instrument(key),
        display(last, change, pct, decimals),
        at.isoformat(),
        f"{at:%Y-%m-%d}",
        source,
        fresh.current,
        fresh.age,
        fresh.age if fresh.age is not None else f"{local:%H:%M}",
    )


def history_line(q: Quote, decimals: int, resolution: str = "daily") -> str:
    """``2024-07-05 5,567.19 +30.17 (+0.54%) bundled`` (with the time for intraday rows)."""
    stamp = "%Y-%m-%d" if resolution == "daily" else "%Y-%m-%d %H:%M"
    change = ""
    if q.change is not None:
        change = f" {format_change(q.change, decimals)}"
        if q.change_pct is not None:
            change += f" {format_pct(q.change_pct)}"
    return f"{q.at:{stamp}} {format_price(q.last, decimals)}{change} {q.source}"


def moment(at: datetime | None) -> str:
    """A publication or fetch time as a story shows it: '2026-11-22 04:43 UTC', with the
    page's own offset where it gave one ('2026-11-22 09:30 +02:00'); a time without an offset
    as the page gave it ('2026-11-22 09:30, zone not given'); a bare date as a date."""
    if at is None:
        return ""
    if at.tzinfo is None:
        if (at.hour, at.minute, at.second, at.microsecond) == (0, 0, 0, 0):
            return at.strftime("%Y-%m-%d")
        return at.strftime("%Y-%m-%d %H:%M") + ", zone not given"
    offset = at.utcoffset()
    if offset is not None and not offset:
        return at.strftime("%Y-%m-%d %H:%M") + " UTC"
    zone = at.strftime("%z")
    return f"{at:%Y-%m-%d %H:%M} {zone[:3]}:{zone[3:5]}" if zone else at.strftime("%Y-%m-%d %H:%M")


def quote_trend(change: float | None) -> str:
    """The CSS class of a move: 'down' for a loss (a negative zero included), 'up', or ''."""
    if change is None:
        return ""
    if math.copysign(1.0, change) < 0:
        return "down"
    return "up" if change > 0 else ""
