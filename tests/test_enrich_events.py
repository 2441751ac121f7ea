"""Events as PLOVER records (enrich/events.py) on passages written for these tests, through the
model and on hand-made entities; the reference page's six meetings where ../shared is present;
storage, ``analyze --date`` and the story page."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from spacy.language import Language

from marketdesk.app.ingest import store_document
from marketdesk.cli import main
from marketdesk.cli.output import Console
from marketdesk.enrich import enrich
from marketdesk.enrich.events import LEXICON_TYPES, events, sentences
from marketdesk.extract import extract
from marketdesk.model import (
    Annotations,
    Article,
    Entity,
    EntityKind,
    Event,
    Mention,
    Page,
    RawDocument,
)
from marketdesk.store import annotations_json
from marketdesk.web.app import create_app
from support import make_desk

WED = date(2024, 5, 29)
PAGE = Path(__file__).parent / "fixtures" / "events" / "ottawa-talks.txt"


def read(nlp: Language, text: str, anchor: date | None = WED) -> tuple[Event, ...]:
    page = Page("test", "text", Article(title=None, paragraphs=tuple(text.split("\n\n"))))
    return enrich(page, nlp, date=anchor).events


def brief(e: Event) -> tuple[str, str, str | None, str | None]:
    return (e.type, e.actor.name, e.recipient.name if e.recipient else None, e.date)


# -- through the model ------------------------------------------------------------------------


def test_a_meeting_with_its_place_date_and_countries(nlp: Language) -> None:
    (e,) = read(
        nlp, "German Chancellor Olaf Scholz met Chinese Premier Li Qiang in Beijing on Tuesday."
    )
    assert brief(e) == ("CONSULT", "Olaf Scholz", "Li Qiang", "2024-05-28")
    assert (e.actor.country, e.recipient and e.recipient.country) == ("DEU", "CHN")
    assert e.location is not None and e.location.name == "Beijing"
    assert e.location.country == "CHN"  # a capital of the knowledge base: its country's
    assert (e.date_text, e.cue, e.sentence) == ("on Tuesday", "met", 0)


def test_passive_voice(nlp: Language) -> None:
    (e,) = read(
        nlp,
        "Indian Prime Minister Narendra Modi was met by French President Emmanuel Macron in "
        "Paris on Friday.",
    )
    assert brief(e) == ("CONSULT", "Emmanuel Macron", "Narendra Modi", "2024-05-24")
    assert (e.actor.country, e.recipient and e.recipient.country) == ("FRA", "IND")


def test_a_noun_form_opening_the_sentence(nlp: Language) -> None:
    found = read(
        nlp,
        "At Monday's bilateral meeting with Rishi Sunak, Australian Prime Minister Anthony "
        "Albanese urged Britain to speed up the trade deal.",
    )
    meeting = next(e for e in found if e.type == "CONSULT")
    assert brief(meeting) == ("CONSULT", "Anthony Albanese", "Rishi Sunak", "2024-05-27")
    assert meeting.date_text == "Monday's" and meeting.actor.country == "AUS"
    demand = next(e for e in found if e.type == "DEMAND")
    assert brief(demand) == ("DEMAND", "Anthony Albanese", "United Kingdom", "2024-05-27")


def test_two_recipients_make_two_records(nlp: Language) -> None:
    found = read(
        nlp,
        "Brazilian President Luiz Inacio Lula da Silva held talks on Thursday with Argentine "
        "President Javier Milei and Chilean President Gabriel Boric.",
    )
    assert [brief(e) for e in found] == [
        ("CONSULT", "Luiz Inacio Lula da Silva", "Javier Milei", "2024-05-23"),
        ("CONSULT", "Luiz Inacio Lula da Silva", "Gabriel Boric", "2024-05-23"),
    ]
    assert [e.recipient and e.recipient.country for e in found] == ["ARG", "CHL"]


def test_several_types(nlp: Language) -> None:
    text = (
        "The United States imposed sanctions on Russia on Monday.\n\n"
        "Canada sanctioned three Iranian banks last week.\n\n"
        "China accused Japan of provoking tensions on Sunday.\n\n"
        "Japan and South Korea agreed on Wednesday to resume the currency swap.\n\n"
        "Iran threatened Israel with retaliation yesterday."
    )
    assert [brief(e) for e in read(nlp, text)] == [
        ("SANCTION", "United States", "Russia", "2024-05-27"),
        ("SANCTION", "Canada", "Iran", "2024-W21"),
        ("ACCUSE", "China", "Japan", "2024-05-26"),
        ("AGREE", "Japan", "South Korea", "2024-05-29"),
        ("THREATEN", "Iran", "Israel", "2024-05-28"),
    ]


def test_modes(nlp: Language) -> None:
    (phone,) = read(
        nlp,
        "Turkish President Recep Tayyip Erdogan spoke by phone with Ukrainian President "
        "Volodymyr Zelensky on Saturday.",
    )
    assert (phone.mode, phone.recipient and phone.recipient.name) == ("phone", "Volodymyr Zelensky")
    # PLOVER codes the visitor as the actor of a visit: the host is the recipient.
    (hosted,) = read(nlp, "Vietnam hosted Philippine President Ferdinand Marcos on Tuesday.")
    assert brief(hosted) == ("CONSULT", "Ferdinand Marcos", "Vietnam", "2024-05-28")
    assert hosted.mode == "visit"


def test_a_pair_and_a_description_named_in_the_next_sentence(nlp: Language) -> None:
    (pair,) = read(nlp, "The US-China trade talks were held in Geneva last month.")
    assert brief(pair) == ("CONSULT", "United States", "China", "2024-04")
    assert pair.location is not None and pair.location.name == "Geneva"
    found = read(
        nlp,
        "Norway's finance minister met a senior Saudi official in Oslo on Friday. Khalid "
        "al-Falih, the Saudi investment minister, said the talks went well.",
    )
    (meeting,) = [e for e in found if e.type == "CONSULT"]
    assert meeting.recipient is not None
    assert (meeting.recipient.name, meeting.recipient.country) == ("Khalid al-Falih", "SAU")


def test_without_an_anchor_the_date_text_stays(nlp: Language) -> None:
    (e,) = read(
        nlp,
        "Kenyan President William Ruto met Tanzanian President Samia Suluhu Hassan in Nairobi "
        "on Monday.",
        anchor=None,
    )
    assert brief(e) == ("CONSULT", "William Ruto", "Samia Suluhu Hassan", None)
    assert e.date_text == "on Monday"


def test_quotes_and_negations_are_not_events(nlp: Language) -> None:
    text = (
        "Spanish Prime Minister Pedro Sanchez did not meet Moroccan King Mohammed VI.\n\n"
        '"We will sanction Italy soon," Sanchez said.'
    )
    assert read(nlp, text) == ()


def test_the_page_date_is_the_anchor(nlp: Language) -> None:
    page = extract(RawDocument(source=PAGE.name, content=PAGE.read_bytes()))
    assert page.article.published is not None
    found = enrich(page, nlp, date=date(2000, 1, 1)).events  # the page's own date wins
    assert [(brief(e), e.mode) for e in found] == [
        (("CONSULT", "Justin Trudeau", "Andres Manuel Lopez Obrador", "2024-05-28"), None),
        (("CONSULT", "Justin Trudeau", "Joe Biden", "2024-05-27"), "phone"),
    ]


# -- on hand-made entities (no model) ---------------------------------------------------------


def entity(ident: int, kind: EntityKind, name: str, text: str, *forms: str) -> Entity:
    mentions = []
    for form in forms or (name,):
        at = text.index(form)
        mentions.append(Mention(form, at, at + len(form), 0))
    return Entity(ident, kind, name, tuple(mentions), 0.1)


def test_rules_on_stored_data() -> None:
    text = "Acme Corp sued Globex in Delaware on 3 June 2021. Globex was blacklisted by Acme Corp."
    ents = [
        entity(0, EntityKind.ORGANISATION, "Acme Corp", text),
        entity(1, EntityKind.ORGANISATION, "Globex", text),
        entity(2, EntityKind.PLACE, "Delaware", text),
    ]
    # The second "Acme Corp" and "Globex" are other mentions of the same entities.
    second = text.index("Globex", 30)
    acme_again = text.rindex("Acme Corp")
    ents[0] = Entity(
        0,
        EntityKind.ORGANISATION,
        "Acme Corp",
        (*ents[0].mentions, Mention("Acme Corp", acme_again, acme_again + 9, 1)),
        0.1,
    )
    ents[1] = Entity(
        1,
        EntityKind.ORGANISATION,
        "Globex",
        (*ents[1].mentions, Mention("Globex", second, second + 6, 1)),
        0.1,
    )
    found = events(text, ents, None)
    assert [(e.type, e.actor.id, e.recipient and e.recipient.id, e.date) for e in found] == [
        ("ACCUSE", 0, 1, "2021-06-03"),  # an absolute date needs no anchor
        ("SANCTION", 0, 1, None),  # passive: the actor follows "by"
    ]
    assert found[0].location is not None and found[0].location.id == 2
    assert found[1].sentence == 1 and found[1].text.startswith("Globex was")
    assert events("", ents) == () and events(text, []) == ()


def test_sentences_keep_abbreviations_and_initials() -> None:
    text = "Mr. Smith met the U.S. envoy. J. Doe left.\n\nA new paragraph"
    assert [text[a:b] for a, b in sentences(text)] == [
        "Mr. Smith met the U.S. envoy.",
        "J. Doe left.",
        "A new paragraph",
    ]


def test_types_are_plovers() -> None:
    plover = {
        "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "DEMAND",
        "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
    }  # fmt: skip
    assert set(LEXICON_TYPES) == plover


# -- storage, analyze, the story page ---------------------------------------------------------


def test_events_are_stored_and_old_annotations_still_load(nlp: Language) -> None:
    found = read(nlp, "German Chancellor Olaf Scholz met Chinese Premier Li Qiang in Beijing.")
    annotations = Annotations(events=found)
    assert annotations_json.load(annotations_json.dump(annotations)).events == found
    assert annotations_json.load('{"model": "m", "entities": []}').events == ()


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, console=Console(out, err, io.BytesIO()))
    return code, out.getvalue(), err.getvalue()


def test_analyze_prints_events_and_checks_its_date(nlp: Language, tmp_path: Path) -> None:
    page = tmp_path / "talks.txt"
    page.write_text(
        "Leaders talk\n\nGerman Chancellor Olaf Scholz met Chinese Premier Li Qiang in Beijing "
        "on Tuesday, the two governments said in a statement after the meeting ended.\n",
        encoding="utf-8",
    )
    code, out, err = run(["analyze", str(page), "--date", "2024-05-29"])
    assert (code, err) == (0, "")
    (e,) = json.loads(out)["events"]
    assert e["type"] == "CONSULT" and e["date"] == "2024-05-28" and e["date_text"] == "on Tuesday"
    assert set(e["actor"]) == {"id", "name", "type", "country"}
    assert (e["actor"]["name"], e["actor"]["country"]) == ("Olaf Scholz", "DEU")
    entities = json.loads(out)["entities"]
    assert entities[e["recipient"]["id"]]["name"] == e["recipient"]["name"] == "Li Qiang"
    assert e["location"]["name"] == "Beijing" and e["sentence"].startswith("German Chancellor")
    _, undated, _ = run(["analyze", str(page)])
    assert json.loads(undated)["events"][0]["date"] is None
    with pytest.raises(SystemExit) as exit_:
        run(["analyze", str(page), "--date", "29/05/2024"])
    assert exit_.value.code == 2


def test_the_story_page_lists_events(db_path: str) -> None:
    at = datetime(2024, 5, 30, 12, tzinfo=UTC)
    with make_desk(db_path, now=at) as desk:
        store_document(desk, RawDocument(source=PAGE.name, content=PAGE.read_bytes()))
    desk = make_desk(db_path, now=at)
    app = create_app(desk)

    async def get(path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://desk") as client:
            return await client.get(path)

    try:
        html = asyncio.run(get("/stories/1")).text
        data = asyncio.run(get("/stories/1.json")).json()
    finally:
        desk.close()
    assert '<section class="events">' in html and "Andres Manuel Lopez Obrador" in html
    assert [(e["type"], e["recipient"]["name"], e["date"]) for e in data["events"]] == [
        ("CONSULT", "Andres Manuel Lopez Obrador", "2024-05-28"),
        ("CONSULT", "Joe Biden", "2024-05-27"),
    ]


# -- the reference page -----------------------------------------------------------------------


@pytest.mark.shared
def test_the_reference_page_six_meetings(reference_page: Path, nlp: Language) -> None:
    page = extract(RawDocument(source=str(reference_page), content=reference_page.read_bytes()))
    found = enrich(page, nlp, date=WED).events
    meetings = {
        (e.actor.name, e.recipient.name): e
        for e in found
        if e.type == "CONSULT" and e.recipient is not None
    }
    expected = {
        ("Fumio Kishida", "Liu Jianchao"): ("Tokyo", "2024-05-29"),
        ("Liu Jianchao", "Yoko Kamikawa"): ("Tokyo", "2024-05-29"),
        ("Liu Jianchao", "Kenta Izumi"): ("Tokyo", "2024-05-29"),
        ("Liu Jianchao", "Mizuho Fukushima"): ("Tokyo", "2024-05-29"),
        ("Fumio Kishida", "Li Qiang"): (None, "2024-05-26"),
        ("Fumio Kishida", "Xi Jinping"): ("San Francisco", "2023-11"),
        ("China", "Japan"): ("Shanghai", "2024-05-27"),
    }
    for pair, (place, when) in expected.items():
        e = meetings[pair]
        assert (e.location.name if e.location else None, e.date) == (place, when), pair
    # The cities' countries, from the knowledge base: Tokyo is Japan's capital, San Francisco
    # and Shanghai are city lines; a meeting in neither party's country is a third party's.
    towns = {e.location.name: e.location.country for e in meetings.values() if e.location}
    assert towns == {"Tokyo": "JPN", "San Francisco": "USA", "Shanghai": "CHN"}
    kishida = meetings[("Fumio Kishida", "Xi Jinping")]
    assert (kishida.actor.country, kishida.recipient and kishida.recipient.country) == (
        "JPN",
        "CHN",
    )
    assert kishida.date_text == "last November" and kishida.mode == "multilateral"
    # One meeting, one record: the Kishida-Li meeting is told twice, the Xi-Kishida one too.
    pairs = [
        frozenset((e.actor.name, e.recipient.name))
        for e in found
        if e.type == "CONSULT" and e.recipient
    ]
    assert pairs.count(frozenset(("Fumio Kishida", "Li Qiang"))) == 1
    assert pairs.count(frozenset(("Fumio Kishida", "Xi Jinping"))) == 1
