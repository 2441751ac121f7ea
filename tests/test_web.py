"""The web desk, in process: every page and its JSON twin, from pages written for the project."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from marketdesk.app.ingest import store_document
from marketdesk.model import RawDocument
from marketdesk.web.app import create_app
from support import make_desk

AT = datetime(2026, 3, 2, 20, 18, tzinfo=UTC)  # 15:18 in Toronto: 42 minutes to the close
WEB = Path(__file__).parent / "fixtures" / "web"


class Client:
    """httpx against the ASGI app in process, no server and no sockets."""

    def __init__(self, app: Any) -> None:
        self.transport = httpx.ASGITransport(app=app)

    def get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        async def go() -> httpx.Response:
            async with httpx.AsyncClient(transport=self.transport, base_url="http://desk") as c:
                return await c.get(path, params=params)

        return asyncio.run(go())


def ingest(db: str, *paths: Path, at: datetime = AT) -> None:
    with make_desk(db, now=at) as desk:
        for path in paths:
            store_document(desk, RawDocument(source=path.name, content=path.read_bytes()))


@pytest.fixture
def client(db_path: str) -> Iterator[Client]:
    ingest(db_path, WEB / "portal-syndicated.txt", WEB / "portal-hostile.txt")
    desk = make_desk(db_path, now=AT)
    yield Client(create_app(desk))
    desk.close()


def test_front_page_and_twin(client: Client) -> None:
    html = client.get("/")
    assert html.status_code == 200
    assert "Content-Security-Policy" in html.headers
    assert "S&amp;P/TSX" in html.text and "21,480.12" in html.text
    assert "Prairie lumber mills" in html.text
    assert (
        '<p class="market-status open" aria-live="polite">Canada markets close in 42 minutes</p>'
        in html.text
    )
    data = client.get("/.json").json()
    assert data["edition"] == "ca"
    assert data["market_status"] == "Canada markets close in 42 minutes"
    assert [i["name"] for i in data["strip"]] == [
        "S&P/TSX",
        "S&P 500",
        "DOW",
        "CAD/USD",
        "CRUDE OIL",
    ]
    assert data["strip"][0]["display"] == {
        "last": "21,480.12",
        "change": "-95.30",
        "change_pct": "(-0.44%)",
    }
    assert data["strip"][0]["url"] == "/instruments/tsx"
    assert len(data["stories"]) == 2 and data["next"] is None


def test_a_loss_too_small_to_show_reads_the_same_on_every_page(client: Client) -> None:
    # The DOW fell 0.11 points, -0.0003 %: "-0.00%" on the front page and the instrument page.
    front = client.get("/.json").json()
    dow = next(i for i in front["strip"] if i["name"] == "DOW")
    assert dow["display"]["change_pct"] == "(-0.00%)"
    page = client.get("/instruments/dji.json").json()
    assert page["latest"]["display"]["change_pct"] == "(-0.00%)"
    assert "(-0.00%)" in client.get("/").text and "(-0.00%)" in client.get("/instruments/dji").text


def test_story_page_and_twin(client: Client) -> None:
    page = client.get("/stories/1")
    assert page.status_code == 200
    assert 'Originally published by <strong class="origin">Prairie Ledger</strong>' in page.text
    assert "All rights reserved" in page.text
    assert '<link rel="alternate" type="application/json" href="/stories/1.json">' in page.text
    data = client.get("/stories/1.json").json()
    assert data["origin"] == "Prairie Ledger"
    assert len(data["paragraphs"]) == 6
    assert data["copyright"].startswith("Copyright 2026")
    assert {r["kind"] for r in data["removed"]} >= {"ad", "syndication", "ticker", "related"}
    # Enriched as it was stored: the people, organisations and places it names.
    assert '<section class="entities">' in page.text
    linked = re.search(
        r'<li class="entity place"><a class="name" href="(/entities/[^"]+)">Saskatchewan</a>',
        page.text,
    )
    assert linked is not None, "each entity links to its page"
    saskatchewan = next(e for e in data["entities"] if e["name"] == "Saskatchewan")
    assert saskatchewan["type"] == "PLACE" and saskatchewan["mentions"][0]["text"] == "Saskatchewan"


def _grain_page(site: str, credit: str = "", published: str | None = None) -> bytes:
    """A news page of three paragraphs from ``site``, with a credit line after the article
    and a declared publication time where given."""
    paragraphs = "".join(
        f"<p>{text}</p>"
        for text in (
            "Grain elevators across the province reported record deliveries this week as "
            "farmers hurried to move the harvest before the first heavy snow.",
            "Rail operators said they had added cars to the busiest lines and expected the "
            "backlog at the coast to clear by the end of the month.",
            "Buyers in Asia have placed early orders for the new crop, traders said, lifting "
            "prices for milling wheat to their highest level since the spring.",
        )
    )
    when = f'<meta property="article:published_time" content="{published}">' if published else ""
    return (
        f'<html lang="en"><head><meta property="og:site_name" content="{site}">{when}'
        "<title>Record grain deliveries</title></head><body><article>"
        f"<h1>Record grain deliveries</h1>{paragraphs}</article>"
        f"{f'<p>{credit}</p>' if credit else ''}</body></html>"
    ).encode()


def test_story_page_says_who_published_it_and_when_with_the_zone(db_path: str) -> None:
    html = _grain_page("Harbour Ledger", published="2026-03-02T09:30:00+02:00")
    with make_desk(db_path, now=AT) as desk:
        store_document(desk, RawDocument(source="grain.html", content=html))
        page = Client(create_app(desk)).get("/stories/1")
    assert page.status_code == 200
    meta = re.search(r'<p class="meta parts">(.*?)</p>', page.text, re.S)
    assert meta is not None
    assert '<span class="publisher">Harbour Ledger</span>' in meta.group(1)
    assert (
        '<time datetime="2026-03-02T09:30:00+02:00">2026-03-02 09:30 +02:00</time>' in meta.group(1)
    )


def test_untrusted_text_is_escaped(client: Client) -> None:
    story = next(s for s in client.get("/.json").json()["stories"] if s["id"] == 2)
    page = client.get(story["url"])
    assert "<script>" not in page.text and "<img src=x" not in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text


def test_errors_are_pages_for_people_and_objects_for_programs(client: Client) -> None:
    missing = client.get("/stories/999")
    assert missing.status_code == 404
    assert (
        "<title>Not found · marketdesk</title>" in missing.text and "no story 999" in missing.text
    )
    assert client.get("/stories/999.json").json() == {"error": "no story 999"}
    assert client.get("/?edition=zz").status_code == 404
    assert "unknown edition 'zz'" in client.get("/.json?edition=zz").json()["error"]
    bad = client.get("/.json?page=abc")
    assert bad.status_code == 400 and "page must be a whole number" in bad.json()["error"]
    assert client.get("/?page=0").status_code == 400
    nowhere = client.get("/no/such/page")
    assert nowhere.status_code == 404 and "Not found · marketdesk" in nowhere.text
    assert client.get("/no/such/page.json").json() == {"error": "no page here"}


def test_search(client: Client) -> None:
    data = client.get("/search.json", params={"q": "lumber spruce"}).json()
    assert [s["id"] for s in data["stories"]] == [1] and data["next"] is None
    html = client.get("/search", params={"q": "lumber"})
    assert html.status_code == 200 and "Prairie <mark>lumber</mark> mills" in html.text
    assert (
        client.get("/search.json", params={"q": '"; DROP TABLE articles; --'}).json()["stories"]
        == []
    )


def test_a_copy_that_does_not_credit_the_origin_shows_the_storys(db_path: str) -> None:
    credit = "This article originally appeared in the Prairie Gazette."
    with make_desk(db_path, now=AT) as desk:
        for source, site, line in (
            ("https://harbour-ledger.example/grain", "Harbour Ledger", credit),
            ("https://coast-daily.example/grain", "Coast Daily", ""),
        ):
            raw = RawDocument(source=source, content=_grain_page(site, line), url=source)
            store_document(desk, raw)
        client = Client(create_app(desk))
        credited, plain = client.get("/stories/1.json").json(), client.get("/stories/2.json").json()
        assert credited["origin"] == "Prairie Gazette" and plain["origin"] is None
        assert credited["story_origin"] == plain["story_origin"] == "Prairie Gazette"
        assert len(plain["copies"]) == 2
        shown = 'Originally published by <strong class="origin">Prairie Gazette</strong>'
        assert shown in client.get("/stories/2").text
        # A story of one copy: its origin is its own publisher, which the page does not repeat.
        lone_page = (
            '<html lang="en"><head><meta property="og:site_name" content="Lone Post">'
            "<title>Ferry fares rise</title></head><body><article><h1>Ferry fares rise</h1>"
            "<p>The island ferry company will raise its fares by six percent from April, "
            "citing fuel costs and the price of new crew quarters on two vessels.</p>"
            "<p>Commuters who cross daily said the rise would cost them more than a week's "
            "groceries over a year, and asked the council to cap season tickets.</p>"
            "</article></body></html>"
        )
        store_document(desk, RawDocument(source="lone.html", content=lone_page.encode()))
        lone = client.get("/stories/3")
        assert "Originally published" not in lone.text
        assert client.get("/stories/3.json").json()["story_origin"] == "Lone Post"


def test_other_edition_and_links_keep_it(db_path: str) -> None:
    for n in range(25):  # more than a page of stories
        text = f"Story number {n} about markets\n\n" + "Traders bought shares of banks. " * 12
        raw = RawDocument(source=f"s{n}.txt", content=text.encode())
        with make_desk(db_path, now=AT) as desk:
            store_document(desk, raw)
    desk = make_desk(db_path, now=AT)
    client = Client(create_app(desk))
    data = client.get("/.json", params={"edition": "us"}).json()
    assert data["edition"] == "us"
    assert data["next"] == "/.json?edition=us&page=2"
    second = client.get(data["next"]).json()
    assert second["page"] == 2 and len(second["stories"]) == 5 and second["next"] is None
    assert second["previous"] == "/.json?edition=us"
    html = client.get("/", params={"edition": "us"}).text
    assert 'href="/?edition=us&amp;page=2">Older</a>' in html
    desk.close()


def test_a_user_edition_from_the_config_is_served(db_path: str) -> None:
    ingest(db_path, WEB / "portal-syndicated.txt")
    editions = {"watch": {"label": "My", "calendar": "XTSE", "strip": [["tsx", "TSX"], "wti"]}}
    desk = make_desk(db_path, now=AT, edition="watch", user_editions=editions)
    client = Client(create_app(desk))
    data = client.get("/.json").json()
    assert data["edition"] == "watch" and data["market_status"] == "My markets close in 42 minutes"
    assert [i["name"] for i in data["strip"]] == ["TSX", "Crude Oil WTI"]
    desk.close()


@pytest.mark.shared
def test_reference_page_on_the_desk(db_path: str, reference_page: Path) -> None:
    ingest(db_path, reference_page, at=datetime(2024, 7, 5, 19, 41, tzinfo=UTC))
    desk = make_desk(db_path, now=datetime(2024, 7, 5, 19, 41, tzinfo=UTC))
    client = Client(create_app(desk))
    data = client.get("/.json").json()
    assert data["market_status"] == "Canada markets close in 19 minutes"
    assert len(data["strip"]) == 15
    story = client.get("/stories/1.json").json()
    assert story["origin"] == "South China Morning Post" and len(story["paragraphs"]) == 26
    desk.close()
