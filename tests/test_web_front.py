"""The front page in process: the market line with each quote's age, gainers and losers, top
stories (copies counted once, with their publishers) and the latest, filters and their 400s."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from marketdesk.app.desk import Desk
from marketdesk.model import (
    Annotations,
    Article,
    Entity,
    EntityKind,
    InstrumentRef,
    Mention,
    Page,
    Quote,
    RawDocument,
    TopicTag,
)
from marketdesk.store import open_storage
from marketdesk.web.app import create_app
from marketdesk.web.security import CSP
from support import make_desk

AT = datetime(2026, 3, 2, 20, 18, tzinfo=UTC)  # Monday 15:18 in Toronto: TSX and NYSE open

TRADE = (
    "Exporters in Osaka and Nagoya braced for a slower spring after new tariffs on machine "
    "parts took effect, and shipping agents said bookings for April had fallen by a fifth.",
    "Officials in Tokyo said talks with their trading partners would resume next month, while "
    "manufacturers asked for relief on the duties that now apply to most of their parts.",
)
RATES = (
    "The central bank held its key rate for a third meeting and said inflation was cooling "
    "more slowly than it had hoped, leaving borrowers to wait for the cuts they expected.",
    "Economists had been split on the decision; most now see the first cut in the autumn.",
)
LUMBER = (
    "Sawmills across the prairies cut shifts this week as lumber prices slid for a fourth "
    "month and builders in the south delayed projects until mortgage costs come down.",
    "Mill owners said the slowdown would last into the summer unless demand picked up.",
)


def annotations(topic: str, label: str, place: tuple[str, str, str] | None = None) -> Annotations:
    """As enrichment stores them: a place (name, key, its country's alpha-3) gives the story
    that country and the Nikkei."""
    entities: tuple[Entity, ...] = ()
    instruments: tuple[InstrumentRef, ...] = ()
    countries: tuple[str, ...] = ()
    if place is not None:
        name, key, country = place
        mention = Mention(text=name, start=0, end=len(name), sentence=0)
        entities = (Entity(0, EntityKind.PLACE, name, (mention,), 1.0, key=key),)
        instruments = (InstrumentRef("nikkei225", 0.9, f"{name} is named in the story"),)
        countries = (country,)
    return Annotations(
        entities=entities,
        topics=(TopicTag(topic, label, 1.0),),
        instruments=instruments,
        countries=countries,
    )


def store_story(
    db: str,
    title: str,
    paragraphs: tuple[str, ...],
    published: datetime,
    publishers: list[str],
    notes: Annotations,
) -> None:
    store = open_storage(db)
    try:
        for n, publisher in enumerate(publishers):
            host = publisher.lower().replace(" ", "-") + ".example"
            url = f"https://{host}/news/{'-'.join(title.lower().split())}"
            page = Page(
                source=url,
                kind="html",
                article=Article(
                    title=title,
                    paragraphs=paragraphs,
                    published=published + timedelta(minutes=5 * n),
                    publisher=publisher,
                    url=url,
                ),
            )
            raw = RawDocument(url, f"{title} {publisher}".encode(), published, url=url)
            store.add_page(raw, page, [], annotations=notes)
    finally:
        store.close()


def q(key: str, at: datetime, last: float, change: float, source: str = "page") -> Quote:
    return Quote(key, key, at, last, change, change / (last - change) * 100, source)


QUOTES = [
    q("tsx", AT - timedelta(minutes=5), 21_500.0, 255.0),  # open market, 5 minutes ago
    q("sp500", datetime(2026, 2, 27, 21, tzinfo=UTC), 6_000.0, -30.0),  # Friday's close
    q("dji", AT - timedelta(hours=3), 44_000.0, -670.0),  # this morning, market open
    q("btccad", AT - timedelta(minutes=10), 90_000.0, 2_620.0),  # round the clock
    q("nikkei225", datetime(2026, 3, 2, 6, 30, tzinfo=UTC), 38_000.0, 150.0),  # closed since
    q("ftse100", datetime(2026, 2, 27, 16, 30, tzinfo=UTC), 9_000.0, 0.0),  # Friday, unmoved
]


@pytest.fixture
def desk_db(db_path: str) -> str:
    store_story(
        db_path,
        "Tariffs on machine parts hit Japan's exporters",
        TRADE,
        AT - timedelta(hours=12),
        ["North Wire", "Harbour Daily", "Valley Post"],
        annotations("trade", "Trade and tariffs", ("Japan", "place:jp", "JPN")),
    )
    store_story(
        db_path,
        "Central bank holds its key rate again",
        RATES,
        AT - timedelta(hours=1),
        ["Harbour Daily"],
        annotations("monetary", "Monetary policy"),
    )
    store_story(
        db_path,
        "Prairie sawmills cut shifts as lumber slides",
        LUMBER,
        AT - timedelta(hours=24),
        ["Valley Post"],
        annotations("commodities", "Commodities"),
    )
    store = open_storage(db_path)
    try:
        store.add_quotes(QUOTES)
    finally:
        store.close()
    return db_path


class Client:
    def __init__(self, desk: Desk) -> None:
        self.transport = httpx.ASGITransport(app=create_app(desk))

    def get(self, path: str, **params: str) -> httpx.Response:
        async def go() -> httpx.Response:
            async with httpx.AsyncClient(transport=self.transport, base_url="http://desk") as c:
                return await c.get(path, params=params)

        return asyncio.run(go())

    def json(self, path: str, **params: str) -> Any:
        answer = self.get(path, **params)
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture
def client(desk_db: str) -> Iterator[Client]:
    desk = make_desk(desk_db, now=AT)
    yield Client(desk)
    desk.close()


def by_name(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["instrument"]: i for i in items}


def test_the_strip_says_how_old_each_quote_is_that_is_not_current(client: Client) -> None:
    data = client.json("/.json")
    assert data["market_status"] == "Canada markets close in 42 minutes"
    assert data["market_open"] is True and data["as_of"] == AT.isoformat()
    assert data["next_change"] == "2026-03-02T21:00:00+00:00"
    strip = by_name(data["strip"])
    assert list(strip) == ["tsx", "sp500", "dji", "btccad", "ftse100", "nikkei225"]  # edition order
    ages = {k: (i["current"], i["age"], i["when"]) for k, i in strip.items()}
    assert ages == {
        "tsx": (True, None, "15:13"),  # Toronto time
        "sp500": (False, "2 days old", "2 days old"),  # Friday's close, the NYSE open again
        "dji": (False, "as of Mar 2, 12:18", "as of Mar 2, 12:18"),
        "btccad": (True, None, "15:08"),
        "ftse100": (False, "3 days old", "3 days old"),  # London closed, but not since Friday
        "nikkei225": (True, None, "01:30"),  # Tokyo's close: nothing newer until it opens
    }
    assert strip["tsx"]["trend"] == "up" and strip["sp500"]["trend"] == "down"
    assert strip["ftse100"]["trend"] == ""

    html = client.get("/").text
    assert '<p class="market-status open" aria-live="polite">' in html
    assert '<li class="down stale">' in html and ">2 days old</time>" in html
    assert ">as of Mar 2, 12:18</time>" in html and ">15:13</time>" in html
    assert 'data-live="/editions/ca/live"' in html
    assert '<script src="/static/live.js" defer></script>' in html


def test_gainers_and_losers_of_the_editions_instruments(client: Client) -> None:
    data = client.json("/.json")
    gainers = [(g["instrument"], round(g["change_pct"], 2)) for g in data["gainers"]]
    losers = [(g["instrument"], round(g["change_pct"], 2)) for g in data["losers"]]
    assert gainers == [("btccad", 3.0), ("tsx", 1.2), ("nikkei225", 0.4)]
    assert losers == [("dji", -1.5), ("sp500", -0.5)]  # ftse100 did not move: in neither
    assert data["losers"][1]["age"] == "2 days old"
    assert data["gainers"][0]["display"]["change_pct"] == "(+3.00%)"
    html = client.get("/").text
    assert html.index("Gainers") < html.index("Bitcoin CAD", html.index("Gainers"))


def test_a_story_with_several_copies_counts_once_with_its_publishers(client: Client) -> None:
    data = client.json("/.json")
    latest = [(s["title"], s["copies"], len(s["publishers"])) for s in data["stories"]]
    assert latest == [
        ("Central bank holds its key rate again", 1, 1),
        ("Tariffs on machine parts hit Japan's exporters", 3, 3),
        ("Prairie sawmills cut shifts as lumber slides", 1, 1),
    ]
    tariffs = data["stories"][1]
    assert tariffs["publishers"] == ["North Wire", "Harbour Daily", "Valley Post"]
    assert tariffs["url"] == f"/stories/{tariffs['id']}"  # the first copy's page
    # Top: three publishers twelve hours ago outrank one an hour ago.
    assert [s["title"] for s in data["top"]][:2] == [
        "Tariffs on machine parts hit Japan's exporters",
        "Central bank holds its key rate again",
    ]
    html = client.get("/").text
    assert "3 publishers" in html and 'title="North Wire, Harbour Daily, Valley Post"' in html
    assert 'href="/?edition=ca&amp;topic=trade">Trade and tariffs</a>' in html


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({"topic": "trade"}, ["Tariffs on machine parts hit Japan's exporters"]),
        ({"topic": " Monetary "}, ["Central bank holds its key rate again"]),
        ({"country": "JPN"}, ["Tariffs on machine parts hit Japan's exporters"]),
        ({"entity": "japan"}, ["Tariffs on machine parts hit Japan's exporters"]),
        ({"instrument": "Nikkei 225"}, ["Tariffs on machine parts hit Japan's exporters"]),
        ({"topic": "trade", "instrument": "sp500"}, []),
    ],
)
def test_filters(client: Client, params: dict[str, str], titles: list[str]) -> None:
    data = client.json("/.json", **params)
    assert [s["title"] for s in data["stories"]] == titles
    assert [s["title"] for s in data["top"]] == titles
    assert {k: v for k, v in data["filters"].items() if v} == {
        k: v.strip() for k, v in params.items()
    }
    html = client.get("/", **params).text
    if not titles:
        assert "No stories match these filters." in html


def test_the_country_filter_reads_the_countries_enrichment_stored(desk_db: str) -> None:
    # A story of Osaka: enrichment stored Japan among its countries, though Japan is none of
    # its entities. The front page finds it by country, as `marketdesk stories --country` does.
    osaka = Mention(text="Osaka", start=0, end=5, sentence=0)
    store_story(
        desk_db,
        "Osaka port handles record container volumes",
        RATES,
        AT - timedelta(hours=2),
        ["Harbour Daily"],
        Annotations(
            entities=(Entity(0, EntityKind.PLACE, "Osaka", (osaka,), 1.0, key="city:osaka"),),
            topics=(TopicTag("shipping", "Shipping", 1.0),),
            countries=("JPN",),
        ),
    )
    desk = make_desk(desk_db, now=AT)
    try:
        data = Client(desk).json("/.json", country="jpn")
        assert [s["title"] for s in data["stories"]] == [
            "Osaka port handles record container volumes",
            "Tariffs on machine parts hit Japan's exporters",
        ]
        assert [s["title"] for s in Client(desk).json("/.json", entity="place:jp")["stories"]] == [
            "Tariffs on machine parts hit Japan's exporters"
        ]
    finally:
        desk.close()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"topic": "weather"}, "no topic 'weather'; the topics are"),
        ({"country": "Atlantis"}, "no country 'Atlantis'"),
        ({"instrument": "nope"}, "no instrument 'nope'"),
        ({"entity": "Japan", "country": "JPN"}, "give an entity or a country, not both"),
        ({"entity": "x" * 201}, "entity is too long (at most 200 characters)"),
        ({"page": "0"}, "page must be from 1"),
        ({"page": "two"}, "page must be a whole number"),
    ],
)
def test_bad_filters_are_a_400_with_a_message(
    client: Client, params: dict[str, str], message: str
) -> None:
    answer = client.get("/.json", **params)
    assert answer.status_code == 400
    assert message in answer.json()["error"]
    page = client.get("/", **params)
    assert page.status_code == 400 and "Bad request" in page.text


def test_editions_have_their_own_page_and_twin(client: Client) -> None:
    assert client.json("/editions/us.json") == client.json("/.json", edition="us")
    us = client.get("/editions/us").text
    assert 'href="/editions/us" aria-current="page"' in us
    assert 'data-live="/editions/us/live"' in us
    assert client.json("/editions/us.json")["market_status"] == "U.S. markets close in 42 minutes"
    for path in ("/editions/zz", "/editions/zz.json", "/editions/zz/live"):
        assert client.get(path).status_code == 404, path
    assert "unknown edition 'zz'" in client.get("/editions/zz.json").json()["error"]


WORDS = (
    "copper",
    "wheat",
    "steel",
    "timber",
    "cotton",
    "barley",
    "coffee",
    "cocoa",
    "sugar",
    "rubber",
    "nickel",
    "zinc",
    "tin",
    "wool",
    "salt",
    "rice",
    "corn",
    "oats",
    "soy",
    "canola",
    "lentils",
    "apples",
    "grapes",
    "pears",
    "cherries",
    "salmon",
    "cod",
    "tuna",
    "cement",
    "glass",
    "paper",
    "pulp",
    "coal",
    "lithium",
    "cobalt",
    "silver",
    "gold",
    "platinum",
    "fertiliser",
    "potash",
    "cattle",
    "pork",
    "poultry",
    "eggs",
    "milk",
    "cheese",
    "butter",
    "honey",
    "tea",
    "spices",
    "wine",
    "beer",
    "textiles",
    "shoes",
)


def report(n: int) -> tuple[str, ...]:
    """Two paragraphs of cargo that share few phrases with another report's."""
    rng = random.Random(n)
    return tuple(
        "Port figures for " + ", ".join(rng.sample(WORDS, 24)) + " were filed today."
        for _ in range(2)
    )


def test_pages_keep_their_filters(db_path: str) -> None:
    for n in range(22):
        store_story(
            db_path,
            f"Harbour report number {n} on trade flows",
            report(n),
            AT - timedelta(days=n + 1),
            [f"Port Wire {n}"],
            annotations("trade", "Trade and tariffs"),
        )
    with make_desk(db_path, now=AT) as desk:
        client = Client(desk)
        first = client.json("/.json", topic="trade")
        assert len(first["stories"]) == 20
        assert first["next"] == "/.json?edition=ca&topic=trade&page=2"
        second = client.json("/.json", topic="trade", page="2")
        assert len(second["stories"]) == 2 and second["top"] == []
        assert second["previous"] == "/.json?edition=ca&topic=trade"
        html = client.get("/", topic="trade").text
        assert 'href="/?edition=ca&amp;topic=trade&amp;page=2">Older</a>' in html


def test_the_policy_allows_the_desks_own_scripts_and_stream_only() -> None:
    assert "script-src 'self'" in CSP and "connect-src 'self'" in CSP
    assert "unsafe" not in CSP and "default-src 'none'" in CSP


def test_an_empty_desk_says_so(db_path: str) -> None:
    with make_desk(db_path, now=AT) as desk:
        client = Client(desk)
        data = client.json("/.json")
        assert data["strip"] == [] and data["gainers"] == [] and data["top"] == []
        html = client.get("/").text
        assert "No quotes stored for this edition yet." in html
        assert "No stories yet." in html
