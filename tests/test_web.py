"""The web desk, in process: every page and its JSON twin."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from marketdesk.extract import extract
from marketdesk.ingest.pipeline import page_quotes
from marketdesk.markets.registry import Registry
from marketdesk.model import RawDocument
from marketdesk.store.sqlite import SQLiteStorage
from marketdesk.web.app import create_app

AT = datetime(2024, 7, 5, 19, 41, tzinfo=UTC)
HOSTILE = b"""<script>alert('x')</script> Markets <b>bold</b> headline here

Shares rose on Monday <img src=x onerror=alert(1)> as traders bought banks and energy companies after a strong jobs report.

Bond yields climbed and the dollar firmed against the yen in afternoon trading in New York.
"""


class Client:
    """httpx against the ASGI app in process, no server and no sockets."""

    def __init__(self, app: Any) -> None:
        self.transport = httpx.ASGITransport(app=app)

    def get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        async def go() -> httpx.Response:
            async with httpx.AsyncClient(transport=self.transport, base_url="http://desk") as c:
                return await c.get(path, params=params)

        return asyncio.run(go())


@pytest.fixture
def client(db_path: str, reference_page: Path) -> Iterator[Client]:
    store = SQLiteStorage(db_path)
    registry = Registry.bundled()
    for raw in (
        RawDocument(source=str(reference_page), content=reference_page.read_bytes()),
        RawDocument(source="hostile.txt", content=HOSTILE),
    ):
        page = extract(raw)
        store.add_page(replace(raw, fetched_at=AT), page, page_quotes(page, AT, registry))
    store.close()
    yield Client(create_app(db_path, edition="ca"))


def test_front_page_and_twin(client: Client) -> None:
    html = client.get("/")
    assert html.status_code == 200
    assert "Content-Security-Policy" in html.headers
    assert "S&amp;P/TSX" in html.text and "22,095.93" in html.text
    assert "Kishida" in html.text
    data = client.get("/.json").json()
    assert data["edition"] == "ca"
    assert data["market_status"].startswith("Canada markets")
    assert [i["name"] for i in data["strip"]][:3] == ["S&P/TSX", "S&P 500", "DOW"]
    assert data["strip"][0]["display"] == {
        "last": "22,095.93",
        "change": "-148.09",
        "change_pct": "(-0.67%)",
    }
    assert len(data["stories"]) == 2


def test_story_page_and_twin(client: Client) -> None:
    page = client.get("/stories/1")
    assert page.status_code == 200
    assert "South China Morning Post" in page.text
    assert "All rights reserved" in page.text
    data = client.get("/stories/1.json").json()
    assert data["origin"] == "South China Morning Post"
    assert len(data["paragraphs"]) == 26
    assert data["copyright"].startswith("Copyright")
    assert {r["kind"] for r in data["removed"]} >= {"ad", "promo", "syndication", "ticker"}


def test_untrusted_text_is_escaped(client: Client) -> None:
    story = next(s for s in client.get("/.json").json()["stories"] if s["id"] == 2)
    page = client.get(story["url"])
    assert "<script>" not in page.text and "<img src=x" not in page.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page.text


def test_missing_story_and_bad_params(client: Client) -> None:
    assert client.get("/stories/999").status_code == 404
    assert client.get("/stories/999.json").json() == {"error": "no such story"}
    assert client.get("/?edition=zz").status_code == 404
    assert client.get("/.json?page=abc").status_code == 400


def test_search(client: Client) -> None:
    data = client.get("/search.json", params={"q": "Kishida seafood"}).json()
    assert [s["id"] for s in data["stories"]] == [1]
    assert client.get("/search", params={"q": "Kishida"}).status_code == 200


def test_other_edition(client: Client) -> None:
    data = client.get("/.json", params={"edition": "us"}).json()
    assert data["edition"] == "us"
