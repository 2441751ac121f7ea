"""Furniture kinds of text dumps: teaser cards, tag lines, comment widgets, linked comments."""

from __future__ import annotations

import pytest

from marketdesk.extract import extract
from marketdesk.extract.boilerplate import classify_text
from marketdesk.extract.comments import is_entry_start
from marketdesk.extract.segment import headline_twice
from marketdesk.model import BlockKind, RawDocument

PROSE = (
    "The central bank held its main rate at 4.5 percent on Thursday, saying inflation had "
    "eased faster than expected over the summer while wages kept rising."
)


@pytest.mark.parametrize(
    "text",
    [
        "Reviews \u25bc REVIEW: A Quiet Film Is By Turns Moving and Ridiculous REVIEW: A Quiet "
        "Film Is By Turns Moving and\u2026 As in every festival year, the critics gathered",
        "A List Of The Worst Jobs I've Had (From Worst To Worse) A List Of The Worst Jobs "
        "I\u2019ve Had (From Worst To Worse) So I would stand on the street all day",
    ],
)
def test_teaser_cards_that_say_their_headline_twice_before_a_blurb(text: str) -> None:
    assert headline_twice(text)


@pytest.mark.parametrize(
    "text",
    [
        PROSE,
        # The same opening twice, then another ending, is prose, not a card.
        "The bank said rates would rise. The bank said rates would fall next year, analysts "
        "said on Monday.",
        "Short line",
        # A sentence said over and over is odd prose, not a card.
        "Shares of Toyota rose in Tokyo as the yen weakened again today. " * 3,
    ],
)
def test_prose_is_no_teaser_card(text: str) -> None:
    assert not headline_twice(text)


@pytest.mark.parametrize(
    "text",
    [
        "Labels: central banks, inflation, rates",
        "Tags: Apple, HTC, litigation, smartphones",
        "Filed under: Markets",
        "Categories: Law, Politics, Society",
        "Tagged as: History, Science",
    ],
)
def test_tag_and_category_lines_are_furniture(text: str) -> None:
    assert classify_text(text) is BlockKind.FOOTER


def test_a_sentence_about_tags_is_not_a_tag_line() -> None:
    assert classify_text("Tags on the cattle were checked by inspectors on Friday.") is None


def test_comment_widget_credit_is_comments() -> None:
    assert classify_text("blog comments powered by Disqus") is BlockKind.COMMENTS


def test_a_comment_opened_by_its_writers_link_is_an_entry() -> None:
    assert is_entry_start(
        "http://example.com/ jdoe That is a good point, and I would add that the rules have "
        "changed twice since then."
    )
    assert not is_entry_start(PROSE)


def test_linked_comments_after_an_article_are_removed() -> None:
    article = "\n".join([PROSE] * 3)
    comments = "\n".join(
        f"http://example{i}.com/ reader{i} I disagree with the bank here, and I think the "
        f"next meeting will show that rates have to come down sooner than it says."
        for i in range(3)
    )
    page = extract(
        RawDocument(source="t.txt", content=f"Bank holds rates\n{article}\n{comments}\n".encode()),
        kind="text",
    )
    assert not any(p.startswith("http://") for p in page.article.paragraphs)
    assert any(r.kind is BlockKind.COMMENTS for r in page.removed)
