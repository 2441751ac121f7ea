"""The one check every quote passes before storage, whatever its way in (page, CSV, provider).

A quote is refused when a number is not finite or beyond any market's scale (a price of 1e308
would overflow every percentage computed from it), when a price is at or below zero for a kind
of instrument that cannot go there (indices, FX, crypto, equities, volatility; yields,
futures and commodities can: Bunds in 2020, WTI in April 2020), or when its high is below its
low. The reason is a short phrase fit to follow "refused:".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from marketdesk.model import Instrument, InstrumentKind, Quote

__all__ = ["MAX_MAGNITUDE", "SIGNED_KINDS", "price_problem", "quote_problem", "split_valid"]

MAX_MAGNITUDE = 1e12  # far above any price, index level or percentage a market prints
SIGNED_KINDS = frozenset({InstrumentKind.YIELD, InstrumentKind.FUTURE, InstrumentKind.COMMODITY})


def _number_problem(label: str, value: float) -> str | None:
    if not math.isfinite(value):
        return f"{label} {value!r} is not a finite number"
    if abs(value) > MAX_MAGNITUDE:
        return f"{label} {value:g} is out of range"
    return None


def price_problem(
    instrument: Instrument | None,
    last: float,
    open: float | None = None,
    high: float | None = None,
    low: float | None = None,
) -> str | None:
    """Why these prices cannot be the instrument's (None when they can)."""
    signed = instrument is None or instrument.kind in SIGNED_KINDS
    for label, value in (("last", last), ("open", open), ("high", high), ("low", low)):
        if value is None:
            continue
        problem = _number_problem(label, value)
        if problem is not None:
            return problem
        if value <= 0 and not signed:
            assert instrument is not None
            return f"{label} {value:g}: {_article(instrument.kind)} cannot be at or below zero"
    if high is not None and low is not None and high < low:
        return f"high {high:g} is below low {low:g}"
    return None


def quote_problem(quote: Quote, instrument: Instrument | None) -> str | None:
    """Why ``quote`` must not be stored (None when it may). ``instrument``: the registry's
    instrument for ``quote.instrument``, or None when the quote names no known instrument."""
    problem = price_problem(instrument, quote.last, quote.open, quote.high, quote.low)
    if problem is not None:
        return problem
    for label, value in (
        ("change", quote.change),
        ("change_pct", quote.change_pct),
        ("previous close", quote.prev_close),
    ):
        if value is not None and (problem := _number_problem(label, value)) is not None:
            return problem
    if quote.at.tzinfo is None:
        return "time has no UTC offset"
    return None


def split_valid(
    quotes: Iterable[Quote], instrument: Callable[[str], Instrument | None]
) -> tuple[list[Quote], list[tuple[Quote, str]]]:
    """The quotes that may be stored, and the refused ones with their reasons. ``instrument``
    finds the instrument of a registry key (``Registry.find``)."""
    good: list[Quote] = []
    refused: list[tuple[Quote, str]] = []
    for q in quotes:
        inst = instrument(q.instrument) if q.instrument is not None else None
        problem = quote_problem(q, inst)
        if problem is None:
            good.append(q)
        else:
            refused.append((q, problem))
    return good, refused


_NOUNS = {
    InstrumentKind.INDEX: "an index",
    InstrumentKind.FX: "an exchange rate",
    InstrumentKind.CRYPTO: "a crypto-currency",
    InstrumentKind.EQUITY: "a share price",
    InstrumentKind.VOLATILITY: "a volatility index",
}


def _article(kind: InstrumentKind) -> str:
    return _NOUNS.get(kind, f"a {kind}")
