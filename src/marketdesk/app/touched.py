"""The instruments a story touches: its annotations' countries and topics through the
registry (markets/links.py). Worked out when an article is enriched, and stored with its
annotations so that stories can be found by an instrument, and again for a page on show."""

from __future__ import annotations

from dataclasses import replace

from marketdesk.markets.links import InstrumentLink, instrument_links
from marketdesk.markets.registry import Registry
from marketdesk.model import Annotations, EntityKind, InstrumentRef

__all__ = ["touched", "with_instruments"]


def touched(registry: Registry, annotations: Annotations) -> tuple[InstrumentLink, ...]:
    """The registry's instruments a story touches, most relevant first."""
    from marketdesk.enrich import known  # spaCy is loaded already where annotations are

    named: dict[str, tuple[str, str, float]] = {}
    for e in annotations.entities:
        facts = known(e.key) if e.kind is EntityKind.PLACE and e.key else None
        if facts is not None and facts.alpha3:
            was = named.get(facts.alpha3)
            salience = e.salience + (was[2] if was else 0.0)  # "Japan" and "Japanese"
            named[facts.alpha3] = (facts.alpha3, facts.name, salience)
    return instrument_links(registry, list(named.values()), annotations.topics)


def with_instruments(registry: Registry, annotations: Annotations) -> Annotations:
    """The annotations with the instruments they touch (Annotations.instruments)."""
    refs = tuple(
        InstrumentRef(link.key, link.relevance, link.reason)
        for link in touched(registry, annotations)
    )
    return replace(annotations, instruments=refs)
