"""Numbers and rows as the desk shows them, for templates and the command line alike."""

from __future__ import annotations

import math
from dataclasses import dataclass

from marketdesk.app import urls
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


def strip_rows(strip: Strip) -> tuple[StripRow, ...]:
    """The strip as a page prints it (the template only places these strings)."""
    return tuple(
        StripRow(
            i.name,
            urls.instrument(key),
            display(i.last, i.change, i.change_pct, i.decimals),
            i.at.isoformat(),
            f"{i.at:%Y-%m-%d}",
            i.source,
        )
        for i, key in zip(strip.items, strip.keys, strict=True)
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


def quote_trend(change: float | None) -> str:
    """The CSS class of a move: 'down' for a loss (a negative zero included), 'up', or ''."""
    if change is None:
        return ""
    if math.copysign(1.0, change) < 0:
        return "down"
    return "up" if change > 0 else ""
