"""The original publisher of a story from its copies (stories/origin.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from marketdesk.stories.origin import Copy, host, story_origin

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
T1 = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)


def copy(
    i: int,
    url: str,
    publisher: str | None,
    *,
    canonical: str | None = None,
    origin: str | None = None,
    published: datetime | None = None,
) -> Copy:
    return Copy(i, url, canonical, publisher, origin, published, T1)


def test_a_credit_on_any_copy_wins() -> None:
    copies = [
        copy(1, "https://portal.example/a", "Portal", published=T0),
        copy(2, "https://aggregator.example/b", "Aggregator", origin="Harbour Gazette"),
    ]
    assert story_origin(copies) == "Harbour Gazette"


def test_a_canonical_link_to_another_site_names_that_site() -> None:
    present = [
        copy(1, "https://portal.example/a", "Portal", canonical="https://gazette.example/s"),
        copy(2, "https://www.gazette.example/s", "Harbour Gazette", published=T1),
    ]
    assert story_origin(present) == "Harbour Gazette"
    absent = present[:1]
    assert story_origin(absent) == "gazette.example"


def test_else_the_earliest_copy_publisher() -> None:
    copies = [
        copy(1, "https://portal.example/a", "Portal", published=T1),
        copy(
            2,
            "https://gazette.example/s",
            "Harbour Gazette",
            published=T0,
            canonical="https://gazette.example/s",
        ),
    ]
    assert story_origin(copies) == "Harbour Gazette"
    assert story_origin([]) is None


def test_host() -> None:
    assert host("https://WWW.Example.org:8443/x") == "example.org"
    assert host(None) is None and host("not a url") is None
