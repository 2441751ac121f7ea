"""The entity page and its JSON twin, in process: who or what it is, its roles by date, its
stories over time, the entities it appears with; story pages link their entities to it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from marketdesk.store import open_storage
from marketdesk.web.app import create_app
from support import make_desk
from web_pages_support import add_story, entity, get

AT = datetime(2025, 3, 3, 9, tzinfo=UTC)


@pytest.fixture
def app(db_path: str) -> Iterator[tuple[object, list[int]]]:
    store = open_storage(db_path)
    ids = [
        add_story(
            store,
            f"https://news.example/{n}",
            f"Harbour council vote number {n}",
            AT + timedelta(days=n),
            (
                entity(
                    0,
                    "Mira Okonkwo-Vale",
                    "person",
                    None,
                    ("finance minister",) if n < 2 else ("prime minister",),
                ),
                entity(1, "Japan", "place", "place:jp"),
                *([entity(2, "Lantern <Holdings>", "organisation", None)] if n == 0 else []),
            ),
        )
        for n in range(3)
    ]
    store.close()
    desk = make_desk(db_path, now=AT + timedelta(days=10))
    yield create_app(desk), ids
    desk.close()


def test_entity_page_by_key_says_what_it_is_and_who_it_appears_with(
    app: tuple[object, list[int]],
) -> None:
    client, _ = app
    data = get(client, "/entities/place:jp.json").json()
    assert (data["name"], data["type"], data["key"], data["articles"]) == (
        "Japan",
        "place",
        "place:jp",
        3,
    )
    assert data["wikidata"] == "Q17" and data["wikidata_url"] == "https://www.wikidata.org/wiki/Q17"
    assert data["country"] == "JPN"
    assert [s["title"] for s in data["stories"]] == [
        f"Harbour council vote number {n}" for n in (2, 1, 0)
    ]
    assert [(r["name"], r["stories"]) for r in data["related"]] == [
        ("Mira Okonkwo-Vale", 3), ("Lantern <Holdings>", 1),
    ]  # fmt: skip
    assert data["related"][0]["url"] == "/entities/mira%20okonkwo-vale"
    html = get(client, "/entities/place:jp").text
    assert "<h1>Japan</h1>" in html and 'href="https://www.wikidata.org/wiki/Q17"' in html
    assert "Lantern &lt;Holdings&gt;" in html and "<Holdings>" not in html


def test_an_unlinked_entity_by_its_name_has_its_roles_by_date(
    app: tuple[object, list[int]],
) -> None:
    client, ids = app
    data = get(client, "/entities/mira okonkwo-vale.json").json()
    assert data["key"] is None and data["type"] == "person" and data["wikidata"] is None
    assert [(r["at"][:10], r["roles"]) for r in data["roles"]] == [
        ("2025-03-05", ["prime minister"]),
        ("2025-03-04", ["finance minister"]),
        ("2025-03-03", ["finance minister"]),
    ]
    assert data["roles"][0]["story"] == f"/stories/{ids[2]}"
    html = get(client, "/entities/Mira%20Okonkwo-Vale").text
    assert '<th scope="col">Role</th>' in html and "prime minister" in html


def test_story_pages_link_their_entities(app: tuple[object, list[int]]) -> None:
    client, ids = app
    html = get(client, f"/stories/{ids[0]}").text
    assert '<a class="name" href="/entities/place:jp">Japan</a>' in html
    assert '<a class="name" href="/entities/mira%20okonkwo-vale">Mira Okonkwo-Vale</a>' in html


def test_unknown_and_malformed(app: tuple[object, list[int]]) -> None:
    client, _ = app
    missing = get(client, "/entities/place:zz.json")
    assert missing.status_code == 404 and "no stored story names" in missing.json()["error"]
    assert get(client, "/entities/place:zz").status_code == 404
    assert get(client, "/entities/place:jp.json", {"page": "0"}).status_code == 400
    assert get(client, "/entities/" + "x" * 300 + ".json").status_code == 400
