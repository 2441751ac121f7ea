"""Quotes in: refresh from providers, import a CSV, load the bundled history; and the one door
every quote goes through on its way to storage (:func:`store_quotes`).

Each instrument of a refresh is independent: one that fails is reported and the others are
still stored. A provider's series is checked (``check_series``) before it is stored, so bad,
stale or reshaped data raises and the last good quote stays the latest one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from marketdesk.app.desk import Desk
from marketdesk.errors import InputError
from marketdesk.markets.history import load_bundled_history, load_csv_quotes
from marketdesk.markets.providers import (
    PROVIDER_NAMES,
    ProviderError,
    QuoteProvider,
    SeriesRequest,
    check_series,
    live_providers,
    make_provider,
)
from marketdesk.markets.validation import split_valid
from marketdesk.model import Instrument, Quote

__all__ = [
    "PROVIDER_NAMES",
    "ImportReport",
    "QuoteStoreReport",
    "RefreshOutcome",
    "RefreshPlan",
    "import_csv",
    "load_bundled",
    "plan_refresh",
    "refresh",
    "refresh_instrument",
    "store_quotes",
]

MAX_DAYS = 36_600


@dataclass(frozen=True, slots=True)
class QuoteStoreReport:
    stored: int  # new to storage
    refused: tuple[tuple[Quote, str], ...]  # failed the quote check, with the reason


def store_quotes(desk: Desk, quotes: Iterable[Quote]) -> QuoteStoreReport:
    """Check every quote (markets/validation.py), store the good ones in one transaction."""
    good, refused = split_valid(quotes, desk.registry.find)
    stored = desk.storage.add_quotes(good) if good else 0
    return QuoteStoreReport(stored, tuple(refused))


# -- refresh ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RefreshOutcome:
    """What refreshing one instrument did. ``error`` is None when some provider succeeded."""

    instrument: Instrument
    provider: str | None  # the provider whose series was stored
    received: int  # observations the provider sent
    stored: int  # of those, new to storage
    latest: Quote | None  # the newest quote received
    error: str | None = None
    skipped: tuple[str, ...] = ()  # why earlier providers were passed over

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class RefreshPlan:
    """What one refresh run asks for: checked once, before anything is fetched."""

    instruments: tuple[Instrument, ...]
    provider: str | None  # None: the live providers in order
    days: int
    interval: str
    allow_private: bool = False


def plan_refresh(
    desk: Desk,
    *,
    edition: str | None = None,
    instruments: Sequence[str] = (),
    provider: str | None = None,
    days: int = 31,
    interval: str = "1d",
    allow_private: bool = False,
) -> RefreshPlan:
    """An edition's strip (default: the configured edition) or the named instruments."""
    if instruments and edition:
        raise InputError("give an EDITION or --instrument keys, not both")
    if instruments:
        chosen = tuple(desk.instrument(key) for key in instruments)
    else:
        chosen = tuple(inst for inst, _ in desk.registry.strip(desk.edition(edition).code))
    if not 1 <= days <= MAX_DAYS:
        raise InputError(f"--days {days} is out of range (1 to {MAX_DAYS})")
    if provider is not None and provider not in PROVIDER_NAMES:
        raise InputError(f"unknown provider {provider!r}; valid: {', '.join(PROVIDER_NAMES)}")
    try:
        SeriesRequest(interval=interval)
    except ValueError as exc:
        raise InputError(f"--interval: {exc}") from None
    return RefreshPlan(chosen, provider, days, interval, allow_private)


def refresh(desk: Desk, plan: RefreshPlan) -> Iterator[RefreshOutcome]:
    """Refresh each instrument in turn, yielding as each finishes (for progress lines)."""
    fetcher = desk.fetcher(plan.allow_private)
    providers = (
        [make_provider(plan.provider, fetcher, clock=desk.clock)]
        if plan.provider
        else live_providers(fetcher, clock=desk.clock)
    )
    end = desk.clock().date()
    request = SeriesRequest(end - timedelta(days=plan.days), None, plan.interval)
    for instrument in plan.instruments:
        yield refresh_instrument(desk, instrument, providers, request)


def refresh_instrument(
    desk: Desk,
    instrument: Instrument,
    providers: Sequence[QuoteProvider],
    request: SeriesRequest,
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
                now=desk.clock(),
                max_age=None if not provider.live or request.end else timedelta(days=10),
            )
        except ProviderError as exc:
            notes.append(_named(provider.name, str(exc)))
            continue
        report = store_quotes(desk, quotes)
        return RefreshOutcome(
            instrument,
            provider.name,
            len(quotes),
            report.stored,
            quotes[-1],
            skipped=tuple(notes),
        )
    if not notes:
        names = ", ".join(p.name for p in providers)
        notes.append(f"no provider ({names}) has a symbol for {instrument.key}")
    return RefreshOutcome(instrument, None, 0, 0, None, error="; ".join(notes))


def _named(provider: str, message: str) -> str:
    """The message, naming its provider once: most provider messages already start with it."""
    return message if message.startswith(provider) else f"{provider}: {message}"


# -- CSV import and bundled history -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportReport:
    """A CSV import: rows read, quotes stored, rows refused (line, reason), rows skipped."""

    path: str
    instrument: str
    read: int
    stored: int
    rejected: tuple[tuple[int, str], ...]
    skipped: tuple[int, ...] = ()


def import_csv(desk: Desk, path: str | Path, instrument_key: str) -> ImportReport:
    """Import a Date,Close CSV: bad rows are reported, the rest stored in one transaction.

    A file that cannot be read raises InputError; a storage failure stores none of the file.
    """
    instrument = desk.instrument(instrument_key)
    result = load_csv_quotes(path, instrument)
    if not result.quotes and result.rejected:
        line, reason = result.rejected[0]
        raise InputError(f"{path}: no usable rows; first refused: line {line}: {reason}")
    report = store_quotes(desk, result.quotes)
    return ImportReport(
        str(path),
        instrument.key,
        len(result.quotes),
        report.stored,
        result.rejected,
        result.skipped,
    )


def load_bundled(desk: Desk) -> tuple[int, int]:
    """Store the bundled public-domain history: (new quotes, quotes in the store in all)."""
    report = store_quotes(desk, load_bundled_history(desk.registry))
    return report.stored, desk.storage.counts().quotes
