"""The knowledge base: the bundled file's facts, the loader's checks (a malformed file names
its file and line, and the CLI refuses to start with it), and `kb refresh` against a SPARQL
stub on 127.0.0.1."""

from __future__ import annotations

import http.server
import io
import json
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from marketdesk.cli import main
from marketdesk.cli.output import Console
from marketdesk.enrich import kb
from marketdesk.enrich.vocab import gazetteer
from marketdesk.errors import KnowledgeBaseError

COUNTRY = {"type": "country", "alpha2": "JP", "alpha3": "JPN", "name": "Japan", "aliases": [],
           "demonyms": ["Japanese"], "capital": "Tokyo", "wikidata": "Q17"}  # fmt: skip
PERSON = {"type": "person", "id": "person:hana-sato", "name": "Hana Sato", "aliases": [],
          "country": "JPN", "wikidata": None,
          "roles": [{"role": "finance minister", "of": "JPN", "start": "2020-01-01", "end": None}]}  # fmt: skip


CITY = {"type": "city", "id": "city:osaka", "name": "Osaka", "aliases": [], "country": "JPN",
        "wikidata": None}  # fmt: skip


def lines(*records: object) -> list[str]:
    return [json.dumps(r) for r in records]


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, console=Console(out, err, io.BytesIO()))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text("", encoding="utf-8")
    monkeypatch.setenv("MARKETDESK_CONFIG", str(path))
    return path


# -- the bundled file ---------------------------------------------------------------------------


def test_bundled_knowledge_base_loads_with_its_facts() -> None:
    base = kb.load()
    assert len(base.people) >= 200 and len(base.countries) >= 60
    japan = base.by_alpha3["JPN"]
    assert (japan.alpha2, japan.wikidata, japan.capital) == ("JP", "Q17", "Tokyo")
    assert "Japanese" in japan.demonyms and japan.key == "place:jp"
    assert base.by_alpha3["GBR"].key == "place:uk"
    # ids are unique and every role's "of" is a country or an organisation of the file
    assert len({p.id for p in base.people}) == len(base.people)
    for p in base.people:
        assert p.roles, p.name
        for r in p.roles:
            assert r.of in base.by_alpha3 or r.of in base.by_id
            assert r.end is None or r.start <= r.end


def test_roles_change_over_time() -> None:
    base = kb.load()
    (kishida,) = base.people_named("Fumio Kishida")
    assert [r.role for r in kishida.roles_on(date(2016, 3, 1))] == ["foreign minister"]
    assert "prime minister" in [r.role for r in kishida.roles_on(date(2024, 5, 29))]
    assert kishida.roles_on(date(2025, 3, 1)) == ()
    # an office is held up to, not on, its end date
    (may,) = base.people_named("Theresa May")
    assert may.roles_on(date(2019, 7, 24)) == ()
    assert may.roles_on(date(2019, 7, 23))


def test_names_are_found_whatever_the_accents_dashes_and_case() -> None:
    base = kb.load()
    assert base.people_named("shinzō abe") == base.people_named("Shinzo Abe") != ()
    assert base.people_named("Yoon Suk Yeol") == base.people_named("Yoon Suk-yeol") != ()
    assert {p.name for p in base.people_by_short_name("Li")} >= {"Li Qiang", "Li Keqiang"}


def test_the_gazetteer_reads_its_countries_from_the_knowledge_base() -> None:
    gaz = gazetteer()
    for country in kb.load().countries:
        known = gaz.by_key[country.key]
        assert (known.name, known.alpha3, known.wikidata) == (
            country.name,
            country.alpha3,
            country.wikidata,
        )
    assert gaz.by_name["Japanese"].key == "place:jp"
    assert gaz.by_key["place:euro-zone"].alpha3 is None


