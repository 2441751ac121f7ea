"""Helpers for the instrument, entity and search page tests: an in-process client, and stories
written for these tests, stored with hand-made annotations (no spaCy needed)."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime
from typing import Any

import httpx

from marketdesk.model import (
    Annotations,
    Article,
    Entity,
    EntityKind,
    InstrumentRef,
    Mention,
    Page,
    RawDocument,
    TopicTag,
)
from marketdesk.store import Storage

# Words the test bodies are drawn from, so that no two stories read alike (near-duplicates
# would be grouped into one story).
VOCAB = tuple(
    [
        "harbour",
        "council",
        "ledger",
        "quarry",
        "orchard",
        "beacon",
        "signal",
        "tariff",
        "weather",
        "lantern",
        "meadow",
        "glacier",
        "canal",
        "bridge",
        "market",
        "sailor",
        "copper",
        "bakery",
        "summit",
        "valley",
        "permit",
        "engine",
        "voyage",
        "cargo",
        "ferry",
        "plaza",
        "timber",
        "cinema",
        "archive",
        "pepper",
        "violin",
        "tunnel",
        "garden",
        "forest",
        "river",
        "island",
        "station",
        "museum",
        "factory",
        "meeting",
        "budget",
        "pension",
        "freight",
        "vessel",
        "runway",
        "chapel",
        "granite",
        "velvet",
        "saddle",
        "compass",
        "marble",
        "thunder",
        "falcon",
        "cobalt",
        "amber",
        "walnut",
        "crimson",
    ]
)


def body(seed: str, words: int = 60) -> tuple[str, ...]:
    rng = random.Random(seed)
    return (" ".join(rng.choice(VOCAB) for _ in range(words)) + ".",)


def get(app: Any, path: str, params: dict[str, str] | None = None) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://desk") as c:
            return await c.get(path, params=params)

    return asyncio.run(go())


def entity(i: int, name: str, kind: str, key: str | None, titles: tuple[str, ...] = ()) -> Entity:
    return Entity(
        id=i,
        kind=EntityKind(kind),
        name=name,
        mentions=(Mention(name, 0, len(name), 0),),
        salience=1.0 / (i + 1),
        titles=titles,
        key=key,
    )


def add_story(
    store: Storage,
    url: str,
    title: str,
    at: datetime,
    entities: tuple[Entity, ...] = (),
    *,
    paragraphs: tuple[str, ...] | None = None,
    publisher: str | None = None,
    topics: tuple[str, ...] = (),
    instruments: tuple[str, ...] = (),
    countries: tuple[str, ...] = (),
) -> int:
    """Store one article (fetched and published at ``at``) with its annotations (``countries``
    as enrichment stores them: those named and those of the places named); its id."""
    page = Page(
        source=url,
        kind="html",
        article=Article(
            title=title,
            paragraphs=paragraphs if paragraphs is not None else body(url),
            published=at,
            publisher=publisher,
        ),
    )
    notes = Annotations(
        entities=entities,
        model="test",
        topics=tuple(TopicTag(t, t.title(), 1.0) for t in topics),
        instruments=tuple(InstrumentRef(k, 1.0, "named in the test story") for k in instruments),
        countries=countries,
    )
    raw = RawDocument(source=url, content=url.encode(), url=url, fetched_at=at)
    found = store.add_page(raw, page, [], annotations=notes)
    assert found.article_id is not None
    return found.article_id
