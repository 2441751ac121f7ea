"""Markets: the instrument registry and editions, the market clock, number formatting, history.

The clock and history modules load exchange_calendars (about half a second) on first use, so
they are imported from their modules rather than re-exported here.
"""

from marketdesk.markets.formatting import (
    change_pct,
    format_change,
    format_pct,
    format_price,
    format_strip_item,
    format_strip_line,
)
from marketdesk.markets.registry import Edition, Registry, normalize_name

__all__ = [
    "Edition",
    "Registry",
    "change_pct",
    "format_change",
    "format_pct",
    "format_price",
    "format_strip_item",
    "format_strip_line",
    "normalize_name",
]
