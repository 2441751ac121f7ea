"""The reference page of ../shared: extracted by marketdesk, then enriched. Each person the
article names is one entity with every mention of them (nothing in enrich/ knows this page)."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language

from marketdesk.enrich import enrich
from marketdesk.extract import extract
from marketdesk.model import Entity, EntityKind, RawDocument

pytestmark = pytest.mark.shared


@pytest.fixture
def people(reference_page: Path, nlp: Language) -> dict[str, Entity]:
    page = extract(RawDocument(source=str(reference_page), content=reference_page.read_bytes()))
    return {e.name: e for e in enrich(page, nlp).entities if e.kind is EntityKind.PERSON}


@pytest.mark.parametrize(
    ("name", "least", "forms"),
    [
        ("Fumio Kishida", 8, {"Fumio Kishida", "Kishida"}),
        ("Liu Jianchao", 6, {"Liu Jianchao", "Liu"}),
        ("Yoko Kamikawa", 2, {"Yoko Kamikawa", "Kamikawa"}),
        ("Kenta Izumi", 1, {"Kenta Izumi"}),
        ("Mizuho Fukushima", 1, {"Mizuho Fukushima"}),
        ("Li Qiang", 3, {"Li Qiang", "Li"}),
        ("Xi Jinping", 2, {"Xi Jinping", "Xi"}),
    ],
)
def test_each_person_is_one_entity(
    people: dict[str, Entity], name: str, least: int, forms: set[str]
) -> None:
    entity = people[name]
    assert entity.count >= least and {m.text for m in entity.mentions} == forms
    # No other entity holds a mention of them.
    others = [e for e in people.values() if e is not entity]
    assert not any(m.text in forms - {"Li"} for e in others for m in e.mentions)


def test_titles_and_the_headline(people: dict[str, Entity]) -> None:
    assert people["Fumio Kishida"].titles == ("prime minister",)
    assert people["Fumio Kishida"].mentions[0].part == "title"
    assert people["Yoko Kamikawa"].titles == ("foreign minister",)
    assert people["Xi Jinping"].titles == ("president",)
    assert people["Li Qiang"].titles == ("premier",)
    # "Liu's office" is Liu Jianchao's.
    assert any(m.text == "Liu" for m in people["Liu Jianchao"].mentions)
    assert "Fukushima" not in people  # the nuclear plant is a place, not her