# -- the loader's checks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("{not json", "not JSON"),
        (json.dumps({**PERSON, "name": ""}), "'name' must be a non-empty string"),
        (json.dumps({k: v for k, v in PERSON.items() if k != "id"}), "'id'"),
        (
            json.dumps({**PERSON, "roles": [{**PERSON["roles"][0], "start": "2020-13-01"}]}),  # type: ignore[index]
            "is not a date",
        ),
        (json.dumps({**PERSON, "country": "XYZ"}), "unknown country 'XYZ'"),
        (
            json.dumps({**PERSON, "roles": [{**PERSON["roles"][0], "of": "org:nowhere"}]}),  # type: ignore[index]
            "unknown country or organisation 'org:nowhere'",
        ),
        (json.dumps({**PERSON, "wikidata": "17"}), "not a Wikidata item id"),
        (json.dumps({"type": "planet", "name": "Mars"}), "unknown type 'planet'"),
        (json.dumps(COUNTRY), "given twice"),
        (json.dumps({**CITY, "country": "XYZ"}), "unknown country 'XYZ'"),
        (json.dumps({**CITY, "country": None}), "'country' must be a non-empty string"),
    ],
)
def test_a_malformed_line_names_the_file_and_the_line(bad: str, reason: str) -> None:
    with pytest.raises(KnowledgeBaseError) as caught:
        kb.parse([*lines(COUNTRY), "", bad], "my-kb.jsonl")
    message = str(caught.value)
    assert message.startswith("knowledge base my-kb.jsonl, line 3: ")
    assert reason in message


def test_a_missing_or_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="no such file"):
        kb.load(tmp_path / "none.jsonl")
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="no records"):
        kb.load(empty)


def test_dumps_reads_back_the_same() -> None:
    base = kb.load()
    again = kb.parse(list(kb.dumps(base, "round trip")), "again")
    assert again.people == base.people
    assert again.countries == base.countries
    assert again.cities == base.cities
    assert again.organisations == base.organisations


def test_cities_and_the_capitals_of_the_countries() -> None:
    small = kb.parse(lines(COUNTRY, CITY), "cities.jsonl")
    assert [(c.id, c.name, c.country, c.listed) for c in small.cities] == [
        ("city:osaka", "Osaka", "JPN", True),
        ("city:tokyo", "Tokyo", "JPN", False),  # Japan's capital, from its country line
    ]
    assert small.named("tokyo") == (small.cities[1],)
    # A capital is written back through its country's line only.
    assert [json.loads(x)["type"] for x in kb.dumps(small, "x")] == ["about", "country", "city"]
    bundled = kb.load()
    (dc,) = [c for c in bundled.named("Washington, D.C.") if isinstance(c, kb.City)]
    assert (dc.id, dc.country) == ("city:washington", "USA")  # the line, not a second city
    assert len({c.id for c in bundled.cities}) == len(bundled.cities)


