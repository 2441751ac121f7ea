"""What both backends' ``search_stories`` share: a page of stories from the best-ranked
matches, each story once as its best copy, read a few more matches at a time.

A backend hands over ``ranked(scan)``: the (article id, story id) of its ``scan`` best-ranked
matches among the ``SEARCH_SCAN`` stored last that the filters keep, best first. The page
asks for a few more matches than it shows, and more again while copies of one story leave
too few, up to ``SEARCH_SCAN``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from marketdesk.store.base import SEARCH_SCAN

__all__ = ["annotation_filters", "count_from_scan", "page_of_stories"]

FIRST_SCAN = 64  # matches read first, at least (four a story shown, at least)


def annotation_filters(
    topic: str | None, instrument: str | None, country: str | None
) -> list[tuple[str, str, str]]:
    """The story filters kept in a table of their own, as (table, column, value): each value
    as its table stores it (a topic's code and an instrument's key casefolded, a country's
    alpha-3 code upper case); the filters not given are left out."""
    given = (
        ("article_topics", "topic", None if topic is None else topic.strip().casefold()),
        (
            "article_instruments",
            "instrument",
            None if instrument is None else instrument.strip().casefold(),
        ),
        ("article_countries", "country", None if country is None else country.strip().upper()),
    )
    return [(table, column, value) for table, column, value in given if value is not None]


def page_of_stories(
    ranked: Callable[[int], Sequence[tuple[int, int]]],
    offset: int,
    limit: int,
    most: int = SEARCH_SCAN,
) -> list[int]:
    """The article ids of stories ``offset`` to ``offset + limit``, best first."""
    wanted = offset + limit
    scan = min(most, max(4 * wanted, FIRST_SCAN))
    while True:
        best: dict[int, int] = {}  # story id -> its best copy, best story first
        matches = ranked(scan)
        for article_id, story_id in matches:
            best.setdefault(story_id, article_id)
        # Fewer matches than asked for: they were all of them, and a wider scan finds no more
        # (PostgreSQL ranked again three times over for a rare word's few stories).
        if len(best) >= wanted or scan >= most or len(matches) < scan:
            return list(best.values())[offset:wanted]
        scan = min(most, scan * 4)


def count_from_scan(matched: int, stories: int, cap: int, most: int = SEARCH_SCAN) -> int | None:
    """``search_and_count``'s count from its own scan of ``matched`` newest matches (of at
    most ``most``) holding ``stories`` stories: settled when those are more than ``cap``, or
    when the scan held every match; None: count apart."""
    if stories > cap or matched < most:
        return min(stories, cap + 1)
    return None
