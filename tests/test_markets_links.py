"""Instrument links (markets/links.py): countries, companies and topics to the registry's
instruments."""

from __future__ import annotations

from marketdesk.enrich import load_kb
from marketdesk.markets.links import (
    COMPANY_MARKETS,
    COUNTRY_MARKETS,
    PAIR_MARKETS,
    TOPIC_MARKETS,
    instrument_links,
)
from marketdesk.markets.registry import Registry
from marketdesk.model import InstrumentKind, TopicTag

REGISTRY = Registry.bundled()


def test_japan_and_china_lead_to_their_indexes_and_currencies() -> None:
    links = instrument_links(REGISTRY, [("JPN", "Japan", 0.2), ("CHN", "China", 0.3)])
    keys = [link.key for link in links]
    assert {"nikkei225", "usdjpy", "hang_seng", "shanghai"} <= set(keys)
    assert links[0].key == "shanghai" and links[0].relevance == 1.0  # the most-named country
    nikkei = next(link for link in links if link.key == "nikkei225")
    assert nikkei.symbol == "^N225" and nikkei.reason == "Japan is named in the story"
    assert round(nikkei.relevance, 3) == round(0.2 / 0.3, 3)
    assert [link.relevance for link in links] == sorted((x.relevance for x in links), reverse=True)


def test_a_topic_leads_to_its_markets_and_reasons_are_joined() -> None:
    energy = TopicTag("energy", "Energy", 1.0)
    links = instrument_links(REGISTRY, [("USA", "United States", 0.5)], [energy])
    wti = next(link for link in links if link.key == "wti")
    assert wti.reason == "the story is about Energy" and wti.relevance == 0.8
    assert instrument_links(REGISTRY, [], []) == ()
    assert instrument_links(REGISTRY, [("ATA", "Antarctica", 1.0)]) == ()  # no market there


def test_every_listed_instrument_is_in_the_registry() -> None:
    pairs = (keys for _, keys in PAIR_MARKETS.values())
    for keys in (*COUNTRY_MARKETS.values(), *TOPIC_MARKETS.values(), *pairs):
        for key in keys:
            assert REGISTRY.find(key) is not None, key
    companies = {o.id: o for o in load_kb().organisations}
    for company, key in COMPANY_MARKETS.items():
        inst = REGISTRY.find(key)
        assert inst is not None and inst.kind is InstrumentKind.EQUITY, key
        assert company in companies and companies[company].listings, company


def test_a_company_named_leads_to_its_shares() -> None:
    links = instrument_links(
        REGISTRY, [("JPN", "Japan", 0.1)], [], [("company:toyota", "Toyota Motor", 0.4)]
    )
    assert [(x.key, x.relevance) for x in links[:2]] == [("toyota", 1.0), ("nikkei225", 0.25)]
    assert links[0].symbol == "7203.T" and links[0].reason == "Toyota Motor is named"
    # a company the registry has no shares of leads nowhere
    assert instrument_links(REGISTRY, [], [], [("company:bhp", "BHP", 0.4)]) == ()


def test_export_controls_on_technology_lead_to_the_chip_equipment_makers() -> None:
    sanctions = TopicTag("sanctions", "Sanctions and export controls", 0.5)
    tech = TopicTag("technology", "Technology and semiconductors", 1.0)
    links = instrument_links(REGISTRY, [], [sanctions, tech])
    assert {x.key for x in links} == {"asml", "tokyo_electron", "amat", "lrcx", "klac"}
    assert {x.relevance for x in links} == {0.4}  # the lesser topic's, times 0.8
    assert links[0].reason.startswith("the chip-equipment makers: the story is about")
    assert instrument_links(REGISTRY, [], [tech]) == ()  # technology alone: no industry
