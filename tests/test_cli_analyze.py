"""`marketdesk entities` and `marketdesk analyze`: the issue 11 contracts, through the command
line (marketdesk.cli.main with a Console on StringIO) on texts and a page written here, and on
the reference page of ../shared where it is present."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from marketdesk.app.analyze import Spaced, countries, entities_lines, wikidata_ids
from marketdesk.app.desk import Desk
from marketdesk.cli import main
from marketdesk.cli.output import Console
from marketdesk.config import load_settings
from marketdesk.enrich import MAX_CHARS, known
from marketdesk.enrich.vocab import GAZETTEER_FILE
from marketdesk.errors import ModelError
from marketdesk.model import Entity, EntityKind, Mention

TYPES = {"PERSON", "ORG", "PLACE"}

PAGE = """Home
Markets
News
Sign in

Yen slides as Japan and Germany weigh trade talks

By Alex Writer

July 8, 2024

TOKYO - The yen weakened on Monday after Japanese Finance Minister Hana Sato said Japan would \
open trade talks with Germany next month, a step traders had not expected before the autumn.

Sato told reporters in Tokyo that the Bank of Japan would keep watching currency moves closely. \
The finance minister added that the European Central Bank had been told of the plan in advance.

German officials in Berlin welcomed the talks on Monday evening. Analysts said Japan and \
Germany both had much to gain from lower tariffs on cars and machinery.

Share this article
Related stories
"""


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The bundled model whatever the machine's own config names."""
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("MARKETDESK_CONFIG", str(config))


def run(argv: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, console=Console(out, err, io.BytesIO(stdin)))
    return code, out.getvalue(), err.getvalue()


def jsonl(*records: object) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def entities_of(texts: list[str]) -> list[dict[str, Any]]:
    code, out, err = run(["entities"], jsonl(*({"id": i, "text": t} for i, t in enumerate(texts))))
    assert (code, err) == (0, "")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == list(range(len(texts)))
    for line, text in zip(lines, texts, strict=True):
        spans = line["entities"]
        assert [(s["start"], s["end"]) for s in spans] == sorted(
            (s["start"], s["end"]) for s in spans
        )
        for s in spans:
            assert text[s["start"] : s["end"]] == s["text"] != ""
            assert s["type"] in TYPES
    return lines


def spans(line: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["text"], s["type"]) for s in line["entities"]]


# -- entities ---------------------------------------------------------------------------------


def test_entities_round_trip(nlp: Language) -> None:
    texts = [
        "Japanese Prime Minister Fumio Kishida met Chinese President Xi Jinping in Beijing. "
        "The prime minister said Japan and China would keep talking.",
        "Goldman Sachs and the Federal Reserve both expect the Bank of Japan to wait.",
        "Shares of Apple Inc. (NASDAQ: AAPL) rose in New York after Tim Cook spoke.",
    ]
    kishida, banks, apple = entities_of(texts)
    assert ("Fumio Kishida", "PERSON") in spans(kishida)
    assert ("Xi Jinping", "PERSON") in spans(kishida)
    assert ("Beijing", "PLACE") in spans(kishida) and ("Japanese", "PLACE") in spans(kishida)
    # "the prime minister" is a span of Kishida too, by title, with his entity's number.
    by_title = [s for s in kishida["entities"] if s["by_title"]]
    named = next(s for s in kishida["entities"] if s["text"] == "Fumio Kishida")
    assert [(s["text"], s["type"], s["entity"]) for s in by_title] == [
        ("prime minister", "PERSON", named["entity"])
    ]
    assert {("Goldman Sachs", "ORG"), ("Federal Reserve", "ORG"), ("Bank of Japan", "ORG")} <= set(
        spans(banks)
    )
    assert ("Apple Inc.", "ORG") in spans(apple) and ("Tim Cook", "PERSON") in spans(apple)
    assert all("truncated" not in line for line in (kishida, banks, apple))


