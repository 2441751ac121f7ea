"""``marketdesk demo --stories N``: generated sample stories, marked as such, with copies
grouped into stories, entities whose mentions are where the text says, topics and links."""

from __future__ import annotations

import io
from pathlib import Path

from marketdesk.app.sample_stories import SAMPLE_NOTE, sample_pages
from marketdesk.cli import main
from marketdesk.cli.output import Console
from marketdesk.store import open_storage


def test_sample_pages_are_marked_and_their_mentions_are_where_the_text_says() -> None:
    seen = set()
    for n, sample in sample_pages(200, seed=7):
        article = sample.page.article
        assert article.paragraphs[-1] == SAMPLE_NOTE
        assert ".sample.invalid/" in (article.url or "")
        assert "{" not in article.text and "[[" not in article.text
        parts = {"title": article.title or "", "text": article.text}
        for e in sample.annotations.entities:
            for m in e.mentions:
                assert parts[m.part][m.start : m.end] == m.text == m.text.strip()
        assert abs(sum(e.salience for e in sample.annotations.entities) - 1) < 0.01
        assert sample.annotations.topics  # worked out from the text
        seen.add(n)
    assert seen == set(range(len(seen))) and len(seen) < 200 + 1
    # The same seed writes the same stories.
    again = [s.raw.content for _, s in sample_pages(5, seed=7)]
    assert again == [s.raw.content for _, s in sample_pages(5, seed=7)]


def test_demo_with_sample_stories_builds_a_desk_of_that_many_stories(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    out, err = io.StringIO(), io.StringIO()
    args = ["demo", "--stories", "120", "--no-serve", "--db", db]
    assert main(args, console=Console(out, err)) == 0
    assert "120 sample stories written" in err.getvalue()
    store = open_storage(db)
    try:
        counts = store.counts()
        # Three bundled demo pages, then 120 stories: their copies are grouped, not counted.
        assert counts.stories == 123 and counts.articles > 123
        stories = store.stories(limit=500)
        assert max(len(s.copies) for s in stories) > 1
        years = {s.copies[0].published.year for s in stories if s.copies[0].published}
        assert len(years) >= 6
        assert store.stories(topic="mergers") and store.stories(entity="place:jp")
        assert store.stories(instrument="nikkei225")
    finally:
        store.close()
    # Again: nothing written twice.
    assert main(args, console=Console(out, err)) == 0
    store = open_storage(db)
    try:
        assert store.counts().stories == 123
    finally:
        store.close()
