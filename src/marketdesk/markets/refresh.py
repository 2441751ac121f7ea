"""Refresh and import: providers' quotes into storage, one instrument at a time.

Each instrument is independent: one that fails is reported and the others are still stored. A
provider's series is checked (:func:`~marketdesk.markets.providers.base.check_series`) before it
is stored, so bad, stale or reshaped data raises and the last good quote stays the latest one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from marketdesk.errors import InputError
from marketdesk.markets.providers.base import (
    NotCoveredError,
    ProviderError,
    QuoteProvider,
    SeriesRequest,
    check_series,
)
from marketdesk.markets.providers.csvfile import read_csv_import
from marketdesk.model import Instrument, Quote
from marketdesk.store.base import Storage

__all__ = [
    "ImportReport",
    "RefreshOutcome",
    "import_csv",
    "parse_every",
    "refresh_instrument",
    "refresh_instruments",
]


@dataclass(frozen=True, slots=True)
class RefreshOutcome:
    """What refreshing one instrument did. ``error`` is None when some provider succeeded."""

    instrument: str
    provider: str | None  # the provider whose series was stored
    received: int  # observations the provider sent
    stored: int  # of those, new to storage
    latest: Quote | None  # the newest quote received
    error: str | None = None
    skipped: tuple[str, ...] = ()  # why earlier providers were passed over

    @property
    def ok(self) -> bool:
        return self.error is None


def refresh_instrument(
    instrument: Instrument,
    providers: Sequence[QuoteProvider],
    storage: Storage,
    request: SeriesRequest,
    *,
    now: datetime | None = None,
) -> RefreshOutcome:
    """Try the providers in order until one gives a good series; store it."""
    notes: list[str] = []
    for provider in providers:
        if not provider.covers(instrument):
            continue
        try:
            quotes = provider.fetch(instrument, request)
            check_series(
                quotes,
                instrument,
                provider.name,
                now=now,
                max_age=None if not provider.live or request.end else timedelta(days=10),
            )
        except NotCoveredError as exc:
            notes.append(f"{provider.name}: {exc}")
            continue
        except ProviderError as exc:
            notes.append(f"{provider.name}: {exc}")
            continue
        stored = storage.add_quotes(quotes)
        return RefreshOutcome(
            instrument.key, provider.name, len(quotes), stored, quotes[-1], skipped=tuple(notes)
        )
    if not notes:
        names = ", ".join(p.name for p in providers)
        notes.append(f"no provider ({names}) has a symbol for {instrument.key}")
    return RefreshOutcome(instrument.key, None, 0, 0, None, error="; ".join(notes))


def refresh_instruments(
    instruments: Sequence[Instrument],
    providers: Sequence[QuoteProvider],
    storage: Storage,
    request: SeriesRequest,
) -> Iterator[RefreshOutcome]:
    """Refresh each instrument in turn, yielding as each finishes (for progress lines)."""
    for instrument in instruments:
        yield refresh_instrument(instrument, providers, storage, request)


@dataclass(frozen=True, slots=True)
class ImportReport:
    """A CSV import: rows stored, rows already there, and rows refused (line, reason)."""

    path: str
    instrument: str
    read: int
    stored: int
    rejected: tuple[tuple[int, str], ...]


def import_csv(path: str | Path, instrument: Instrument, storage: Storage) -> ImportReport:
    """Import a Date,Close CSV: bad rows are reported, the rest stored in one transaction.

    A file that cannot be read raises InputError; a storage failure stores none of the file.
    """
    result = read_csv_import(path, instrument)
    if not result.quotes and result.rejected:
        raise InputError(
            f"{path}: no usable rows; first refused: line {result.rejected[0][0]}: "
            f"{result.rejected[0][1]}"
        )
    stored = storage.add_quotes(result.quotes)
    return ImportReport(str(path), instrument.key, len(result.quotes), stored, result.rejected)


_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)?\s*$", re.IGNORECASE)
_UNIT = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}
MIN_EVERY = 60.0  # the providers are free services: once a minute is the politest we go


def parse_every(text: str) -> float:
    """'15m', '1h', '90s', '30' (minutes) -> seconds; InputError below a minute or unreadable."""
    m = _EVERY.match(text)
    if m is None:
        raise InputError(f"--every {text!r} is not a duration; use e.g. 15m, 1h or 90s")
    seconds = float(m[1]) * _UNIT[(m[2] or "m").lower()]
    if seconds < MIN_EVERY:
        raise InputError(f"--every {text!r} is too often; the shortest interval is 1m")
    return seconds
