"""A Date,Close CSV file as a provider (wraps ``markets.history.load_csv_quotes``)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

from marketdesk.markets.history import load_csv_quotes
from marketdesk.markets.providers.base import SeriesRequest
from marketdesk.model import Instrument, Quote

__all__ = ["CsvProvider"]


class CsvProvider:
    """One CSV file for one instrument (source "csv"). Refused rows are kept in ``rejected``."""

    name = "csv"
    live = False

    def __init__(self, path: str | Path, instrument_key: str) -> None:
        self.path = Path(path)
        self.instrument_key = instrument_key
        self.rejected: list[tuple[int, str]] = []

    def covers(self, instrument: Instrument) -> bool:
        return instrument.key == self.instrument_key

    def fetch(self, instrument: Instrument, request: SeriesRequest) -> list[Quote]:
        result = load_csv_quotes(self.path, instrument)
        self.rejected = list(result.rejected)
        start = datetime.combine(request.start, time.min, UTC) if request.start else None
        end = datetime.combine(request.end, time.max, UTC) if request.end else None
        return [
            q
            for q in result.quotes
            if (start is None or q.at >= start) and (end is None or q.at <= end)
        ]
