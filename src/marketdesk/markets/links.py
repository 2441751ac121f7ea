"""Instrument links: the markets a story touches, from the countries it names and its topics.

Pure: a story's countries (ISO 3166-1 alpha-3, with how much the story is about each) and
topics in, the registry's instruments out, each with a reason and a relevance from 0 to 1.

- A country leads to its main stock indexes and its currency against the dollar (COUNTRY_MARKETS,
  written from the registry: only instruments it has). China leads to the mainland index and to
  Hong Kong's, where most of its large companies are listed.
- A topic leads to the markets that trade it (TOPIC_MARKETS): energy to crude and gas, crypto to
  bitcoin and ether, metals to gold and silver.

Relevance: a country's share of the most-named country (1.0 for the main one), times 0.9 for
each later instrument of its list; a topic's relevance times 0.8. An instrument reached twice
keeps the higher relevance and both reasons. Instruments the registry lacks (the semiconductor
equipment makers of an export-control story, a fisheries exporter) are not invented: they are
left out until the registry has them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from marketdesk.markets.registry import Registry
from marketdesk.model import TopicTag

__all__ = [
    "COUNTRY_MARKETS",
    "TOPIC_MARKETS",
    "InstrumentLink",
    "instrument_link",
    "instrument_links",
]

COUNTRY_MARKETS: dict[str, tuple[str, ...]] = {
    "USA": ("sp500", "dji", "nasdaq", "us10y", "dxy"),
    "CAN": ("tsx", "usdcad"),
    "GBR": ("ftse100", "gbpusd"),
    "DEU": ("dax", "eurusd"),
    "FRA": ("cac40", "eurusd"),
    "ITA": ("ftsemib", "eurusd"),
    "ESP": ("ibex35", "eurusd"),
    "NLD": ("aex", "eurusd"),
    "CHE": ("smi", "usdchf"),
    "JPN": ("nikkei225", "usdjpy"),
    "CHN": ("shanghai", "hang_seng_china", "hang_seng", "usdcny"),
    "HKG": ("hang_seng", "usdhkd"),
    "KOR": ("kospi",),
    "IND": ("sensex", "nifty50", "usdinr"),
    "AUS": ("asx200", "audusd"),
}
TOPIC_MARKETS: dict[str, tuple[str, ...]] = {
    "energy": ("wti", "brent", "natural_gas"),
    "crypto": ("btcusd", "ethusd"),
    "commodities": ("gold", "silver"),
}
_LATER = 0.9  # each later instrument of a country's list
_TOPIC = 0.8  # a topic's link against a country's


@dataclass(frozen=True, slots=True)
class InstrumentLink:
    key: str  # the registry's key
    name: str
    symbol: str | None  # the Yahoo symbol, else the first provider's, else None
    reason: str
    relevance: float


def instrument_links(
    registry: Registry,
    countries: Sequence[tuple[str, str, float]],
    topics: Sequence[TopicTag] = (),
) -> tuple[InstrumentLink, ...]:
    """Links for a story naming ``countries`` ((alpha-3 code, name, salience), any order)
    about ``topics``; most relevant first, then by key."""
    found: dict[str, tuple[float, list[str]]] = {}

    def add(key: str, relevance: float, reason: str) -> None:
        if registry.find(key) is None:
            return
        best, reasons = found.get(key, (0.0, []))
        if reason not in reasons:
            reasons.append(reason)
        found[key] = (max(best, relevance), reasons)

    top = max((s for _, _, s in countries), default=0.0)
    for code, name, salience in countries:
        share = salience / top if top > 0 else 0.0
        for n, key in enumerate(COUNTRY_MARKETS.get(code, ())):
            add(key, share * _LATER**n, f"{name} is named in the story")
    for topic in topics:
        for n, key in enumerate(TOPIC_MARKETS.get(topic.code, ())):
            add(key, topic.relevance * _TOPIC * _LATER**n, f"the story is about {topic.label}")
    links = (
        instrument_link(registry, key, round(relevance, 3), "; ".join(reasons))
        for key, (relevance, reasons) in found.items()
    )
    return tuple(
        sorted((link for link in links if link), key=lambda link: (-link.relevance, link.key))
    )


def instrument_link(
    registry: Registry, key: str, relevance: float, reason: str
) -> InstrumentLink | None:
    """The link to the registry's instrument ``key`` (None: the registry has no such
    instrument, such as one a user edition dropped since the story was stored)."""
    instrument = registry.find(key)
    if instrument is None:
        return None
    symbols = dict(instrument.symbols)
    symbol = symbols.get("yahoo") or next(iter(symbols.values()), None)
    return InstrumentLink(key, instrument.name, symbol, reason, relevance)
