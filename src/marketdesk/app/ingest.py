"""Ingest: sources to stored articles and quotes, through one path (`store_document`) that the
command line, the demo and the tests all take.

read or fetch (ingest/sources.py, the HTTP layer) -> extract (pure) -> link the strip's quotes to
instruments and check them (pure) -> one Storage transaction. One bad source never stops the
others; a refused quote is reported and the rest of the page is still stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime

from marketdesk.app.desk import Desk
from marketdesk.errors import MarketdeskError
from marketdesk.extract import KINDS, extract
from marketdesk.ingest.sources import Source, read_source
from marketdesk.markets.observations import page_quotes
from marketdesk.markets.validation import split_valid
from marketdesk.model import Page, Quote, RawDocument
from marketdesk.net import redact
from marketdesk.store import IngestResult

__all__ = [
    "KINDS",
    "ExtractOutcome",
    "IngestOutcome",
    "extract_sources",
    "ingest",
    "store_document",
]


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    source: str
    page: Page | None = None
    result: IngestResult | None = None
    refused: tuple[tuple[Quote, str], ...] = ()  # quotes of the page that failed the check
    error: str | None = None

    @property
    def failed(self) -> bool:
        """An error, or a new page that gave neither an article nor quotes."""
        if self.error is not None or self.result is None:
            return True
        r = self.result
        return r.document_created and r.article_id is None and not r.quotes_added


def store_document(
    desk: Desk, raw: RawDocument, *, kind: str = "auto", fetched_at: datetime | None = None
) -> IngestOutcome:
    """Extract one document and store it with its checked quotes, stamped with its fetch time
    (``fetched_at``, else the transport's, else now)."""
    when = fetched_at or raw.fetched_at or desk.clock()
    page = extract(raw, kind)
    good, refused = split_valid(page_quotes(page, when, desk.registry), desk.registry.find)
    result = desk.storage.add_page(replace(raw, fetched_at=when), page, good)
    return IngestOutcome(raw.source, page, result, tuple(refused))


def _documents(
    desk: Desk, sources: Iterable[str], allow_private: bool
) -> Iterator[tuple[str, RawDocument | MarketdeskError]]:
    """Each source read or fetched, or the error that stopped it; the HTTP client is made only
    when a URL comes."""
    fetch = None
    for text in sources:
        label = redact(text)  # what outcomes name: a URL's password never reaches a message
        try:
            source = Source.parse(text)
            if source.is_url and fetch is None:
                fetch = desk.fetcher(allow_private).fetch
            yield label, read_source(source, fetch)
        except MarketdeskError as exc:
            yield label, exc


def ingest(
    desk: Desk,
    sources: Iterable[str],
    *,
    fetched_at: datetime | None = None,
    kind: str = "auto",
    allow_private: bool = False,
) -> Iterator[IngestOutcome]:
    """Ingest each source in turn, yielding as each is stored; errors are outcomes, not raised."""
    for text, doc in _documents(desk, sources, allow_private):
        try:
            if isinstance(doc, MarketdeskError):
                raise doc
            yield store_document(desk, doc, kind=kind, fetched_at=fetched_at)
        except MarketdeskError as exc:
            yield IngestOutcome(source=text, error=str(exc))


@dataclass(frozen=True, slots=True)
class ExtractOutcome:
    source: str
    page: Page | None = None
    error: str | None = None


def extract_sources(
    desk: Desk,
    sources: Iterable[str],
    *,
    kind: str = "auto",
    url: str | None = None,
    allow_private: bool = False,
) -> Iterator[ExtractOutcome]:
    """Extract each source without storing it (``marketdesk extract``)."""
    for text, doc in _documents(desk, sources, allow_private):
        try:
            if isinstance(doc, MarketdeskError):
                raise doc
            yield ExtractOutcome(text, extract(replace(doc, url=url) if url else doc, kind))
        except MarketdeskError as exc:
            yield ExtractOutcome(text, error=str(exc))
