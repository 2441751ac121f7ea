"""The Storage protocol: what the pipeline, the web desk and the CLI may ask of a store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from marketdesk.model import Page, Quote, RawDocument, StoredArticle


@dataclass(frozen=True, slots=True)
class IngestResult:
    article_id: int | None  # None when the page had no article
    document_created: bool  # False: these exact bytes were stored before
    article_created: bool  # False: the same article (by fingerprint) was stored before
    quotes_added: int


@dataclass(frozen=True, slots=True)
class StoreCounts:
    documents: int
    articles: int
    quotes: int


class Storage(Protocol):
    def add_page(
        self, raw: RawDocument, page: Page, fetched_at: datetime, quotes: Sequence[Quote]
    ) -> IngestResult: ...

    def add_quotes(self, quotes: Iterable[Quote]) -> int: ...

    def get_article(self, article_id: int) -> StoredArticle | None: ...

    def latest_articles(self, limit: int = 20, offset: int = 0) -> list[StoredArticle]: ...

    def search_articles(self, query: str, limit: int = 20) -> list[StoredArticle]: ...

    def latest_quote(self, instrument: str, at: datetime | None = None) -> Quote | None: ...

    def history(self, instrument: str, start: datetime, end: datetime) -> list[Quote]: ...

    def counts(self) -> StoreCounts: ...

    def close(self) -> None: ...
