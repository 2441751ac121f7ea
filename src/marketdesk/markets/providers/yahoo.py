"""Yahoo Finance's chart JSON: https://query1.finance.yahoo.com/v8/finance/chart/SYMBOL.

Asked with ``range``/``interval`` (recent data) or ``period1``/``period2`` (epoch seconds). The
answer is ``{"chart": {"result": [{"meta": {...}, "timestamp": [...], "indicators": {"quote":
[{"open": [...], "high": [...], "low": [...], "close": [...]}]}}], "error": null}}``; gaps are
nulls. Daily bars carry the session's opening instant, so each is re-stamped at its session close
(the newest at ``meta.regularMarketTime`` while the session runs). Intraday bars keep their own
instants and are compared with the previous trading day's last close (``meta.chartPreviousClose``
for the first day), so their change is the day's change.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marketdesk.markets.providers.base import (
    Bar,
    ProviderUnavailableError,
    ResponseFormatError,
    SeriesRequest,
    UnknownSymbolError,
    WebProvider,
    bars_to_quotes,
    live_stamper,
    recent_range,
)
from marketdesk.model import Instrument, Quote

__all__ = ["YAHOO_URL", "YahooProvider"]

YAHOO_URL = "https://query1.finance.yahoo.com/v8/finance/chart/"
_RECENT_RANGE = {"1d": "1mo", "1m": "1d"}  # Yahoo keeps 1-minute bars for a few days only


class YahooProvider(WebProvider):
    """Daily and intraday bars from Yahoo Finance's public chart endpoint (no key)."""

    name = "yahoo"
    default_url = YAHOO_URL

    def url(self, symbol: str, request: SeriesRequest) -> str:
        query: dict[str, str] = {"interval": request.interval}
        if request.start is None and request.end is None:
            query["range"] = _RECENT_RANGE.get(request.interval, "5d")
        else:
            start, end = recent_range(request, self.clock().date())
            query["period1"] = str(int(datetime.combine(start, time.min, UTC).timestamp()))
            query["period2"] = str(
                int(datetime.combine(end + timedelta(days=1), time.min, UTC).timestamp())
            )
        return f"{self.base_url}{quote(symbol, safe='')}?{urlencode(query)}"

    def fetch(self, instrument: Instrument, request: SeriesRequest) -> list[Quote]:
        where = self.where(instrument)
        symbol = self.symbol(instrument)
        body = self.get(self.url(symbol, request), instrument)
        try:
            doc = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ResponseFormatError(
                f"yahoo's answer for {symbol!r} is not JSON; its format may have changed", **where
            ) from None
        chart = doc.get("chart") if isinstance(doc, dict) else None
        if not isinstance(chart, dict):
            raise ResponseFormatError(
                f"yahoo's answer for {symbol!r} has no 'chart' object; its format may have changed",
                **where,
            )
        error = chart.get("error")
        if error:
            code = str(error.get("code", "")) if isinstance(error, dict) else str(error)
            text = str(error.get("description", "")) if isinstance(error, dict) else ""
            if code.lower().replace(" ", "") == "notfound":
                raise UnknownSymbolError(f"yahoo does not know {symbol!r}: {text}", **where)
            raise ProviderUnavailableError(f"yahoo refused {symbol!r}: {code} {text}", **where)
        try:
            result = chart["result"][0]
            meta: dict[str, Any] = result["meta"]
            stamps: list[int] = result.get("timestamp") or []
            columns: dict[str, list[float | None]] = result["indicators"]["quote"][0]
            closes = columns["close"] if stamps else []
            if len(closes) != len(stamps):
                raise ValueError("columns and timestamps differ in length")
            bars = _bars(instrument, request, meta, stamps, columns, self.clock())
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise ResponseFormatError(
                f"yahoo's chart for {symbol!r} is not in the expected shape ({exc}); "
                "its format may have changed",
                **where,
            ) from None
        if not bars:
            raise UnknownSymbolError(f"yahoo has no prices for {symbol!r} in that range", **where)
        first_prev = None
        if request.interval != "1d":
            first_prev = _number(meta.get("chartPreviousClose"))
        return bars_to_quotes(instrument, bars, self.name, first_prev_close=first_prev)


def _bars(
    instrument: Instrument,
    request: SeriesRequest,
    meta: dict[str, Any],
    stamps: list[int],
    columns: dict[str, list[float | None]],
    now: datetime,
) -> list[Bar]:
    tz = _zone(meta)
    market_time = meta.get("regularMarketTime")
    latest = datetime.fromtimestamp(market_time, UTC) if isinstance(market_time, int) else now
    stamp = live_stamper(instrument, now=min(latest, now))

    def col(name: str, i: int) -> float | None:
        values = columns.get(name)
        return _number(values[i]) if values is not None and i < len(values) else None

    bars: list[Bar] = []
    for i, ts in enumerate(stamps):
        close = col("close", i)
        if close is None:
            continue  # a gap: no trade in that bar
        opened = datetime.fromtimestamp(int(ts), UTC)
        day = opened.astimezone(tz).date()
        if request.interval == "1d":
            bars.append(Bar(stamp(day), close, col("open", i), col("high", i), col("low", i)))
        else:
            bars.append(Bar(opened, close, col("open", i), col("high", i), col("low", i), day))
    return bars


def _zone(meta: dict[str, Any]) -> tzinfo:
    name = meta.get("exchangeTimezoneName")
    if isinstance(name, str):
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return UTC


def _number(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number")
    return float(value)
