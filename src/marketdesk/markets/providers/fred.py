"""FRED's graph CSV: https://fred.stlouisfed.org/graph/fredgraph.csv?id=SERIES&cosd=..&coed=..

The answer is ``observation_date,SERIES`` (``DATE,SERIES`` before 2024), one row a day, oldest
first; a day without a value is blank (``.`` in older files). FRED publishes with a lag of a day
or more, so it is a history and fallback source rather than a live quote.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from urllib.parse import urlencode

from marketdesk.markets.providers.base import (
    Bar,
    NotCoveredError,
    ResponseFormatError,
    SeriesRequest,
    UnknownSymbolError,
    WebProvider,
    bars_to_quotes,
    live_stamper,
    parse_float,
    recent_range,
)
from marketdesk.model import Instrument, Quote

__all__ = ["FRED_URL", "FredProvider"]

FRED_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"


class FredProvider(WebProvider):
    """Daily series from FRED (no key), for the instruments instruments.toml maps to one."""

    name = "fred"
    default_url = FRED_URL
    symbol_word = "series"

    def url(self, series: str, request: SeriesRequest) -> str:
        start, end = recent_range(request, self.clock().date())
        query = {"id": series, "cosd": start.isoformat(), "coed": end.isoformat()}
        return f"{self.base_url}?{urlencode(query)}"

    def fetch(self, instrument: Instrument, request: SeriesRequest) -> list[Quote]:
        where = self.where(instrument)
        series = self.symbol(instrument)
        if request.interval != "1d":
            raise NotCoveredError("fred has daily observations only", **where)
        body = self.get(self.url(series, request), instrument)
        text = body.decode("utf-8-sig", errors="replace").strip()
        if text.startswith("<"):
            if "not exist" in text.lower() or "not found" in text.lower():
                raise UnknownSymbolError(f"fred has no series {series!r}", **where)
            raise ResponseFormatError(
                f"fred sent a web page instead of the CSV for {series!r}; its format may have "
                "changed",
                **where,
            )
        rows = csv.reader(io.StringIO(text))
        header = [h.strip() for h in next(rows, [])]
        if len(header) != 2 or header[0].lower() not in ("observation_date", "date"):
            raise ResponseFormatError(
                f"fred's CSV for {series!r} has header {header[:4]!r}, not "
                f"observation_date,{series}; its format may have changed",
                **where,
            )
        if header[1].upper() != series.upper():
            raise ResponseFormatError(
                f"fred answered with series {header[1]!r} when asked for {series!r}", **where
            )
        stamp = live_stamper(instrument, now=self.clock())
        bars: list[Bar] = []
        for line, row in enumerate(rows, 2):
            if not row:
                continue
            try:
                day = date.fromisoformat(row[0].strip())
                value = parse_float(row[1]) if len(row) > 1 else None
            except ValueError:
                raise ResponseFormatError(
                    f"fred's CSV line {line} is not a dated value: {','.join(row)[:80]!r}", **where
                ) from None
            if value is not None:
                bars.append(Bar(stamp(day), value))
        return bars_to_quotes(instrument, bars, self.name)
