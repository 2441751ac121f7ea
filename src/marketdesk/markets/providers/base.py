"""The provider protocol, its errors, and the checks every series passes before it is stored.

A provider turns an instrument into a series of quotes, oldest first. Live providers reach the
network only through the project's one :class:`~marketdesk.net.Fetcher` (the HTTP layer,
:mod:`marketdesk.net`). Whatever a provider returns goes through :func:`check_series` before
storage, so a provider that sends nonsense, stale numbers or a changed format raises a
:class:`ProviderError` and the last good quote in storage stays the latest one.

    MarketdeskError
    └── ProviderError            a provider could not give a usable series; .provider, .instrument
        ├── NotCoveredError      the provider has no symbol for the instrument (instruments.toml)
        ├── UnknownSymbolError   the provider does not know the symbol it was asked for
        ├── RateLimitedError     the provider asked us to slow down (HTTP 429, a limit message)
        ├── StaleDataError       the newest observation is older than the series allows
        ├── ResponseFormatError  the answer is not in the format this code reads (it changed?)
        └── ProviderUnavailableError  the provider could not be reached or refused the request
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ClassVar, Protocol

from marketdesk.clock import Clock, system_clock
from marketdesk.errors import FetchError, MarketdeskError, TooLargeError
from marketdesk.markets.history import Bar, bars_to_quotes, close_stamper
from marketdesk.markets.validation import quote_problem
from marketdesk.model import Instrument, Quote
from marketdesk.net import Fetcher, FetchStatusError

__all__ = [
    "INTRADAY_INTERVALS",
    "Bar",
    "NotCoveredError",
    "ProviderError",
    "ProviderUnavailableError",
    "QuoteProvider",
    "RateLimitedError",
    "ResponseFormatError",
    "SeriesRequest",
    "StaleDataError",
    "UnknownSymbolError",
    "bars_to_quotes",
    "check_series",
    "fetch_body",
    "live_stamper",
    "parse_float",
    "symbol_for",
]

# Intervals a provider may offer besides daily bars ("1d"); names as Yahoo spells them.
INTRADAY_INTERVALS = ("1m", "5m", "15m", "30m", "60m", "1h")
DEFAULT_MAX_AGE = timedelta(days=10)  # covers the longest holiday closures (Lunar New Year)
_FUTURE_SLACK = timedelta(hours=1)  # clock skew between us and a provider


class ProviderError(MarketdeskError):
    """A provider could not give a usable series; the message says which and why."""

    def __init__(self, message: str, *, provider: str = "", instrument: str = "") -> None:
        super().__init__(message)
        self.provider = provider
        self.instrument = instrument


class NotCoveredError(ProviderError):
    pass


class UnknownSymbolError(ProviderError):
    pass


class RateLimitedError(ProviderError):
    pass


class StaleDataError(ProviderError):
    pass


class ResponseFormatError(ProviderError):
    pass


class ProviderUnavailableError(ProviderError):
    pass


@dataclass(frozen=True, slots=True)
class SeriesRequest:
    """What to fetch: a date range (None: the provider's recent default) and the bar interval."""

    start: date | None = None
    end: date | None = None
    interval: str = "1d"  # "1d", or one of INTRADAY_INTERVALS where the provider has them

    def __post_init__(self) -> None:
        if self.interval != "1d" and self.interval not in INTRADAY_INTERVALS:
            valid = ", ".join(("1d", *INTRADAY_INTERVALS))
            raise ValueError(f"unknown interval {self.interval!r}; valid: {valid}")
        if self.start and self.end and self.start > self.end:
            raise ValueError(f"start {self.start} is after end {self.end}")


class QuoteProvider(Protocol):
    """A source of quotes. Implementations: bundled, csv, stooq, yahoo, fred."""

    @property
    def name(self) -> str:
        """Short name, stored as each quote's ``source`` and used with ``--provider``."""
        ...

    @property
    def live(self) -> bool:
        """True for providers that reach the network (and so can be rate limited or stale)."""
        ...

    def covers(self, instrument: Instrument) -> bool:
        """Whether this provider can be asked for the instrument at all."""
        ...

    def fetch(self, instrument: Instrument, request: SeriesRequest) -> list[Quote]:
        """The instrument's quotes in the request's range, oldest first; raises ProviderError."""
        ...


def symbol_for(instrument: Instrument, provider: str) -> str | None:
    """The instrument's symbol at ``provider`` (from instruments.toml), or None."""
    for name, symbol in instrument.symbols:
        if name == provider:
            return symbol
    return None


def check_series(
    quotes: Sequence[Quote],
    instrument: Instrument,
    provider: str,
    *,
    now: datetime,
    max_age: timedelta | None = DEFAULT_MAX_AGE,
) -> list[Quote]:
    """Refuse a series that must not reach storage; return it unchanged otherwise.

    Refused: no quotes; a quote that fails the one quote check (``markets/validation.py``:
    numbers not finite or out of scale, a price at or below zero for kinds that cannot go
    there); a time in the future; and (``max_age`` not None) a newest quote older than
    ``max_age``.
    """
    where = {"provider": provider, "instrument": instrument.key}
    if not quotes:
        raise ResponseFormatError(
            f"{provider} returned no observations for {instrument.key}", **where
        )
    for q in quotes:
        when = q.at.isoformat()
        problem = quote_problem(q, instrument)
        if problem is not None:
            raise ResponseFormatError(
                f"{provider} sent a quote for {instrument.key} at {when} that cannot be right: "
                f"{problem}",
                **where,
            )
        if q.at > now + _FUTURE_SLACK:
            raise ResponseFormatError(
                f"{provider} sent a quote for {instrument.key} dated {when}, in the future",
                **where,
            )
    newest = max(q.at for q in quotes)
    if max_age is not None and now - newest > max_age:
        raise StaleDataError(
            f"{provider}'s newest {instrument.key} quote is from {newest:%Y-%m-%d %H:%M} UTC, "
            f"more than {max_age.days} days old; keeping the stored quotes",
            **where,
        )
    return list(quotes)


def live_stamper(instrument: Instrument, *, now: datetime) -> Callable[[date], datetime]:
    """Day -> its close stamp (history.close_stamper), but never later than ``now``: a live
    provider's bar for today, before the close, is as of now."""
    stamp = close_stamper(instrument)
    return lambda day: min(stamp(day), now)


class WebProvider:
    """What the keyless web providers (Stooq, Yahoo, FRED) share: the one fetcher, a base URL
    (a test server's in tests), coverage by a symbol in instruments.toml, and the request
    preamble. Subclasses set ``name`` and ``default_url`` and write ``fetch``."""

    name: ClassVar[str]
    default_url: ClassVar[str]
    live = True
    # How the provider names what it is asked for, in messages: "symbol", "series".
    symbol_word: ClassVar[str] = "symbol"

    def __init__(
        self, fetcher: Fetcher, base_url: str | None = None, *, clock: Clock = system_clock
    ) -> None:
        self.fetcher = fetcher
        self.base_url = base_url or self.default_url
        self.clock = clock

    def covers(self, instrument: Instrument) -> bool:
        return symbol_for(instrument, self.name) is not None

    def where(self, instrument: Instrument) -> dict[str, str]:
        """The keyword arguments of every ProviderError this provider raises for `instrument`."""
        return {"provider": self.name, "instrument": instrument.key}

    def symbol(self, instrument: Instrument) -> str:
        """The instrument's symbol here; NotCoveredError when instruments.toml maps none."""
        found = symbol_for(instrument, self.name)
        if found is None:
            raise NotCoveredError(
                f"{self.name} has no {self.symbol_word} for {instrument.key}",
                **self.where(instrument),
            )
        return found

    def get(self, url: str, instrument: Instrument) -> bytes:
        return fetch_body(self.fetcher, url, self.name, instrument)


def recent_range(request: SeriesRequest, today: date, days: int = 31) -> tuple[date, date]:
    """The request's dates, or the last `days` days up to today where it leaves them open."""
    end = request.end or today
    return request.start or end - timedelta(days=days), end


def fetch_body(fetcher: Fetcher, url: str, provider: str, instrument: Instrument) -> bytes:
    """GET ``url`` through the fetcher; its failures become the matching ProviderError."""
    where = {"provider": provider, "instrument": instrument.key}
    try:
        return fetcher.fetch_response(url).content
    except FetchStatusError as exc:
        if exc.status == 429:
            raise RateLimitedError(
                f"{provider} is rate limiting us (HTTP 429); try again later: {exc}", **where
            ) from exc
        if exc.status in (404, 410):
            raise UnknownSymbolError(
                f"{provider} does not know the symbol for {instrument.key} (HTTP {exc.status})",
                **where,
            ) from exc
        raise ProviderUnavailableError(f"{provider}: {exc}", **where) from exc
    except TooLargeError as exc:
        raise ResponseFormatError(f"{provider}: {exc}", **where) from exc
    except FetchError as exc:
        raise ProviderUnavailableError(f"{provider}: {exc}", **where) from exc


def parse_float(cell: str) -> float | None:
    """A provider's number; None for the usual blanks ("", ".", "N/D", "null"); ValueError else."""
    s = cell.strip()
    if s.lower() in ("", ".", "n/d", "nd", "null", "nan", "-"):
        return None
    return float(s)
