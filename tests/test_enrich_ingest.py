"""Enrichment in the ingest pipeline: new articles are stored with their annotations (one
process, worker processes), found by their entities, and `marketdesk enrich` annotates those
stored without (enrichment off) or, with --all, every one again."""

from __future__ import annotations

import io
from pathlib import Path

from marketdesk.app.ingest import ingest, store_document
from marketdesk.cli import main
from marketdesk.cli.output import Console
from marketdesk.model import EntityKind, RawDocument
from marketdesk.store import open_storage
from support import make_desk

TEXT = """Central bank holds rates as yen slides

Bank of Japan Governor Kazuo Ueda said on Tuesday the central bank would keep its policy rate unchanged, as the yen fell to its weakest level against the dollar in months.

Ueda told reporters in Tokyo that the bank wanted to see more evidence that wages were rising before it moved again. The BOJ has raised rates twice this year.

Finance Minister Katsunobu Kato said the government was watching currency moves with a sense of urgency and would act against excessive swings.
"""
OTHER = """Copper climbs on supply worries

Copper prices rose for a third day as mine disruptions in Chile and Peru tightened supply, traders in London said.

Codelco, the world's largest copper producer, cut its output forecast for the year after floods at two of its mines.
"""


def names(desk: object, article_id: int) -> dict[str, EntityKind]:
    stored = desk.storage.get_article(article_id)  # type: ignore[attr-defined]
    assert stored is not None and stored.annotations is not None
    return {e.name: e.kind for e in stored.annotations.entities}


def test_a_new_article_is_stored_with_its_entities(tmp_path: Path) -> None:
    with make_desk(str(tmp_path / "d.db")) as desk:
        out = store_document(desk, RawDocument(source="boj.txt", content=TEXT.encode()))
        assert out.result is not None and out.result.article_id is not None
        found = names(desk, out.result.article_id)
        assert found["Kazuo Ueda"] is EntityKind.PERSON
        assert found["Bank of Japan"] is EntityKind.ORGANISATION
        assert "Tokyo" in found
        stored = desk.storage.get_article(out.result.article_id)
        assert stored is not None and stored.annotations is not None
        ueda = next(e for e in stored.annotations.entities if e.name == "Kazuo Ueda")
        assert ueda.count >= 2  # "Kazuo Ueda" and "Ueda" are one person
        assert [s.id for s in desk.storage.stories(entity="kazuo ueda")] == [out.result.story_id]
        assert desk.storage.stories(entity="Codelco") == []


def test_workers_store_the_annotations_in_the_same_transaction(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "b.txt").write_text(OTHER, encoding="utf-8")
    with make_desk(str(tmp_path / "w.db")) as desk:
        outcomes = list(ingest(desk, [str(folder)], workers=2))
        assert [o.error for o in outcomes] == [None, None]
        ids = [o.result.article_id for o in outcomes if o.result]
        assert "Codelco" in names(desk, ids[1]) and "Kazuo Ueda" in names(desk, ids[0])


def test_enrich_fills_in_what_was_stored_without_and_all_does_it_again(tmp_path: Path) -> None:
    db = str(tmp_path / "e.db")
    with make_desk(db, enrich=False) as desk:
        for name, text in (("a.txt", TEXT), ("b.txt", OTHER)):
            store_document(desk, RawDocument(source=name, content=text.encode()))
        assert all(a.annotations is None for a in desk.storage.latest_articles())
    out, err = io.StringIO(), io.StringIO()
    assert main(["enrich", "--db", db], console=Console(out, err)) == 0
    assert "2 articles enriched with" in err.getvalue()
    store = open_storage(db)
    try:
        assert all(a.annotations is not None for a in store.latest_articles())
        assert len(store.stories(entity="Codelco")) == 1
    finally:
        store.close()
    err.truncate(0)
    assert main(["enrich", "--db", db], console=Console(out, err)) == 0
    assert "nothing to enrich" in err.getvalue()
    err.truncate(0)
    assert main(["enrich", "--all", "--db", db], console=Console(out, err)) == 0
    assert "2 articles enriched" in err.getvalue()
    out.truncate(0)
    out.seek(0)
    assert (
        main(
            ["stories", "--entity", "bank of japan", "--json", "--db", db],
            console=Console(out, err),
        )
        == 0
    )
    assert len(out.getvalue().splitlines()) == 1 and "Central bank holds rates" in out.getvalue()


