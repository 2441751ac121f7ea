"""Topics from the taxonomy (enrich/topics.py) on texts written for the test, stored with the
article and found by `stories --topic`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from marketdesk.app.ingest import store_document
from marketdesk.cli import main
from marketdesk.cli.output import Console
from marketdesk.enrich.topics import TAXONOMY, topics
from marketdesk.model import Article, RawDocument
from support import make_desk

TARIFFS = Article(
    title="Washington raises tariffs on steel imports",
    paragraphs=(
        "The United States will double tariffs on steel and aluminium imports from next month, "
        "the trade representative said, widening a trade dispute with its partners.",
        "Exporters in Asia said the duties would hit shipments already at sea. Officials in "
        "Seoul said they would seek talks with Washington.",
    ),
)
QUIET = Article(
    title="Town fair draws crowds",
    paragraphs=("Families came to the fair on Saturday for the pie contest and the parade.",),
)


def test_the_main_topic_comes_first_with_its_cues() -> None:
    found = topics(TARIFFS)
    assert found[0].code == "trade" and found[0].relevance == 1.0
    assert "tariffs" in found[0].cues
    assert all(0 < t.relevance <= 1 for t in found)
    assert [t.relevance for t in found] == sorted((t.relevance for t in found), reverse=True)


def test_a_text_about_nothing_in_the_taxonomy_has_no_topic() -> None:
    assert topics(QUIET) == ()
    assert topics(Article(title=None, paragraphs=())) == ()


def test_whole_words_only() -> None:
    # "oil" is in "turmoil", "fed" in "fedora", "ai" in "said": none of them counts.
    assert topics(Article(title="Turmoil", paragraphs=("She said the fedora was fed up.",))) == ()


def test_the_taxonomy_codes_are_unique_and_documented() -> None:
    codes = [t.code for t in TAXONOMY]
    assert len(codes) == len(set(codes))
    doc = (Path(__file__).parents[1] / "docs" / "topics.md").read_text(encoding="utf-8")
    for t in TAXONOMY:
        assert f"`{t.code}`" in doc, t.code


def test_topics_are_stored_and_stories_are_found_by_them(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    text = "\n\n".join([TARIFFS.title or "", *TARIFFS.paragraphs])
    with make_desk(db) as desk:
        out = store_document(desk, RawDocument(source="tariffs.txt", content=text.encode()))
        assert out.result is not None and out.result.article_id is not None
        stored = desk.storage.get_article(out.result.article_id)
        assert stored is not None and stored.annotations is not None
        assert stored.annotations.topics[0].code == "trade"
        assert [s.id for s in desk.storage.stories(topic="trade")] == [out.result.story_id]
        assert desk.storage.stories(topic="energy") == []
    buf, err = io.StringIO(), io.StringIO()
    assert main(["stories", "--topic", "Trade", "--db", db], console=Console(buf, err)) == 0
    assert "tariffs" in buf.getvalue()
    assert main(["stories", "--topic", "weather", "--db", db], console=Console(buf, err)) == 1
    assert "no topic 'weather'; the topics are" in err.getvalue()


@pytest.mark.parametrize("code", ["trade", "monetary"])
def test_every_code_is_accepted_by_the_filter(tmp_path: Path, code: str) -> None:
    with make_desk(str(tmp_path / "e.db")) as desk:
        from marketdesk.app.stories import list_stories

        assert list_stories(desk, topic=code) == []
