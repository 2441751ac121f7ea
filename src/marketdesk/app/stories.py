"""Stories: one stored story, and full-text search over them."""

from __future__ import annotations

from dataclasses import dataclass

from marketdesk.app.desk import Desk
from marketdesk.app.paging import PAGE_SIZE, Paging
from marketdesk.errors import NotFoundError
from marketdesk.model import StoredArticle

__all__ = ["MAX_QUERY_CHARS", "SearchResults", "search", "story"]

MAX_QUERY_CHARS = 200


def story(desk: Desk, story_id: int) -> StoredArticle:
    found = desk.storage.get_article(story_id)
    if found is None:
        raise NotFoundError(f"no story {story_id}")
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
