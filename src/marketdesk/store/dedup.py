"""What makes a page "already stored": the deduplication policy, written once above the backends.

A document is its bytes: the SHA-256 of the content. An article is its words: the SHA-256 of the
normalised (case-folded, punctuation-free) title and text, so a re-crawl of a story with other
furniture around it is the same article. `add_page` applies the rules through a backend's
`PageWriter`, inside the backend's transaction:

1. bytes already stored: nothing is written; the result names the article those bytes gave;
2. new bytes: the document is stored, and its quotes with it;
3. its article (when the page has one) is stored unless an article with the same fingerprint
   exists, in which case the document is linked to that one.

Backends make each insert atomic against concurrent writers: an insert that finds its key taken
returns None, and the policy reads the winner's row instead.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Protocol

from marketdesk.model import Article, Page, Quote, RawDocument
from marketdesk.store.base import IngestResult
from marketdesk.store.guards import check_aware

__all__ = ["PageWriter", "add_page", "article_fingerprint", "document_key"]

_WORD = re.compile(r"\w+")


def document_key(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def article_fingerprint(article: Article) -> str:
    norm = " ".join(_WORD.findall(f"{article.title or ''}\n{article.text}".casefold()))
    return hashlib.sha256(norm.encode()).hexdigest()


class PageWriter(Protocol):
    """The primitives a backend offers `add_page`, all inside one open transaction."""

    def find_document(self, key: str) -> tuple[int, int | None] | None:
        """(document id, its article id) for a stored document, or None."""
        ...

    def insert_document(self, raw: RawDocument, kind: str, key: str) -> int | None:
        """Store a document; None when a concurrent writer stored the same key first."""
        ...

    def find_article(self, fingerprint: str) -> int | None: ...

    def insert_article(self, document_id: int, fingerprint: str, page: Page) -> int | None:
        """Store an article stamped with its document's fetch time; None when taken."""
        ...

    def link_article(self, document_id: int, article_id: int) -> None: ...

    def insert_quotes(self, quotes: Sequence[Quote], document_id: int | None) -> int:
        """Store quotes, skipping those whose (source, name, at) exists; returns new ones."""
        ...


def add_page(
    writer: PageWriter, raw: RawDocument, page: Page, quotes: Sequence[Quote]
) -> IngestResult:
    """Apply the rules of the module docstring through one backend transaction."""
    if raw.fetched_at is None:
        raise ValueError("a stored document needs its fetch time (RawDocument.fetched_at)")
    check_aware(raw.fetched_at, "RawDocument.fetched_at")
    key = document_key(raw.content)
    found = writer.find_document(key)
    doc_id = None if found is not None else writer.insert_document(raw, page.kind, key)
    if doc_id is None:
        found = found or writer.find_document(key)
        if found is None:  # the backend said taken, then found nothing: it broke its contract
            raise RuntimeError(f"document {key} is neither new nor stored")
        return IngestResult(found[1], False, False, 0)
    article_id: int | None = None
    created = False
    if page.article.paragraphs:
        fp = article_fingerprint(page.article)
        article_id = writer.find_article(fp)
        if article_id is None:
            article_id = writer.insert_article(doc_id, fp, page)
            created = article_id is not None
            if article_id is None:
                article_id = writer.find_article(fp)
        if article_id is not None:
            writer.link_article(doc_id, article_id)
    added = writer.insert_quotes(quotes, doc_id)
    return IngestResult(article_id, True, created, added)
