"""The pure parts of search shared by both backends: a page of stories from ranked matches."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from marketdesk.store.searching import FIRST_SCAN, count_from_scan, page_of_stories


def _ranked(
    matches: list[tuple[int, int]], asked: list[int]
) -> Callable[[int], Sequence[tuple[int, int]]]:
    """The ranked list's first `scan` matches, noting each scan asked for."""

    def ranked(scan: int) -> Sequence[tuple[int, int]]:
        asked.append(scan)
        return matches[:scan]

    return ranked


def test_a_page_shows_each_story_once_by_its_best_copy() -> None:
    # (article, story), best first: story 1's copies 10 and 12, story 2's copy 11.
    matches = [(10, 1), (11, 2), (12, 1), (13, 3)]
    asked: list[int] = []
    assert page_of_stories(_ranked(matches, asked), 0, 2) == [10, 11]
    assert page_of_stories(_ranked(matches, asked), 1, 5) == [11, 13]


def test_the_scan_widens_while_the_page_lacks_stories_and_more_matches_may_come() -> None:
    # Many copies of one story first: the page needs a wider scan to find a second story.
    matches = [(i, 1) for i in range(FIRST_SCAN * 2)] + [(1000, 2)]
    asked: list[int] = []
    assert page_of_stories(_ranked(matches, asked), 0, 2, most=2000) == [0, 1000]
    assert asked == [FIRST_SCAN, FIRST_SCAN * 4]


def test_fewer_matches_than_the_scan_asked_for_are_all_of_them() -> None:
    """A rare query's few matches hold fewer stories than a page: they came at the first
    scan, and no wider one is asked for (each is a new ranking on PostgreSQL)."""
    asked: list[int] = []
    assert page_of_stories(_ranked([(7, 1), (8, 2)], asked), 0, 21, most=2000) == [7, 8]
    assert asked == [4 * 21]  # four matches a story wanted, once
    asked.clear()
    assert page_of_stories(_ranked([], asked), 0, 21, most=2000) == []
    assert len(asked) == 1


def test_the_scan_settles_the_count_when_it_holds_every_match_or_more_than_the_cap() -> None:
    assert count_from_scan(5, 3, cap=1000, most=2000) == 3  # every match was read
    assert count_from_scan(2000, 1500, cap=1000, most=2000) == 1001  # more than the cap
    assert count_from_scan(2000, 900, cap=1000, most=2000) is None  # count apart
