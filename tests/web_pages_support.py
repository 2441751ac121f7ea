"""Helpers for the instrument, entity and search page tests: an in-process client, and stories
written for these tests, stored with hand-made annotations (no spaCy needed)."""

from __future__ import annotations

import asyncio
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

BODY = (
    "Officials said the decision reflected a slower cooling of prices than they had expected,"
    " and that further steps would depend on wages and the currency over the summer months.",
    "Traders in Tokyo and Toronto had priced in the move, and bond yields barely changed after"
    " the statement was read, while exporters' shares drifted lower into the close.",
)


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
    paragraphs: tuple[str, ...] = BODY,
    publisher: str | None = None,
    topics: tuple[str, ...] = (),
    instruments: tuple[str, ...] = (),
) -> int:
    """Store one article (fetched and published at ``at``) with its annotations; its id."""
    page = Page(
        source=url,
        kind="html",
        article=Article(title=title, paragraphs=paragraphs, published=at, publisher=publisher),
    )
    notes = Annotations(
        entities=entities,
        model="test",
        topics=tuple(TopicTag(t, t.title(), 1.0) for t in topics),
        instruments=tuple(InstrumentRef(k, 1.0, "named in the test story") for k in instruments),
    )
    raw = RawDocument(source=url, content=url.encode(), url=url, fetched_at=at)
    found = store.add_page(raw, page, [], annotations=notes)
    assert found.article_id is not None
    return found.article_id