def test_the_cli_refuses_to_start_with_a_broken_knowledge_base(
    config: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "kb.jsonl"
    broken.write_text("\n".join([*lines(COUNTRY), '{"type": "person", "id": 5}']) + "\n")
    config.write_text('[enrich]\nkb = "kb.jsonl"\n', encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text("Japanese Finance Minister Hana Sato spoke in Tokyo on Monday.\n")
    for argv in (["analyze", str(page)], ["entities"]):
        code, out, err = run(argv)
        assert code == 1 and out == ""
        assert err.strip() == (
            f"marketdesk: knowledge base {broken}, line 2: 'id' must be a non-empty string"
        )
        assert "Traceback" not in err


def test_a_configured_knowledge_base_is_the_one_linked_to(config: Path, tmp_path: Path) -> None:
    mine = tmp_path / "kb.jsonl"
    mine.write_text("\n".join(lines(COUNTRY, PERSON)) + "\n", encoding="utf-8")
    config.write_text(f'[enrich]\nkb = "{mine}"\n', encoding="utf-8")
    page = tmp_path / "page.txt"
    page.write_text(
        "Yen steadies as Tokyo watches markets\n\n"
        "TOKYO - The yen steadied on Monday after Japanese Finance Minister Hana Sato said the "
        "government was watching currency markets closely and would act if moves became "
        "disorderly.\n\n"
        "Sato told reporters in Tokyo that officials were in close contact with their "
        "counterparts abroad, and that the recent moves did not reflect the economy.\n\n"
        "Traders said the remarks had been expected and that the currency was likely to stay "
        "in a narrow range until the central bank meets later this month.\n",
        encoding="utf-8",
    )
    code, out, err = run(["analyze", str(page), "--date", "2024-03-04"])
    assert code == 0, err
    people = [e for e in json.loads(out)["entities"] if e["type"] == "PERSON"]
    assert [(e["name"], e["role"], e["country"], e["key"]) for e in people] == [
        ("Hana Sato", "finance minister of Japan", "JPN", "person:hana-sato")
    ]


def test_analyze_date_must_be_a_date(config: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        run(["analyze", "x.txt", "--date", "29/05/2024"])
    assert caught.value.code == 2


# -- kb refresh ---------------------------------------------------------------------------------


def binding(**cells: str) -> dict[str, dict[str, str]]:
    return {k: {"type": "literal", "value": v} for k, v in cells.items()}


ENTITY = "http://www.wikidata.org/entity/"
ANSWERS = {
    "countries": [
        binding(
            c=ENTITY + "Q17",
            a2="JP",
            a3="JPN",
            label="Japan",
            capitalLabel="Tokyo",
            demonym="Japanese",
        )
    ],
    "people": [
        binding(
            person=ENTITY + "Q999001",
            personLabel="Hana Sato",
            office=ENTITY + "Q274948",
            start="2026-02-01T00:00:00Z",
            a3="JPN",
        )
    ],
    "companies": [
        binding(company=ENTITY + "Q53268", exchangeLabel="Tokyo Stock Exchange", ticker="7203")
    ],
}


class Sparql(http.server.BaseHTTPRequestHandler):
    """A SPARQL endpoint stub: canned results JSON, chosen by what the query asks for."""

    def do_GET(self) -> None:
        if self.path.startswith("/robots.txt"):
            self.send_response(404)
            self.end_headers()
            return
        if "P297" in self.path:
            rows = ANSWERS["countries"]
        elif "P39" in self.path:
            rows = ANSWERS["people"]
        else:
            rows = ANSWERS["companies"]
        body = json.dumps({"head": {"vars": []}, "results": {"bindings": rows}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def sparql() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sparql)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_refresh_writes_a_file_the_loader_reads(config: Path, tmp_path: Path, sparql: str) -> None:
    out = tmp_path / "fresh.jsonl"
    code, printed, err = run(
        ["kb", "refresh", "--out", str(out), "--endpoint", sparql, "--allow-private"]
    )
    assert code == 0, err
    assert "[1/5] countries" in err and "[5/5] writing" in err
    assert printed.startswith(f"{out}: ")
    fresh = kb.load(out)
    (sato,) = fresh.people_named("Hana Sato")
    assert sato.wikidata == "Q999001" and sato.roles_on(date(2026, 3, 1))[0].role == (
        "prime minister"
    )
    assert fresh.people_named("Kenta Izumi")  # kept: no office the queries ask for
    assert any(c.name == "Osaka" for c in fresh.cities)  # the bundled cities are kept
    toyota = next(o for o in fresh.organisations if o.wikidata == "Q53268")
    assert [(x.exchange, x.ticker) for x in toyota.listings] == [("Tokyo Stock Exchange", "7203")]


def test_refresh_network_error_leaves_the_old_file(config: Path, tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = tmp_path / "kb.jsonl"
    out.write_text("old\n", encoding="utf-8")
    code, printed, err = run(
        [
            "kb",
            "refresh",
            "--out",
            str(out),
            "--endpoint",
            f"http://127.0.0.1:{port}/sparql",
            "--allow-private",
        ]
    )
    assert code == 1 and printed == ""
    assert err.strip().splitlines()[-1].startswith("marketdesk: kb refresh: countries: ")
    assert "is unchanged" in err and "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "old\n"


class Failing(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(404 if self.path.startswith("/robots.txt") else 500)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_refresh_error_names_the_endpoint_not_the_query(config: Path, tmp_path: Path) -> None:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Failing)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    endpoint = f"http://127.0.0.1:{httpd.server_address[1]}/sparql"
    try:
        out = tmp_path / "kb.jsonl"
        code, _, err = run(
            ["kb", "refresh", "--out", str(out), "--endpoint", endpoint, "--allow-private"]
        )
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert code == 1 and "HTTP 500" in err and f"for {endpoint} " in err
    assert "query=" not in err and "SELECT" not in err  # hundreds of characters of SPARQL
    assert not out.exists()


def test_refresh_needs_somewhere_to_write(config: Path) -> None:
    code, _, err = run(["kb", "refresh"])
    assert code == 1 and "--out PATH" in err
