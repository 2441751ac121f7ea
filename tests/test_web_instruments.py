"""The instrument page and its JSON twin, in process (httpx.ASGITransport), from bundled data."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime

import httpx
import pytest

from marketdesk.markets.providers import SeriesRequest
from marketdesk.markets.providers.bundled import BundledProvider
from marketdesk.markets.registry import Registry
from marketdesk.model import Quote
from marketdesk.store import open_storage
from marketdesk.web.app import create_app
from support import make_desk


def get(app: object, path: str, params: dict[str, str] | None = None) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://desk") as c:
            return await c.get(path, params=params)

    return asyncio.run(go())


@pytest.fixture
def app(db_path: str) -> Iterator[object]:
    reg = Registry.bundled()
    sp = reg.instrument("sp500")
    store = open_storage(db_path)
    store.add_quotes(BundledProvider().fetch(sp, SeriesRequest(date(2024, 1, 1), date(2024, 7, 5))))
    # An intraday observation after the close: the daily view keeps it as the day's last quote.
    store.add_quotes(
        [
            Quote(
                "sp500",
                "S&P 500",
                datetime(2024, 7, 5, 21, 30, tzinfo=UTC),
                5570.0,
                None,
                None,
                "page",
            )
        ]
    )
    store.close()
    desk = make_desk(db_path, edition="us", now=datetime(2024, 7, 8, 12, tzinfo=UTC))
    yield create_app(desk)
    desk.close()


def test_instrument_page_has_facts_latest_quote_table_and_chart(app: object) -> None:
    page = get(app, "/instruments/sp500", {"from": "2024-06-01", "to": "2024-07-05"})
    assert page.status_code == 200
    html = page.text
    assert "<h1>S&amp;P 500</h1>" in html and "XNYS" in html and "yahoo: ^GSPC" in html
    assert '<span class="last">5,570.00</span>' in html
    assert '<svg class="chart' in html and "<polyline" in html
    assert "<script" not in html and "style=" not in html
    rows = re.findall(r"<tr class=\"[a-z]*\">\s*<td><time datetime=\"([^\"]+)\"", html)
    assert rows[0].startswith("2024-07-05T21:30") and rows[1].startswith("2024-07-03")
    assert 'href="/instruments/sp500.json?from=2024-06-01&amp;to=2024-07-05"' in html


def test_instrument_json_twin_ranges_and_resolution(app: object) -> None:
    data = get(app, "/instruments/sp500.json", {"from": "2024-07-01", "to": "2024-07-05"}).json()
    assert data["key"] == "sp500" and data["kind"] == "index" and data["decimals"] == 2
    assert data["symbols"]["yahoo"] == "^GSPC"
    assert data["resolution"] == "daily"
    assert [h["at"][:10] for h in data["history"]] == [
        "2024-07-01", "2024-07-02", "2024-07-03", "2024-07-05",
    ]  # fmt: skip
    last = data["history"][-1]
    assert last["last"] == 5570.0 and last["source"] == "page"
    assert last["change"] == pytest.approx(5570.0 - 5537.02)  # day over day, unrounded
    assert last["display"] == {"last": "5,570.00", "change": "+32.98", "change_pct": "(+0.60%)"}
    assert data["latest"]["last"] == 5570.0
    intraday = get(
        app, "/instruments/sp500.json", {"from": "2024-07-05", "to": "2024-07-05",
                                         "resolution": "intraday"}
    ).json()  # fmt: skip
    assert [h["source"] for h in intraday["history"]] == ["bundled", "page"]


def test_instrument_errors(app: object) -> None:
    missing = get(app, "/instruments/nope.json")
    assert missing.status_code == 404 and "unknown instrument 'nope'" in missing.json()["error"]
    assert get(app, "/instruments/nope").status_code == 404
    for params in (
        {"from": "2024-07-05T10:00"},
        {"from": "soon"},
        {"from": "2024-07-05", "to": "2024-07-01"},
        {"resolution": "weekly"},
        {"from": "1900-01-01", "to": "2024-01-01"},
    ):
        response = get(app, "/instruments/sp500.json", params)
        assert response.status_code == 400, params
        assert response.json()["error"]
    empty = get(app, "/instruments/tsx")
    assert empty.status_code == 200 and "No quotes stored yet" in empty.text


def test_front_page_strip_links_to_instrument_pages(app: object) -> None:
    html = get(app, "/").text
    assert '<a href="/instruments/sp500">S&amp;P 500</a>' in html
