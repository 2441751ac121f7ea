"""Tone (enrich/tone.py) on sentences written for the test."""

from __future__ import annotations

from marketdesk.enrich.tone import NEGATIVE, POSITIVE, tone
from marketdesk.model import Article


def art(title: str | None, *paragraphs: str) -> Article:
    return Article(title=title, paragraphs=paragraphs)


def test_good_and_bad_news() -> None:
    good = tone(art("Shares rally to a record", "Profits rose and the outlook improved."))
    bad = tone(art("Stocks slump on recession fears", "Losses widened as sales fell."))
    assert good.label == "positive" and good.score > 0.5
    assert bad.label == "negative" and bad.score < -0.5
    assert tone(art(None, "The meeting is on Thursday.")).label == "neutral"
    assert tone(art(None)).score == 0.0


def test_a_negation_turns_a_word_and_one_word_stays_near_neutral() -> None:
    assert tone(art(None, "Profits did not rise, and sales did not improve.")).label == "negative"
    assert tone(art(None, "Sales rose.")).label == "positive"
    assert abs(tone(art(None, "Sales rose.")).score) < 0.5  # one word is weak evidence


def test_the_lists_do_not_overlap() -> None:
    assert not POSITIVE & NEGATIVE
