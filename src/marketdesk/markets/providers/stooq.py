"""Stooq's daily CSV download: https://stooq.com/q/d/l/?s=SYMBOL&i=d&d1=YYYYMMDD&d2=YYYYMMDD.

The answer is ``Date,Open,High,Low,Close[,Volume]``, oldest first. Stooq answers an unknown symbol
with the body "No data", a client over its daily quota with "Exceeded the daily hits limit", and
(from some networks, since 2025) a page asking for an API key instead of the CSV: each of those is
a 200 response, so the body is read before anything is trusted.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from urllib.parse import urlencode

from marketdesk.markets.providers.base import (
    Bar,
    NotCoveredError,
    ProviderUnavailableError,
    RateLimitedError,
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

__all__ = ["STOOQ_URL", "StooqProvider"]

STOOQ_URL = "https://stooq.com/q/d/l/"


class StooqProvider(WebProvider):
    """Daily bars from Stooq (no key). Today's bar, while the market trades, is stamped now."""

    name = "stooq"
    default_url = STOOQ_URL

    def url(self, symbol: str, request: SeriesRequest) -> str:
        start, end = recent_range(request, self.clock().date())
        query = {"s": symbol, "i": "d", "d1": f"{start:%Y%m%d}", "d2": f"{end:%Y%m%d}"}
        return f"{self.base_url}?{urlencode(query)}"

    def fetch(self, instrument: Instrument, request: SeriesRequest) -> list[Quote]:
        where = self.where(instrument)
        symbol = self.symbol(instrument)
        if request.interval != "1d":
            raise NotCoveredError("stooq's CSV download has daily bars only", **where)
        body = self.get(self.url(symbol, request), instrument)
        text = body.decode("utf-8-sig", errors="replace").strip()
        lowered = text[:500].lower()
        if lowered in ("no data", "brak danych") or not text:
            raise UnknownSymbolError(f"stooq has no data for symbol {symbol!r}", **where)
        if "exceeded the daily hits limit" in lowered:
            raise RateLimitedError("stooq: exceeded the daily hits limit; try tomorrow", **where)
        if "apikey" in lowered or "api key" in lowered:
            raise ProviderUnavailableError(
                "stooq asks for an API key from this network instead of sending the CSV", **where
            )
        return bars_to_quotes(instrument, _parse(text, instrument, where, self.clock()), self.name)


def _parse(text: str, instrument: Instrument, where: dict[str, str], now: datetime) -> list[Bar]:
    rows = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(rows, [])]
    if "date" not in header or "close" not in header:
        raise ResponseFormatError(
            f"stooq's answer is not the expected CSV (header {header[:6]!r}); "
            "its format may have changed",
            **where,
        )
    col = {
        name: header.index(name)
        for name in ("date", "open", "high", "low", "close")
        if name in header
    }
    stamp = live_stamper(instrument, now=now)
    bars: list[Bar] = []
    for line, row in enumerate(rows, 2):
        if not row or not any(c.strip() for c in row):
            continue
        try:
            day = date.fromisoformat(row[col["date"]].strip())
            close = parse_float(row[col["close"]])
            opened, high, low = (
                parse_float(row[col[k]]) if k in col else None for k in ("open", "high", "low")
            )
        except (ValueError, IndexError):
            raise ResponseFormatError(
                f"stooq's CSV line {line} is not a dated price row: {','.join(row)[:80]!r}",
                **where,
            ) from None
        if close is None:
            continue
        bars.append(Bar(stamp(day), close, opened, high, low))
    return bars
