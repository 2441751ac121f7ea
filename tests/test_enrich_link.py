"""Linking to the knowledge base (enrich/link.py): by hand-made entities, then through the
model on passages written for these tests, then on the reference article (skipped without
../shared)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from spacy.language import Language

from marketdesk.enrich import enrich, load_kb
from marketdesk.enrich.link import Clues, link
from marketdesk.extract import extract
from marketdesk.model import Article, Entity, EntityKind, Mention, Page, RawDocument


def entity(n: int, kind: EntityKind, name: str, titles: tuple[str, ...] = ()) -> Entity:
    return Entity(n, kind, name, (Mention(name, 0, len(name), 0),), 1.0, titles=titles)


def person(name: str, *titles: str) -> Entity:
    return entity(0, EntityKind.PERSON, name, titles)


def linked(e: Entity, on: date | None, clues: Clues | None = None) -> Entity:
    return link([e], load_kb(), on, {e.id: clues} if clues else None)[0]


def test_the_role_is_the_one_held_on_the_story_date() -> None:
    kishida = person("Fumio Kishida")
    assert linked(kishida, date(2016, 5, 10)).role == "foreign minister of Japan"
    assert linked(kishida, date(2023, 1, 5)).role == "prime minister of Japan"
    e = linked(kishida, date(2024, 5, 29))
    assert (e.key, e.country) == ("person:fumio-kishida", "JPN")


def test_the_article_title_picks_among_offices_held_the_same_day() -> None:
    xi = linked(person("Xi Jinping", "president"), date(2021, 3, 18))
    assert (xi.role, xi.wikidata) == ("president of China", "Q15031")
    xi = linked(person("Xi Jinping", "general secretary"), date(2021, 3, 18))
    assert xi.role == "general secretary of the Chinese Communist Party"


def test_a_past_office_the_article_names_reads_former() -> None:
    johnson = linked(person("Boris Johnson", "former prime minister"), date(2024, 2, 20))
    assert johnson.role == "former prime minister of the United Kingdom"


def test_a_surname_with_a_title_links_only_where_one_fits() -> None:
    li = linked(person("Li", "premier"), date(2023, 9, 8))
    assert li.key == "person:li-qiang" and li.role == "premier of China"
    li = linked(person("Li", "premier"), date(2019, 5, 13))
    assert li.key == "person:li-keqiang"
    # no title, no country: several Lis hold office that day, so none is chosen
    assert linked(person("Li"), date(2023, 9, 8)).key is None


def test_the_qualifier_country_tells_namesakes_and_peers_apart() -> None:
    clues = Clues(("prime minister",), ("place:jp",))
    wrong = linked(person("Sunak", "prime minister"), date(2023, 2, 1), clues)
    assert wrong.key is None  # "the Japanese prime minister Sunak" is no one the KB knows
    right = linked(person("Sunak", "prime minister"), date(2023, 2, 1))
    assert right.role == "prime minister of the United Kingdom"


def test_unknown_people_keep_their_kind_and_the_article_title() -> None:
    clues = Clues(("head",), (), "head of research at a Tokyo brokerage")
    e = linked(person("Hana Sato", "head"), date(2024, 1, 2), clues)
    assert (e.kind, e.key, e.wikidata) == (EntityKind.PERSON, None, None)
    assert e.role == "head of research at a Tokyo brokerage"


def test_places_and_organisations() -> None:
    kb = load_kb()
    japan = Entity(0, EntityKind.PLACE, "Japan", (), 1.0, key="place:jp")
    boj = Entity(1, EntityKind.ORGANISATION, "Bank of Japan", (), 1.0, key="org:boj")
    party = entity(2, EntityKind.ORGANISATION, "Conservative Party")
    canada = entity(3, EntityKind.PLACE, "Canada")
    j, b, p, _ = link([japan, boj, party, canada], kb, date(2024, 1, 2))
    assert (j.wikidata, j.country) == ("Q17", "JPN")
    assert (b.key, b.country) == ("org:boj", "JPN")
    assert p.key == "org:conservative-party-ca"  # the Canadian one: the article names Canada
    alone = link([party], kb, date(2024, 1, 2))[0]
    assert alone.key is None  # British or Canadian: left unlinked


def test_a_city_gives_the_place_its_country() -> None:
    kb = load_kb()
    tokyo, shanghai, dc, nowhere = link(
        [
            entity(0, EntityKind.PLACE, "Tokyo"),  # a capital, from Japan's line
            entity(1, EntityKind.PLACE, "Shanghai"),  # a city line
            entity(2, EntityKind.PLACE, "Washington, D.C."),  # a city line's alias
            entity(3, EntityKind.PLACE, "Springfield"),
        ],
        kb,
        date(2024, 1, 2),
    )
    assert (tokyo.key, tokyo.country, tokyo.wikidata) == ("city:tokyo", "JPN", None)
    assert (shanghai.key, shanghai.country) == ("city:shanghai", "CHN")
    assert (dc.key, dc.country) == ("city:washington", "USA")
    assert (nowhere.key, nowhere.country) == (None, None)  # unknown: stays, unlinked


def test_a_city_name_of_two_countries_takes_the_one_the_article_names() -> None:
    from marketdesk.enrich.kb import parse

    rows = [
        {"type": "country", "alpha2": "GB", "alpha3": "GBR", "name": "United Kingdom",
         "aliases": [], "demonyms": [], "capital": "London", "wikidata": None},
        {"type": "country", "alpha2": "AU", "alpha3": "AUS", "name": "Australia",
         "aliases": [], "demonyms": [], "capital": "Canberra", "wikidata": None},
        {"type": "city", "id": "city:perth-au", "name": "Perth", "aliases": [],
         "country": "AUS", "wikidata": None},
        {"type": "city", "id": "city:perth-gb", "name": "Perth", "aliases": [],
         "country": "GBR", "wikidata": None},
    ]  # fmt: skip
    kb = parse([json.dumps(r) for r in rows], "two-perths")
    perth = entity(0, EntityKind.PLACE, "Perth")
    australia = Entity(1, EntityKind.PLACE, "Australia", (), 1.0, key="place:au")
    assert link([perth], kb)[0].country is None  # which Perth: unknown
    assert link([perth, australia], kb)[0].key == "city:perth-au"


def test_without_a_date_only_the_article_title_decides() -> None:
    assert linked(person("Fumio Kishida", "foreign minister"), None).role == (
        "foreign minister of Japan"
    )
    assert linked(person("Fumio Kishida"), None).role is None


# -- through the model ---------------------------------------------------------------------------


def page(text: str, published: datetime | None = None) -> Page:
    return Page("test", "text", Article(None, (text,), published=published))


def people(nlp: Language, text: str, **kw: object) -> dict[str, Entity]:
    found = enrich(page(text), nlp, **kw).entities  # type: ignore[arg-type]
    return {e.name: e for e in found if e.kind is EntityKind.PERSON}


def test_the_british_prime_minister_changes_with_the_date(nlp: Language) -> None:
    text = "British Prime Minister Theresa May said on Tuesday that talks would go on."
    may = people(nlp, text, date=date(2018, 3, 6))["Theresa May"]
    assert (may.role, may.wikidata) == ("prime minister of the United Kingdom", "Q264766")
    later = people(nlp, text, date=date(2020, 3, 6))["Theresa May"]
    assert later.role == "former prime minister of the United Kingdom"


def test_the_published_date_beats_the_given_one(nlp: Language) -> None:
    text = "Chrystia Freeland said on Wednesday that the trade talks would go on."
    published = datetime(2018, 1, 10, tzinfo=UTC)
    found = enrich(page(text, published), nlp, date=date(2021, 4, 19)).entities
    freeland = next(e for e in found if e.name == "Chrystia Freeland")
    assert freeland.role == "foreign minister of Canada"  # in 2021 she was finance minister


def test_a_full_title_is_kept_for_someone_the_kb_does_not_know(nlp: Language) -> None:
    text = (
        "Tomas Verhoeven, head of the trade department of the Dutch Chamber of Commerce, "
        "said exporters were worried."
    )
    e = people(nlp, text, date=date(2024, 1, 2))["Tomas Verhoeven"]
    assert e.key is None
    assert e.role == "head of the trade department of the Dutch Chamber of Commerce"


# -- the reference article -----------------------------------------------------------------------


REFERENCE_ROLES = {
    "Fumio Kishida": "prime minister of Japan",
    "Liu Jianchao": "head of the International Department of the Central Committee of the "
    "Chinese Communist Party",
    "Li Qiang": "premier of China",
    "Yoon Suk-yeol": "president of South Korea",
    "Xi Jinping": "president of China",
    "Yoko Kamikawa": "foreign minister of Japan",
    "Kenta Izumi": "leader of the Constitutional Democratic Party of Japan",
    "Mizuho Fukushima": "leader of the Social Democratic Party",
}


def test_reference_article_people_with_their_roles(nlp: Language, reference_page: Path) -> None:
    raw = RawDocument("reference", reference_page.read_bytes(), media_type="text/plain")
    found = enrich(extract(raw, "text"), nlp, date=date(2024, 5, 29)).entities
    roles = {e.name: e.role for e in found if e.kind is EntityKind.PERSON and e.key}
    assert {name: roles.get(name) for name in REFERENCE_ROLES} == REFERENCE_ROLES
    xi = next(e for e in found if e.name == "Xi Jinping")
    assert (xi.wikidata, xi.country) == ("Q15031", "CHN")
