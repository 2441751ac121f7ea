"""The Storage contract: what the application layer may ask of a store, and what it may rely on.

Every backend (``store/sqlite.py``, ``store/postgres.py``) keeps this contract, and one test suite
(``tests/test_store_contract.py``) checks each of them against it.

Times
    Every ``datetime`` passed in must be timezone-aware (fetch times, quote times, query
    bounds); a naive one raises ``ValueError`` and writes nothing. Every such ``datetime``
    handed back is aware and in UTC, with microsecond precision. ``Article.published`` and
    ``Article.modified`` are the page's own words: they keep the offset the page gave, or none
    when it gave none.

Numbers
    Quote fields come back exactly as they went in, negative zero included (a loss too small
    to show prints as ``-0.00%``). Non-finite numbers are refused with ``ValueError``; which
    quotes are valid at all is decided above the store (``markets/validation.py``).

One call, one transaction
    Each write call commits once, as a whole, or raises and leaves the store as it was: a batch
    of quotes with one bad quote in it stores none of them. Reads see only committed data.

Idempotency
    ``add_page`` of bytes already stored adds nothing (``document_created`` False, 0 quotes).
    ``add_page`` of new bytes whose article is already stored (same fingerprint: the normalised
    title and text) stores the document and its quotes but not a second article. Both rules
    are in ``store/dedup.py``, written once above the backends. ``add_quotes`` of a quote whose
    (source, name, at) is already stored skips it; the count returned is of new quotes only.

Errors
    ``StorageError`` (with a message fit for a user) when the database cannot be opened, is not
    a marketdesk database, cannot be migrated, or a write fails for a reason outside the
    caller's control (disk full, server gone). ``ValueError`` for arguments that break the
    contract (naive times, non-finite numbers, a RawDocument without ``fetched_at``).
    ``open_storage(..., create=False)`` raises ``StorageError`` when there is no database.

Threads and processes
    One Storage object may be used from many threads at once. Several processes may open the
    same database and write at the same time (a daemon and a CLI import); every write still
    commits whole, and the idempotency rules hold across processes.

Paging
    ``limit`` and ``offset`` are whole numbers of at least 0; anything else raises
    ``ValueError``. Results are in a stable order: ties are broken by id.

Lifetime
    ``close()`` releases connections; the object is not used afterwards. Opening a store
    applies its pending migrations, so a database written by an older marketdesk is upgraded
    in place and keeps its data.
"""

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
    """A marketdesk store. See the module docstring for the contract every method keeps."""

    def add_page(self, raw: RawDocument, page: Page, quotes: Sequence[Quote]) -> IngestResult:
        """Store a fetched document, its article and the quotes seen on it, in one transaction.

        ``raw.fetched_at`` (required) stamps the document and the article; ``quotes`` are
        linked to the document.
        """
        ...

    def add_quotes(self, quotes: Iterable[Quote]) -> int:
        """Store quotes from a provider or a file; returns how many were new."""
        ...

    def get_article(self, article_id: int) -> StoredArticle | None:
        """One article with its removed blocks, or None."""
        ...

    def latest_articles(self, limit: int = 20, offset: int = 0) -> list[StoredArticle]:
        """Articles newest first (by fetch time, then id), without their removed blocks."""
        ...

    def search_articles(self, query: str, limit: int = 20, offset: int = 0) -> list[StoredArticle]:
        """Full-text search over titles and text, best match first; words are matched as
        words, never as query syntax. Without removed blocks."""
        ...

    def latest_quote(self, instrument: str, at: datetime | None = None) -> Quote | None:
        """The newest quote of an instrument at or before ``at`` (default: any time)."""
        ...

    def latest_quotes(
        self, instruments: Sequence[str], at: datetime | None = None
    ) -> dict[str, Quote]:
        """``latest_quote`` of each instrument, in one call (a strip): instruments without a
        quote are left out."""
        ...

    def history(self, instrument: str, start: datetime, end: datetime) -> list[Quote]:
        """Every quote of an instrument with ``start <= at <= end``, oldest first."""
        ...

    def counts(self) -> StoreCounts: ...

    def close(self) -> None: ...
