"""Instrument links (markets/links.py): countries and topics to the registry's instruments."""

from __future__ import annotations

from marketdesk.markets.links import COUNTRY_MARKETS, TOPIC_MARKETS, instrument_links
from marketdesk.markets.registry import Registry
from marketdesk.model import TopicTag

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
    for keys in (*COUNTRY_MARKETS.values(), *TOPIC_MARKETS.values()):
        for key in keys:
            assert REGISTRY.find(key) is not None, key
