"""Numbers and rows as the desk shows them, for templates and the command line alike."""

from __future__ import annotations

import math

from marketdesk.markets.charts import RESOLUTIONS, sparkline_svg
from marketdesk.markets.formatting import format_change, format_pct, format_price
from marketdesk.model import Quote

__all__ = [
    "RESOLUTIONS",
    "format_change",
    "format_pct",
    "format_price",
    "history_line",
    "quote_trend",
    "sparkline_svg",
]


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
