"""The resolution rules as pure functions, on hand-made candidates: no spaCy in the way."""

from __future__ import annotations

from marketdesk.enrich.candidate import Candidate
from marketdesk.enrich.resolve import Layout, resolve
from marketdesk.enrich.vocab import acronyms, core_words, gazetteer, is_acronym, title_of
from marketdesk.model import EntityKind

PERSON, ORG, PLACE = EntityKind.PERSON, EntityKind.ORGANISATION, EntityKind.PLACE


def cand(text: str, at: int, kind: EntityKind, **kw: object) -> Candidate:
    return Candidate(start=at, end=at + len(text), text=text, kind=kind, sentence=0, **kw)  # type: ignore[arg-type]


def test_name_helpers() -> None:
    assert {"BOJ", "BJ"} == acronyms("Bank of Japan")
    assert "SEC" in acronyms("Securities and Exchange Commission")
    assert core_words("Toyota Motor Corp.") == ["toyota", "motor"]
    assert core_words("Salon.com") == ["salon"]
    assert is_acronym("U.S.") and is_acronym("PBoC") and not is_acronym("Reuters")
    assert title_of(["Chief", "Executive", "Officer"]) == "chief executive"
    assert (
        title_of(["Chairman"]) == "chair"
        and title_of(["Defense", "Minister"]) == "defence minister"
    )


def test_gazetteer_is_consistent() -> None:
    gaz = gazetteer()
    assert gaz.by_name["Fed"].key == "org:federal-reserve"
    assert gaz.by_name["Japanese"].name == "Japan" and gaz.by_name["Japanese"].kind == "place"
    assert "Goldman" in gaz.short and "Goldman" not in gaz.by_name
    assert "S&P 500" in gaz.not_entities and "UTC" in gaz.not_entities
    keys = [k.key for k, _ in gaz.organisations]
    assert len(keys) == len(set(keys))


def test_surnames_join_the_nearest_full_name() -> None:
    cands = [
        cand("Anna Kim", 0, PERSON),
        cand("Kim", 20, PERSON),
        cand("Joon Kim", 40, PERSON),
        cand("Kim", 60, PERSON),
    ]
    anna, joon = resolve(cands, Layout(0, 0))
    assert [m.start for m in anna.mentions] == [0, 20]
    assert [m.start for m in joon.mentions] == [40, 60]


def test_a_place_named_like_a_persons_surname_is_that_person() -> None:
    cands = [cand("Yoko Kamikawa", 0, PERSON), cand("Kamikawa", 30, PLACE)]
    (kamikawa,) = resolve(cands, Layout(0, 0))
    assert kamikawa.kind is PERSON and kamikawa.count == 2


def test_a_name_the_gazetteer_settles_keeps_its_kind() -> None:
    cands = [cand("Georgia Meloni", 0, PERSON), cand("Japan", 30, PLACE, key="place:jp", firm=True)]
    _, japan = resolve(cands, Layout(0, 0))
    assert japan.kind is PLACE


def test_title_reference_with_a_qualifier() -> None:
    cands = [
        cand("Chinese", 0, PLACE, key="place:cn", canonical="China", firm=True),
        cand("Xi Jinping", 18, PERSON, titles=("president",), qualifiers=(0,)),
        cand("French", 40, PLACE, key="place:fr", canonical="France", firm=True),
        cand("Emmanuel Macron", 57, PERSON, titles=("president",), qualifiers=(2,)),
        cand("Chinese", 90, PLACE, key="place:cn", canonical="China", firm=True),
        cand("president", 98, PERSON, titles=("president",), qualifiers=(4,), by_title=True),
    ]
    entities = {e.name: e for e in resolve(cands, Layout(0, 0))}
    assert [m.text for m in entities["Xi Jinping"].mentions] == ["Xi Jinping", "president"]
    assert entities["China"].count == 2


def test_an_unresolved_reference_is_left_out() -> None:
    cands = [
        cand("Ann Lee", 0, PERSON),
        cand("chancellor", 20, PERSON, titles=("chancellor",), by_title=True),
    ]
    (lee,) = resolve(cands, Layout(0, 0))
    assert lee.count == 1


def test_headline_offsets_and_weights() -> None:
    cands = [cand("Fed", 0, ORG, key="org:federal-reserve", canonical="Federal Reserve", firm=True),
             cand("Federal Reserve", 12, ORG, key="org:federal-reserve", firm=True),
             cand("Canada", 40, PLACE, key="place:ca", canonical="Canada", firm=True)]  # fmt: skip
    fed, canada = resolve(cands, Layout(body_start=10, body_sentence=1))
    assert fed.name == "Federal Reserve"
    assert [(m.part, m.start) for m in fed.mentions] == [("title", 0), ("text", 2)]
    assert fed.salience > canada.salience and abs(fed.salience + canada.salience - 1) < 1e-3
