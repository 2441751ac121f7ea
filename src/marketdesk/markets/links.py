"""Instrument links: the markets a story touches, from the countries and companies it names
and its topics.

Pure: a story's countries (ISO 3166-1 alpha-3, with how much the story is about each), the
companies it names (knowledge-base ids, with the same weight) and its topics in, the registry's
instruments out, each with a reason and a relevance from 0 to 1.

- A country leads to its main stock indexes and its currency against the dollar (COUNTRY_MARKETS,
  written from the registry: only instruments it has). China leads to the mainland index and to
  Hong Kong's, where most of its large companies are listed.
- A company of the knowledge base leads to its shares where the registry lists them
  (COMPANY_MARKETS: Toyota Motor to 7203.T).
- A topic leads to the markets that trade it (TOPIC_MARKETS): energy to crude and gas, crypto to
  bitcoin and ether, metals to gold and silver. Two topics together lead to an industry's
  shares (PAIR_MARKETS): export controls on technology to the chip-equipment makers.

Relevance: a country's or a company's share of the most-named country or company (1.0 for
the main one), times 0.9 for each later instrument of a country's list; a
topic's relevance times 0.8 (for a pair, the lesser of the two). An instrument reached twice
keeps the higher relevance and both reasons. Instruments the registry lacks (a fisheries
exporter) are not invented: they are left out until the registry has them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from marketdesk.markets.registry import Registry
from marketdesk.model import TopicTag

__all__ = [
    "COMPANY_MARKETS",
    "COUNTRY_MARKETS",
    "PAIR_MARKETS",
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
# Knowledge-base company id -> the registry's key of its main listing.
COMPANY_MARKETS: dict[str, str] = {
    "company:apple": "aapl",
    "company:microsoft": "msft",
    "company:nvidia": "nvda",
    "company:alphabet": "googl",
    "company:amazon": "amzn",
    "company:meta": "meta",
    "company:tesla": "tsla",
    "company:applied-materials": "amat",
    "company:lam-research": "lrcx",
    "company:kla": "klac",
    "company:asml": "asml",
    "company:tokyo-electron": "tokyo_electron",
    "company:tsmc": "tsmc",
    "company:samsung-electronics": "samsung_electronics",
    "company:toyota": "toyota",
    "company:sony": "sony",
}
# Two topics of one story -> an industry's shares, and what the reason calls them.
PAIR_MARKETS: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("sanctions", "technology"): (
        "the chip-equipment makers",
        ("asml", "tokyo_electron", "amat", "lrcx", "klac"),
    ),
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
    companies: Sequence[tuple[str, str, float]] = (),
) -> tuple[InstrumentLink, ...]:
    """Links for a story naming ``countries`` ((alpha-3 code, name, salience), any order) and
    ``companies`` ((knowledge-base id, name, salience)) about ``topics``; most relevant first,
    then by key."""
    found: dict[str, tuple[float, list[str]]] = {}

    def add(key: str, relevance: float, reason: str) -> None:
        if registry.find(key) is None:
            return
        best, reasons = found.get(key, (0.0, []))
        if reason not in reasons:
            reasons.append(reason)
        found[key] = (max(best, relevance), reasons)

    top = max((s for _, _, s in (*countries, *companies)), default=0.0)
    for code, name, salience in countries:
        share = salience / top if top > 0 else 0.0
        for n, key in enumerate(COUNTRY_MARKETS.get(code, ())):
            add(key, share * _LATER**n, f"{name} is named in the story")
    for company, name, salience in companies:
        if company in COMPANY_MARKETS:
            add(COMPANY_MARKETS[company], salience / top if top > 0 else 0.0, f"{name} is named")
    for topic in topics:
        for n, key in enumerate(TOPIC_MARKETS.get(topic.code, ())):
            add(key, topic.relevance * _TOPIC * _LATER**n, f"the story is about {topic.label}")
    by_code = {t.code: t for t in topics}
    for (first, second), (industry, keys) in PAIR_MARKETS.items():
        if first in by_code and second in by_code:
            a, b = by_code[first], by_code[second]
            reason = f"{industry}: the story is about {a.label} and {b.label}"
            for key in keys:
                add(key, min(a.relevance, b.relevance) * _TOPIC, reason)
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