def test_entities_offsets_survive_odd_whitespace(nlp: Language) -> None:
    texts = [
        "  Fumio   Kishida met\treporters\r\n\r\nin   Beijing on Friday.  ",
        "\U0001f4c8 Japan's yen fell.\n\n\n\nThe Bank of\nJapan said Tokyo and\u00a0Seoul agree.",
        "Goldman Sachs\n  met the Federal\nReserve in Washington.\n",
        "Line one about Germany.\nLine two about France.\n\nA paragraph on Italy.",
    ]
    odd, emoji, wrapped, lines = entities_of(texts)
    # Read as "Fumio Kishida" (whitespace tidied for the model), mapped back to the input.
    assert ("Fumio   Kishida", "PERSON") in spans(odd) and ("Beijing", "PLACE") in spans(odd)
    assert ("Japan", "PLACE") in spans(emoji) and ("Seoul", "PLACE") in spans(emoji)
    # Offsets are code points: the emoji is one character.
    assert next(s for s in emoji["entities"] if s["text"] == "Japan")["start"] == 2
    assert ("Bank of\nJapan", "ORG") in spans(emoji)
    assert ("Federal\nReserve", "ORG") in spans(wrapped)
    assert {"Germany", "France", "Italy"} <= {text for text, _ in spans(lines)}


def test_spaced_maps_every_character_back() -> None:
    for text in (
        "",
        "   ",
        "plain words",
        " \t lead and trail \r\n",
        "a\n\nb\r\n\r\nc\n \n d\u2029\u2029e  f\u00a0g",
        "one\ntwo \n three",
    ):
        s = Spaced.of(text)
        assert s.text == s.text.strip()
        assert "  " not in s.text and "\n\n\n" not in s.text and "\t" not in s.text
        assert s.text.replace("\n\n", "").count("\n") == 0
        for i, c in enumerate(s.text):
            if not c.isspace():
                assert text[s.original(i)] == c
        assert "".join(text.split()) == "".join(s.text.split())
    assert Spaced.of("a\n\nb\nc").text == "a\n\nb c"


def test_entities_bad_lines_are_named_and_the_run_goes_on(nlp: Language) -> None:
    good = {"id": "ok", "text": "Germany and France met in Paris."}
    stdin = b"".join(
        [
            jsonl(good),
            b"not json\n",
            jsonl({"id": 3}),
            jsonl({"id": 4, "text": 5}),
            b"\n",
            b"[1, 2]\n",
            b'{"id": NaN, "text": "x"}\n',
            b'{"id": 8, "text": "caf\xe9"}\n',
            jsonl({"id": [9], "text": ""}),
            jsonl(good),
        ]
    )
    code, out, err = run(["entities"], stdin)
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 10
    assert [line.get("error") is None for line in lines] == [
        True, False, False, False, False, False, False, False, True, True
    ]  # fmt: skip
    assert lines[0] == lines[9] and ("Paris", "PLACE") in spans(lines[0])
    assert lines[8] == {"id": [9], "entities": []}  # empty text: no entities; any JSON id
    assert [line["id"] for line in lines[1:8]] == [None, 3, 4, None, None, None, None]
    assert [line["line"] for line in lines[1:8]] == [2, 3, 4, 5, 6, 7, 8]
    assert lines[2]["error"] == 'no "text"'
    assert lines[3]["error"] == '"text" is a JSON number, not a string'
    assert "not JSON" in lines[1]["error"] and "NaN" in lines[6]["error"]
    assert "UTF-8" in lines[7]["error"]
    assert err.splitlines() == [f"line {line['line']}: {line['error']}" for line in lines[1:8]]
    assert "Traceback" not in err


def test_entities_empty_input_and_a_byte_order_mark(nlp: Language) -> None:
    assert run(["entities"], b"") == (0, "", "")
    code, out, _ = run(["entities"], "\ufeff".encode() + jsonl({"id": 1, "text": "In Canada."}))
    assert code == 0 and ("Canada", "PLACE") in spans(json.loads(out))


