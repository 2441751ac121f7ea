"""Quote providers behind one protocol (:class:`QuoteProvider`): bundled history, CSV files, and
the live public sources Yahoo Finance, Stooq and FRED (no API keys; through the one Fetcher)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from marketdesk.clock import Clock, system_clock
from marketdesk.markets.providers.base import (
    Bar,
    NotCoveredError,
    ProviderError,
    ProviderUnavailableError,
    QuoteProvider,
    RateLimitedError,
    ResponseFormatError,
    SeriesRequest,
    StaleDataError,
    UnknownSymbolError,
    bars_to_quotes,
    check_series,
    symbol_for,
)

if TYPE_CHECKING:
    from marketdesk.net import Fetcher

__all__ = [
    "LIVE_PROVIDERS",
    "PROVIDER_NAMES",
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
    "live_providers",
    "make_provider",
    "symbol_for",
]

# Tried in this order when no provider is named: Yahoo is the freshest, Stooq often has a bar
# Yahoo lacks, FRED lags a day but rarely refuses.
LIVE_PROVIDERS = ("yahoo", "stooq", "fred")
PROVIDER_NAMES = (*LIVE_PROVIDERS, "bundled")

# Base URLs by provider; a test (or a mirror) may point them elsewhere.
BASE_URLS: dict[str, str] = {}


def make_provider(
    name: str, fetcher: Fetcher | None, *, clock: Clock = system_clock
) -> QuoteProvider:
    """The provider called ``name`` (see PROVIDER_NAMES); live ones need a fetcher and use
    ``clock`` for "today" and "now"."""
    from marketdesk.markets.providers.bundled import BundledProvider

    if name == "bundled":
        return BundledProvider()
    if name not in LIVE_PROVIDERS:
        raise ProviderError(
            f"unknown provider {name!r}; valid providers: {', '.join(PROVIDER_NAMES)}",
            provider=name,
        )
    if fetcher is None:
        raise ValueError(f"the {name} provider needs a Fetcher")
    if name == "yahoo":
        from marketdesk.markets.providers.yahoo import YAHOO_URL, YahooProvider

        return YahooProvider(fetcher, BASE_URLS.get(name, YAHOO_URL), clock=clock)
    if name == "stooq":
        from marketdesk.markets.providers.stooq import STOOQ_URL, StooqProvider

        return StooqProvider(fetcher, BASE_URLS.get(name, STOOQ_URL), clock=clock)
    from marketdesk.markets.providers.fred import FRED_URL, FredProvider

    return FredProvider(fetcher, BASE_URLS.get(name, FRED_URL), clock=clock)


def live_providers(fetcher: Fetcher, *, clock: Clock = system_clock) -> list[QuoteProvider]:
    """Every live provider, in the order they are tried."""
    return [make_provider(name, fetcher, clock=clock) for name in LIVE_PROVIDERS]
