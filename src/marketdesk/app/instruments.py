"""An instrument: its facts, latest quote and history over a range, at a resolution."""

from __future__ import annotations

from dataclasses import dataclass

from marketdesk.app.desk import Desk
from marketdesk.app.ranges import DateRange, check_resolution
from marketdesk.markets.charts import daily
from marketdesk.model import Instrument, Quote

__all__ = ["InstrumentView", "instrument_view"]


@dataclass(frozen=True, slots=True)
class InstrumentView:
    instrument: Instrument
    latest: Quote | None
    history: tuple[Quote, ...]  # oldest first
    range: DateRange
    resolution: str  # 'daily' (the last quote of each UTC day) or 'intraday' (every quote)


def instrument_view(
    desk: Desk,
    key: str,
    *,
    start: str | None = None,
    end: str | None = None,
    resolution: str = "daily",
    start_name: str = "from",
    end_name: str = "to",
) -> InstrumentView:
    """``start``/``end`` as users give them (see app/ranges.py); the names are for messages."""
    inst = desk.instrument(key)
    span = DateRange.parse(start, end, desk.clock(), start_name=start_name, end_name=end_name)
    check_resolution(resolution)
    quotes = desk.storage.history(inst.key, span.start, span.end)
    if resolution == "daily":
        quotes = daily(quotes)
    return InstrumentView(
        inst, desk.storage.latest_quote(inst.key), tuple(quotes), span, resolution
    )