def test_entities_are_looked_for_up_to_max_chars(nlp: Language) -> None:
    filler = "The market was quiet. " * (MAX_CHARS // 22)
    text = "Germany led. " + filler + " Brazil followed."
    assert len(text) > MAX_CHARS and text.index("Brazil") > MAX_CHARS
    code, out, _ = run(["entities"], jsonl({"id": "long", "text": text}))
    line = json.loads(out)
    assert code == 0 and line["truncated"] is True
    assert spans(line) == [("Germany", "PLACE")]


def test_entities_a_runaway_line_is_refused_unread(nlp: Language) -> None:
    desk = Desk(load_settings())
    stream = io.BytesIO(jsonl({"id": 1, "text": "x" * 500}, {"id": 2, "text": "In Peru."}))
    results = [t for batch in entities_lines(desk, stream, max_line_bytes=100) for t in batch]
    assert [t.line for t in results] == [1, 2]
    assert results[0].error is not None and "not read" in results[0].error
    assert results[1].error is None and results[1].annotations.entities[0].name == "Peru"


def test_entities_come_in_batches_in_input_order(nlp: Language) -> None:
    desk = Desk(load_settings())
    texts = [b"{}\n", jsonl({"id": 2, "text": "Chile."}), b"x\n", jsonl({"id": 4, "text": "Oslo"})]
    stream = io.BytesIO(b"".join(texts) + jsonl({"id": 5, "text": "Spain."}))
    batches = list(entities_lines(desk, stream, batch_size=2))
    assert [[t.line for t in b] for b in batches] == [[1, 2], [3, 4], [5]]
    assert [t.error is None for b in batches for t in b] == [False, True, False, True, True]


def test_entities_batches_end_at_a_character_budget(nlp: Language) -> None:
    desk = Desk(load_settings())
    texts = ["In Chile. " * 30, "Oslo.", "In Peru. " * 40, "Spain.", "Mali."]
    stream = io.BytesIO(jsonl(*({"id": i, "text": t} for i, t in enumerate(texts))))
    batches = list(entities_lines(desk, stream, batch_size=4, batch_chars=300))
    assert [[t.id for t in b] for b in batches] == [[0], [1, 2], [3, 4]]


def test_entities_stream_without_waiting_for_the_end(tmp_path: Path) -> None:
    """The first batch is printed while standard input is still open."""
    env = {**os.environ, "MARKETDESK_CONFIG": str(tmp_path / "config.toml")}
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "marketdesk", "entities"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdin is not None and proc.stdout is not None
    timer = threading.Timer(120, proc.kill)  # a process waiting for the end fails, not hangs
    timer.start()
    try:
        proc.stdin.write(
            jsonl(*({"id": i, "text": f"Talks in Japan, round {i}."} for i in range(40)))
        )
        proc.stdin.flush()
        first = [json.loads(proc.stdout.readline()) for _ in range(32)]
        assert [line["id"] for line in first] == list(range(32))
        proc.stdin.close()
        rest = proc.stdout.read().decode().splitlines()
        assert proc.wait() == 0 and len(rest) == 8
    finally:
        timer.cancel()
        proc.kill()
        proc.wait()


def test_a_model_that_is_not_installed_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('[enrich]\nmodel = "no_such_pipeline_for_marketdesk"\n', encoding="utf-8")
    monkeypatch.setenv("MARKETDESK_CONFIG", str(config))
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    for argv in (["entities"], ["analyze", str(page)]):
        code, out, err = run(argv, jsonl({"id": 1, "text": "In Peru."}))
        assert (code, out) == (1, "")
        assert err.startswith("marketdesk: spaCy pipeline 'no_such_pipeline_for_marketdesk'")
        assert "is not installed" in err and len(err.splitlines()) == 1


# -- analyze ----------------------------------------------------------------------------------


def test_analyze_is_extract_plus_entities_countries_and_topics(
    nlp: Language, tmp_path: Path
) -> None:
    page = tmp_path / "yen.txt"
    page.write_text(PAGE, encoding="utf-8")
    code, out, err = run(["analyze", str(page)])
    assert (code, err) == (0, "")
    result = json.loads(out)
    _, extracted, _ = run(["extract", str(page)])
    added = ("entities", "countries", "topics", "tone", "events", "instruments", "notes")
    assert {k: v for k, v in result.items() if k not in added} == json.loads(extracted)
    assert list(result)[-len(added) :] == list(added)  # nothing printed for what is not built
    assert all(set(t) == {"code", "label", "relevance", "cues"} for t in result["topics"])
    parts = {"title": result["title"], "text": result["text"]}
    for e in result["entities"]:
        assert e["type"] in TYPES and e["mentions"]
        for m in e["mentions"]:
            assert parts[m["part"]][m["start"] : m["end"]] == m["text"]
    by_name = {e["name"]: e for e in result["entities"]}
    sato = by_name["Hana Sato"]
    assert (sato["type"], sato["role"], sato["id"], sato["key"]) == (
        "PERSON",
        "finance minister",
        None,
        None,
    )
    assert [m["text"] for m in sato["mentions"]] == ["Hana Sato", "Sato", "finance minister"]
    assert [m["by_title"] for m in sato["mentions"]] == [False, False, True]
    japan = by_name["Japan"]
    assert (japan["type"], japan["id"], japan["key"], japan["role"]) == (
        "PLACE",
        "Q17",
        "place:jp",
        None,
    )
    assert japan["mentions"][0] == {
        "start": 14,
        "end": 19,
        "text": "Japan",
        "part": "title",
        "by_title": False,
    }
    assert (by_name["Bank of Japan"]["key"], by_name["Bank of Japan"]["id"]) == ("org:boj", None)
    assert by_name["European Central Bank"]["id"] == "Q8901"
    assert result["countries"] == ["JPN", "DEU"]  # Japan the more salient; Tokyo is no country


def test_analyze_several_inputs_one_line_each_errors_kept(nlp: Language, tmp_path: Path) -> None:
    page = tmp_path / "yen.txt"
    page.write_text(PAGE, encoding="utf-8")
    missing = tmp_path / "missing.txt"
    code, out, err = run(["analyze", str(page), str(missing), str(page), "--kind", "text"])
    assert code == 1
    first, failed, third = (json.loads(line) for line in out.splitlines())
    assert first == third and first["countries"] == ["JPN", "DEU"]
    assert failed == {"source": str(missing), "error": "no such file"}
    assert err == f"{missing}: no such file\n"


def test_analyze_a_page_without_an_article(nlp: Language, tmp_path: Path) -> None:
    page = tmp_path / "menu.txt"
    page.write_text("Home\nMarkets\nNews\nSign in\n", encoding="utf-8")
    code, out, err = run(["analyze", str(page)])
    result = json.loads(out)
    assert code == 1 and result["paragraphs"] == [] and result["reason"]
    assert (result["entities"], result["countries"]) == ([], [])
    assert err == f"{page}: {result['reason']}\n"


def test_analyze_reference_page(nlp: Language, reference_page: Path) -> None:
    code, out, _ = run(["analyze", str(reference_page)])
    assert code == 0
    result = json.loads(out)
    people = [e for e in result["entities"] if e["type"] == "PERSON" and "Kishida" in e["name"]]
    assert len(people) == 1
    kishida = people[0]
    assert kishida["name"] == "Fumio Kishida" and "prime minister" in kishida["role"]
    assert len(kishida["mentions"]) >= 5
    assert {m["part"] for m in kishida["mentions"]} == {"title", "text"}
    for m in kishida["mentions"]:
        assert result[m["part"]][m["start"] : m["end"]] == m["text"]
    assert {"JPN", "CHN"} <= set(result["countries"])
    assert result["countries"].index("CHN") < result["countries"].index("USA")
    places = {e["key"]: e for e in result["entities"] if e["key"]}
    assert places["place:jp"]["id"] == "Q17" and places["place:cn"]["id"] == "Q148"


# -- the pieces -------------------------------------------------------------------------------


def _entity(
    n: int, key: str | None, salience: float, kind: EntityKind = EntityKind.PLACE
) -> Entity:
    return Entity(n, kind, key or f"e{n}", (Mention("x", 0, 1, 0),), salience, key=key)


def test_countries_by_salience_and_only_countries() -> None:
    entities = [
        _entity(0, "place:jp", 0.2),
        _entity(1, "place:euro-zone", 0.5),  # a place, no country
        _entity(2, None, 0.4),  # a city the gazetteer does not know
        _entity(3, "place:us", 0.3),
        _entity(4, "place:uk", 0.2),  # as salient as Japan, mentioned later
        _entity(5, "org:ecb", 0.6, EntityKind.ORGANISATION),
    ]
    assert countries(entities) == ("USA", "JPN", "GBR")
    # then the countries of the cities named, after every country named
    cities = [
        replace(_entity(6, "city:shanghai", 0.9), country="CHN"),
        replace(_entity(7, "city:osaka", 0.9), country="JPN"),
    ]
    assert countries([*entities, *cities]) == ("USA", "JPN", "GBR", "CHN")
    assert wikidata_ids(entities) == {
        "place:jp": "Q17",
        "place:us": "Q30",
        "place:uk": "Q145",
        "org:ecb": "Q8901",
    }


def test_gazetteer_facts() -> None:
    data = json.loads(GAZETTEER_FILE.read_text(encoding="utf-8"))
    codes = []
    for place in data["places"]:
        facts = known(place["id"])
        assert facts is not None and facts.name == place["name"]
        if place["id"] == "place:euro-zone":
            assert facts.alpha3 is None and facts.wikidata is None
            continue
        assert facts.alpha3 is not None and len(facts.alpha3) == 3 and facts.alpha3.isupper()
        codes.append(facts.alpha3)
    assert len(codes) == len(set(codes))
    items = [e["wikidata"] for e in data["places"] + data["organisations"] if "wikidata" in e]
    assert all(i[:1] == "Q" and i[1:].isdigit() for i in items) and len(items) == len(set(items))
    sample = {"place:uk": "GBR", "place:kp": "PRK", "place:ae": "ARE", "place:ch": "CHE"}
    assert {key: getattr(known(key), "alpha3", None) for key in sample} == sample
    china = known("place:cn")
    assert china is not None and (china.wikidata, china.alpha3) == ("Q148", "CHN")
    assert known("org:nowhere") is None


def test_desk_loads_its_pipeline_once(
    nlp: Language, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    desk = Desk(load_settings())
    got: list[Language] = []
    threads = [threading.Thread(target=lambda: got.append(desk.nlp())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 and all(n is nlp for n in got)  # the bundled one, shared

    config = tmp_path / "bad-model.toml"
    config.write_text('[enrich]\nmodel = "no_such_pipeline_for_marketdesk"\n', encoding="utf-8")
    monkeypatch.setenv("MARKETDESK_CONFIG", str(config))
    with pytest.raises(ModelError, match="is not installed"):
        Desk(load_settings()).nlp()


def test_the_readme_example_is_what_entities_prints(nlp: Language) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Entities as JSON") :]
    command = section.split("```sh\n", 1)[1].split("\n```", 1)[0]
    printed = section.split("```json\n", 1)[1].split("\n```", 1)[0]
    given = command.removeprefix("echo '").removesuffix("' | marketdesk entities")
    code, out, _ = run(["entities"], given.encode() + b"\n")
    assert code == 0 and json.loads(out) == json.loads(printed)
