"""The grouping decision (stories/grouping.py) on bodies written for the test."""

from __future__ import annotations

from marketdesk.stories.grouping import (
    THRESHOLD,
    Candidate,
    choose_story,
    containment,
    jaccard,
)
from marketdesk.stories.signature import Signature, signature

STORY = [
    f"Sentence {i}: the harbour authority of Port Elsewhere said cargo volumes rose by "
    f"{i * 3} percent in the month, as shipping lines {i} added routes to the north."
    for i in range(20)
]
OTHER = [
    f"Point {i}: traders at the Elsewhere exchange watched cargo figures closely and bid "
    f"up shares of shipping group number {i} before the harbour data came out on Friday."
    for i in range(20)
]


def sig(paragraphs: list[str]) -> Signature:
    s = signature(None, paragraphs)
    assert s is not None
    return s


def test_a_cut_copy_with_a_promo_joins_the_story() -> None:
    cut = [*STORY[:12], "Sign up for our newsletter to get the day's top stories."]
    assert jaccard(sig(cut), sig(STORY)) < 0.8
    assert containment(sig(cut), sig(STORY)) >= THRESHOLD
    assert choose_story(sig(cut), [Candidate(1, 10, sig(STORY))]) == 10


def test_another_article_on_the_subject_is_a_new_story() -> None:
    assert choose_story(sig(OTHER), [Candidate(1, 10, sig(STORY))]) is None
    assert choose_story(sig(STORY), []) is None


def test_the_choice_does_not_depend_on_candidate_order() -> None:
    cands = [
        Candidate(1, 30, sig(STORY)),
        Candidate(2, 20, sig(STORY)),
        Candidate(3, 5, sig(OTHER)),
    ]
    assert choose_story(sig(STORY), cands) == 20
    assert choose_story(sig(STORY), cands[::-1]) == 20


def test_two_pages_of_one_site_must_be_near_identical() -> None:
    # Another article of the same site that carries most of this one's text in a sidebar
    # reads as containing it; from another site that is a copy, from the same site it is not.
    sidebar = [*OTHER, *STORY[:14]]
    stored = [Candidate(1, 10, sig(STORY), "news.example")]
    assert containment(sig(sidebar), sig(STORY)) >= THRESHOLD
    assert choose_story(sig(sidebar), stored, "partner.example") == 10
    assert choose_story(sig(sidebar), stored, "news.example") is None
    # The same story at a second address of the site, one sentence corrected: one article.
    corrected = [*STORY[:-1], "Sentence 19: the harbour authority later revised the figure."]
    assert choose_story(sig(corrected), stored, "news.example") == 10
    # An unknown site ("") is never the same site as another unknown one.
    unknown = [Candidate(1, 10, sig(STORY), "")]
    assert choose_story(sig(sidebar), unknown, "") == 10


def test_one_site_s_pages_under_other_headlines_are_other_articles() -> None:
    # Extraction kept the site's blurb as the body of two posts: equal bodies, one site.
    stored = [Candidate(1, 10, sig(STORY), "blog.example", "The human bowling ball")]
    assert choose_story(sig(STORY), stored, "blog.example", "Creative food sculptures") is None
    assert choose_story(sig(STORY), stored, "blog.example", "The Human Bowling-Ball") == 10
    assert choose_story(sig(STORY), stored, "partner.example", "Retitled by a partner") == 10
