"""Stories: one stored article and the other copies of its story, the list of stories, and
full-text search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketdesk.app.chart import STORY_WINDOW
from marketdesk.app.desk import Desk
from marketdesk.app.paging import MAX_ID, PAGE_SIZE, Paging
from marketdesk.errors import InputError, NotFoundError
from marketdesk.extract.credits import same_organisation
from marketdesk.model import StoredArticle, Story
from marketdesk.store import StoryPage
from marketdesk.stories.origin import host

__all__ = [
    "MAX_QUERY_CHARS",
    "SearchResults",
    "list_stories",
    "search",
    "shown_origin",
    "story_filters",
    "story_page",
]

MAX_QUERY_CHARS = 200


def story_page(desk: Desk, story_id: int) -> StoryPage:
    """The stored article, every current copy of its story (this one included, oldest first)
    and the quotes of its instruments from the day before it to the day after, in one read."""
    found = desk.storage.story_page(story_id, STORY_WINDOW) if 0 <= story_id <= MAX_ID else None
    if found is None:
        raise NotFoundError(f"no story {story_id}")
    return found


def shown_origin(page: StoryPage) -> str | None:
    """Who first published what a story page shows: the credit this copy's own page gives,
    else the story's origin where it names another publisher than this copy's (the copy of
    a syndicated story that itself says nothing of where it came from)."""
    article = page.article.article
    if article.origin:
        return article.origin
    theirs = page.origin
    own = (article.publisher, host(article.url), host(page.article.source))
    if not theirs or same_organisation(theirs, *own):
        return None
    return theirs


def story_filters(
    desk: Desk,
    entity: str | None,
    country: str | None,
    topic: str | None,
    instrument: str | None,
) -> tuple[str | None, str | None, str | None, str | None]:
    """The store's (entity, country code, topic, instrument key) for filters as a user gives
    them (see list_stories), or an InputError that says which one names nothing. Shared by the
    list of stories, the front page and search: a country is the store's country filter (the
    countries a story's annotations store: the country named, or a place in it), not the
    country's entity."""
    entity = entity if entity and entity.strip() else None
    alpha3 = None
    if country is not None:
        from marketdesk.enrich import country_key  # with spaCy: only when asked for

        found_country = country_key(country)
        if found_country is None or found_country.alpha3 is None:
            raise InputError(
                f"no country {country.strip()!r}: give an ISO 3166-1 alpha-3 code (JPN, CHN, USA)"
            )
        if entity is not None:
            raise InputError("give an entity or a country, not both")
        alpha3 = found_country.alpha3
    if topic is not None:
        from marketdesk.enrich.topics import TAXONOMY  # with spaCy: only when asked for

        codes = {t.code for t in TAXONOMY}
        topic = topic.strip().casefold()
        if topic not in codes:
            raise InputError(f"no topic {topic!r}; the topics are {', '.join(sorted(codes))}")
    held = None
    if instrument is not None:
        inst = desk.registry.find(instrument.strip()) or desk.registry.resolve(instrument)
        if inst is None:
            raise InputError(
                f"no instrument {instrument.strip()!r}: give a key, name or symbol"
                " (`marketdesk instruments` lists them)"
            )
        held = inst.key
    return entity, alpha3, topic, held


def list_stories(
    desk: Desk,
    *,
    limit: int = 50,
    offset: int = 0,
    since: datetime | None = None,
    entity: str | None = None,
    topic: str | None = None,
    country: str | None = None,
    instrument: str | None = None,
) -> list[Story]:
    """Stories newest first; ``limit`` 0 for all of them; ``entity``: only those that name it
    (a person's, organisation's or place's name, or its knowledge-base key); ``topic``: only
    those about it (a taxonomy code: docs/topics.md); ``country``: only those whose enrichment
    stored it among the story's countries (an ISO 3166-1 alpha-3 code of the gazetteer's
    countries: the country named, or a place in it, "Shanghai" for CHN); ``instrument``: only
    those that touch it (a registry key, name or symbol: "nikkei225", "Nikkei 225", "^N225");
    ``offset``: that many newest left out (a page of them)."""
    entity, alpha3, topic, held = story_filters(desk, entity, country, topic, instrument)

    def page(size: int, offset: int) -> list[Story]:
        return desk.storage.stories(
            limit=size,
            offset=offset,
            since=since,
            entity=entity,
            topic=topic,
            instrument=held,
            country=alpha3,
        )

    if limit:
        return page(limit, offset)
    found: list[Story] = []
    while batch := page(500, offset + len(found)):
        found.extend(batch)
    return found


@dataclass(frozen=True, slots=True)
class SearchResults:
    q: str
    stories: tuple[StoredArticle, ...]
    paging: Paging


def search(desk: Desk, q: str, page: int = 1) -> SearchResults:
    """Stories matching the words of ``q`` (at most 200 characters), best first."""
    q = q.strip()[:MAX_QUERY_CHARS]
    paging = Paging.check(page)
    if not q:
        return SearchResults(q, (), paging)
    found = desk.storage.search_articles(q, limit=PAGE_SIZE + 1, offset=paging.offset)
    return SearchResults(q, tuple(found[:PAGE_SIZE]), paging.seen(len(found)))