def test_stories_by_country(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    with make_desk(db) as desk:
        for name, text in (("a.txt", TEXT), ("b.txt", OTHER)):
            store_document(desk, RawDocument(source=name, content=text.encode()))
        stored = {a.article.title: a.annotations for a in desk.storage.articles_after(0, 10)}
    japan = stored["Central bank holds rates as yen slides"]
    assert japan is not None and "JPN" in (japan.countries or ())
    assert not any(e.key == "place:jp" for e in japan.entities)
    out, err = io.StringIO(), io.StringIO()
    # The countries enrichment stored: "Tokyo" is in Japan, though Japan itself is no entity
    # of the story ("Bank of Japan" is an organisation); "Chile" names Chile.
    assert main(["stories", "--country", "jpn", "--db", db], console=Console(out, err)) == 0
    assert "Central bank holds rates" in out.getvalue() and "Copper" not in out.getvalue()
    out.truncate(0)
    out.seek(0)
    assert main(["stories", "--country", "chl", "--db", db], console=Console(out, err)) == 0
    assert "Copper climbs" in out.getvalue() and "Central bank" not in out.getvalue()
    out.truncate(0)
    out.seek(0)
    assert main(["stories", "--country", "usa", "--db", db], console=Console(out, err)) == 0
    assert out.getvalue() == ""
    assert main(["stories", "--country", "XXX", "--db", db], console=Console(out, err)) == 1
    assert "no country 'XXX'" in err.getvalue()


def test_enrich_on_a_missing_database_is_an_error(tmp_path: Path) -> None:
    err = io.StringIO()
    assert (
        main(["enrich", "--db", str(tmp_path / "none.db")], console=Console(io.StringIO(), err))
        == 1
    )
    assert "no marketdesk database" in err.getvalue()


JAPAN = """Japan's exports rise for a sixth month

Japan's exports rose 7.3% in October from a year earlier, the finance ministry in Tokyo said on Monday, as shipments of cars and chip-making equipment to the United States and China grew.

Economists said a weaker currency had helped Japan's exporters, while imports fell on lower energy prices.
"""


def test_stories_by_instrument(tmp_path: Path) -> None:
    db = str(tmp_path / "i.db")
    with make_desk(db) as desk:
        for name, text in (("a.txt", JAPAN), ("b.txt", OTHER)):
            store_document(desk, RawDocument(source=name, content=text.encode()))
        stored = desk.storage.articles_after(0, 10)
        links = {a.article.title: a.annotations.instruments for a in stored if a.annotations}
    japan = {i.key: i for i in links["Japan's exports rise for a sixth month"]}
    assert "nikkei225" in japan and japan["nikkei225"].reason == "Japan is named in the story"
    assert 0 < japan["nikkei225"].relevance <= 1
    out, err = io.StringIO(), io.StringIO()
    for named in ("nikkei225", "^N225", "Nikkei 225"):
        out.truncate(0)
        out.seek(0)
        code = main(["stories", "--instrument", named, "--db", db], console=Console(out, err))
        assert code == 0
        assert "exports rise" in out.getvalue() and "Copper" not in out.getvalue()
    assert main(["stories", "--instrument", "nope", "--db", db], console=Console(out, err)) == 1
    assert "no instrument 'nope'" in err.getvalue()


def test_a_story_page_shows_what_was_stored_as_analyze_works_it_out(tmp_path: Path) -> None:
    """Countries, Wikidata items and instruments are worked out once and stored; what a page
    shows from them is what `analyze` prints, and annotations stored before countries were
    kept (countries None) are worked out again on show."""
    from dataclasses import replace

    from marketdesk.app.analyze import facts
    from marketdesk.app.touched import shown

    with make_desk(str(tmp_path / "s.db")) as desk:
        out = store_document(desk, RawDocument(source="a.txt", content=JAPAN.encode()))
        assert out.result is not None and out.result.article_id is not None
        stored = desk.storage.get_article(out.result.article_id)
        assert stored is not None and stored.annotations is not None
        a = stored.annotations
        wikidata, codes, links = facts(desk, a)
        assert a.countries == codes and "JPN" in codes
        assert shown(desk.registry, a)[1:] == (codes, links)
        # each gazetteer item is on its entity, as the JSON prints it
        assert {e.key: e.wikidata for e in a.entities if e.key in wikidata} == wikidata
        older = replace(a, countries=None)
        assert shown(desk.registry, older)[1:] == (codes, links)
