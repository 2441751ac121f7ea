"""What a story touches, worked out from its annotations once, when it is enriched, and stored
with them: the countries it names (ISO 3166-1 alpha-3), each entity's Wikidata item where the
gazetteer knows one, and the registry's instruments (markets/links.py) through its countries,
companies and topics, so that stories can be found by an instrument.

A page on show reads these back (``shown``) and so needs neither spaCy nor the gazetteer;
annotations stored before countries were kept (``Annotations.countries`` is None) are worked
out again on show, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from marketdesk.markets.links import (
    COMPANY_MARKETS,
    InstrumentLink,
    instrument_link,
    instrument_links,
)
from marketdesk.markets.registry import Registry
from marketdesk.model import Annotations, Entity, EntityKind, InstrumentRef

__all__ = [
    "InstrumentLink",
    "Shown",
    "countries",
    "shown",
    "touched",
    "wikidata_ids",
    "with_instruments",
]

# What a story page shows besides the annotations: Wikidata items by gazetteer key, the
# countries, and the instruments touched.
Shown = tuple[dict[str, str], tuple[str, ...], tuple[InstrumentLink, ...]]


def touched(registry: Registry, annotations: Annotations) -> tuple[InstrumentLink, ...]:
    """The registry's instruments a story touches, most relevant first."""
    from marketdesk.enrich import known  # spaCy is loaded already where annotations are

    named: dict[str, tuple[str, str, float]] = {}
    companies: dict[str, tuple[str, str, float]] = {}
    for e in annotations.entities:
        if e.kind is EntityKind.ORGANISATION and e.key in COMPANY_MARKETS:
            was = companies.get(e.key)
            companies[e.key] = (e.key, e.name, e.salience + (was[2] if was else 0.0))
        facts = known(e.key) if e.kind is EntityKind.PLACE and e.key else None
        if facts is not None and facts.alpha3:
            was = named.get(facts.alpha3)
            salience = e.salience + (was[2] if was else 0.0)  # "Japan" and "Japanese"
            named[facts.alpha3] = (facts.alpha3, facts.name, salience)
    return instrument_links(
        registry, list(named.values()), annotations.topics, list(companies.values())
    )


def wikidata_ids(entities: Iterable[Entity]) -> dict[str, str]:
    """The Wikidata item of each entity whose gazetteer key has one, by that key."""
    from marketdesk.enrich import known

    out: dict[str, str] = {}
    for e in entities:
        facts = known(e.key) if e.key else None
        if facts is not None and facts.wikidata:
            out[facts.key] = facts.wikidata
    return out


def countries(entities: Iterable[Entity]) -> tuple[str, ...]:
    """The ISO 3166-1 alpha-3 codes of the places that are countries (those the gazetteer
    gives a code), most salient first, the first mentioned first among equals; then those of
    the cities named (linked to the knowledge base's cities) that no country mention gave."""
    from marketdesk.enrich import known

    ranked = sorted(
        (e for e in entities if e.kind is EntityKind.PLACE and e.key), key=lambda e: -e.salience
    )
    codes: dict[str, None] = {}  # ordered and unique
    for e in ranked:
        facts = known(e.key) if e.key else None
        if facts is not None and facts.alpha3:
            codes.setdefault(facts.alpha3)
    for e in ranked:  # then the countries of the cities it names ("Shanghai": CHN)
        if e.country and e.key and e.key.startswith("city:"):
            codes.setdefault(e.country)
    return tuple(codes)


def with_instruments(registry: Registry, annotations: Annotations) -> Annotations:
    """The annotations as they are stored: with the instruments they touch, their countries,
    and the gazetteer's Wikidata item on each entity that has none from the knowledge base."""
    refs = tuple(
        InstrumentRef(link.key, link.relevance, link.reason)
        for link in touched(registry, annotations)
    )
    ids = wikidata_ids(annotations.entities)
    entities = tuple(
        replace(e, wikidata=ids[e.key]) if e.wikidata is None and e.key in ids else e
        for e in annotations.entities
    )
    return replace(
        annotations,
        entities=entities,
        instruments=refs,
        countries=countries(annotations.entities),
    )


def shown(registry: Registry, annotations: Annotations) -> Shown:
    """What a page shows of a stored story's countries, Wikidata items and instruments: read
    from the annotations where they were stored, else worked out as ``analyze`` does."""
    if annotations.countries is None:  # stored before countries were kept
        return (
            wikidata_ids(annotations.entities),
            countries(annotations.entities),
            touched(registry, annotations),
        )
    links = (
        instrument_link(registry, r.key, r.relevance, r.reason) for r in annotations.instruments
    )
    return {}, annotations.countries, tuple(link for link in links if link is not None)
