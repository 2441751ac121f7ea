"""What makes a page "already stored", and which story it joins: the policy, written once above
the backends.

A document is its bytes: the SHA-256 of the content. An article is its words on its site: the
SHA-256 of the site (the host it was published on, when known) and the normalised (case-folded,
punctuation-free) title and text, so a re-crawl of a page with other furniture around it is the
same article, while the same text on a partner's site is another copy of the same story.
`add_page` applies the rules through a backend's `PageWriter`, inside the backend's transaction:

1. bytes already stored: nothing is written (but the source item, when given, is noted); the
   result names the article those bytes gave;
2. new bytes: the document is stored, and its quotes with it;
3. its article (when the page has one) is stored unless an article with the same fingerprint
   exists, in which case the document is linked to that one;
4. a new article joins a story: the one of the article it replaces (a source item whose content
   changed: the earlier version is kept, marked replaced), else the story of the candidate
   copies its LSH bands meet that `stories.grouping.choose_story` picks, else a new story; the
   story's title, origin and date are then worked out again from its copies;
5. the source item and the bulk checkpoint, when given, are written in the same transaction, so
   after a crash a source never believes it stored what it did not.

Backends make each insert atomic against concurrent writers: an insert that finds its key taken
returns None, and the policy reads the winner's row instead.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit

from marketdesk.model import Annotations, Article, ItemMark, Page, Quote, RawDocument
from marketdesk.store.base import Checkpoint, IngestResult, Plan
from marketdesk.store.guards import check_aware
from marketdesk.stories.grouping import Candidate, choose_story
from marketdesk.stories.origin import Copy, story_origin
from marketdesk.stories.signature import band_keys, from_bytes, signature, to_bytes

__all__ = [
    "PageWriter",
    "Plan",
    "StoryFacts",
    "add_page",
    "article_fingerprint",
    "document_key",
    "group_stored",
    "plan_page",
    "site_of",
    "story_facts",
]

_WORD = re.compile(r"\w+")


def document_key(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def article_fingerprint(article: Article, site: str = "") -> str:
    norm = " ".join(_WORD.findall(f"{article.title or ''}\n{article.text}".casefold()))
    return hashlib.sha256(f"{site}\n{norm}".encode() if site else norm.encode()).hexdigest()


def _host(url: str | None) -> str:
    if not url or "://" not in url:
        return ""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def site_of(raw: RawDocument, article: Article) -> str:
    """The host an article was published on: where it was fetched from, else its canonical
    link, else "" (a local file that names no address)."""
    return _host(raw.url) or _host(raw.source) or _host(article.url)


def plan_page(raw: RawDocument, page: Page) -> Plan:
    """The plan of a page: pure (the same raw and page always give the same plan), so it may be
    worked out in another process and handed to ``Storage.add_page``."""
    if not page.article.paragraphs:
        return Plan(site_of(raw, page.article), None, None, ())
    site = site_of(raw, page.article)
    sig = signature(page.article.title, page.article.paragraphs)
    if sig is None:
        return Plan(site, article_fingerprint(page.article, site), None, ())
    return Plan(
        site,
        article_fingerprint(page.article, site),
        to_bytes(sig),
        tuple(band_keys(sig)),
        page.article.title,
    )


@dataclass(frozen=True, slots=True)
class StoryFacts:
    title: str | None
    origin: str | None
    published: datetime | None
    sort_at: datetime
    copies: int


def story_facts(copies: Sequence[tuple[Copy, str | None]]) -> StoryFacts:
    """A story's title, origin and date from its current copies ((copy, title) pairs): the
    title of the earliest copy, the origin as `stories.origin` decides, the earliest date."""
    if not copies:
        raise ValueError("a story has at least one copy")
    first = min(copies, key=lambda ct: (_when(ct[0]), ct[0].article_id))
    dates = [c.published for c, _ in copies if c.published is not None]
    published = min(dates, key=_aware) if dates else None
    sort_at = _aware(published) if published else min(c.fetched_at for c, _ in copies)
    origin = story_origin([c for c, _ in copies])
    return StoryFacts(first[1], origin, published, sort_at, len(copies))


def _when(copy: Copy) -> datetime:
    return _aware(copy.published) if copy.published else copy.fetched_at


def _aware(dt: datetime) -> datetime:
    # A page's own date may carry no offset; for ordering, it is read as UTC.
    return dt if dt.utcoffset() is not None else dt.replace(tzinfo=UTC)


class PageWriter(Protocol):
    """The primitives a backend offers `add_page`, all inside one open transaction."""

    def find_document(self, key: str) -> tuple[int, int | None] | None:
        """(document id, its article id) for a stored document, or None."""
        ...

    def insert_document(self, raw: RawDocument, kind: str, key: str) -> int | None:
        """Store a document; None when a concurrent writer stored the same key first."""
        ...

    def find_article(self, fingerprint: str) -> int | None: ...

    def insert_article(self, document_id: int, plan: Plan, page: Page) -> int | None:
        """Store an article (its fingerprint, site and signature from ``plan``) stamped with its
        document's fetch time; None when the fingerprint is taken."""
        ...

    def link_article(self, document_id: int, article_id: int) -> None: ...

    def insert_quotes(self, quotes: Sequence[Quote], document_id: int | None) -> int:
        """Store quotes, skipping those whose (source, name, at) exists; returns new ones."""
        ...

    def story_candidates(self, bands: Sequence[int], limit: int) -> list[Candidate]:
        """Current articles (not replaced) that share a band, most shared bands first."""
        ...

    def story_of(self, article_id: int) -> int | None: ...

    def new_story(self, article_id: int) -> int:
        """A story for this article alone (its facts filled in by update_story)."""
        ...

    def join_story(self, article_id: int, story_id: int, bands: Sequence[int]) -> None:
        """Put the article in the story and index its bands."""
        ...

    def replace_article(self, old_id: int, new_id: int) -> None:
        """Mark the old version replaced by the new one (it stays stored)."""
        ...

    def story_copies(self, story_id: int) -> list[tuple[Copy, str | None]]:
        """The story's current copies with their titles."""
        ...

    def update_story(self, story_id: int, facts: StoryFacts) -> None: ...

    def find_item(self, source_id: int, key: str) -> tuple[str, int | None] | None:
        """(content hash, article id) of a source's item, or None."""
        ...

    def put_item(self, mark: ItemMark, article_id: int | None, at: datetime) -> None: ...

    def set_checkpoint(self, checkpoint: Checkpoint, at: datetime) -> None: ...

    def put_annotations(self, article_id: int, annotations: Annotations) -> None:
        """An article's annotations and its entity rows, replacing any it had."""
        ...


CANDIDATES = 50  # copies compared per new article, most shared bands first


def add_page(
    writer: PageWriter,
    raw: RawDocument,
    page: Page,
    quotes: Sequence[Quote],
    plan: Plan,
    *,
    mark: ItemMark | None = None,
    checkpoint: Checkpoint | None = None,
    annotations: Annotations | None = None,
) -> IngestResult:
    """Apply the rules of the module docstring through one backend transaction; a new
    article is stored with its ``annotations`` when given."""
    if raw.fetched_at is None:
        raise ValueError("a stored document needs its fetch time (RawDocument.fetched_at)")
    check_aware(raw.fetched_at, "RawDocument.fetched_at")
    at = raw.fetched_at
    key = document_key(raw.content)
    found = writer.find_document(key)
    doc_id = None if found is not None else writer.insert_document(raw, page.kind, key)
    if doc_id is None:
        found = found or writer.find_document(key)
        if found is None:  # the backend said taken, then found nothing: it broke its contract
            raise RuntimeError(f"document {key} is neither new nor stored")
        _note(writer, mark, checkpoint, found[1], at)
        return IngestResult(
            found[1], False, False, 0, writer.story_of(found[1]) if found[1] else None
        )
    article_id: int | None = None
    created = False
    story_id: int | None = None
    if plan.fingerprint is not None:
        fp = plan.fingerprint
        article_id = writer.find_article(fp)
        if article_id is None:
            article_id = writer.insert_article(doc_id, plan, page)
            created = article_id is not None
            if article_id is None:
                article_id = writer.find_article(fp)
            elif annotations is not None:
                writer.put_annotations(article_id, annotations)
        if article_id is not None:
            writer.link_article(doc_id, article_id)
            story_id = (
                _group(writer, article_id, plan, mark) if created else writer.story_of(article_id)
            )
    added = writer.insert_quotes(quotes, doc_id)
    _note(writer, mark, checkpoint, article_id, at)
    return IngestResult(article_id, True, created, added, story_id)


def _group(writer: PageWriter, article_id: int, plan: Plan, mark: ItemMark | None) -> int:
    """The story a new article joins (rule 4); its facts worked out again."""
    story_id: int | None = None
    if mark is not None:
        item = writer.find_item(mark.source_id, mark.key)
        if item is not None and item[1] is not None and item[1] != article_id:
            # The item's content changed: this is its new version, in the old one's story.
            writer.replace_article(item[1], article_id)
            story_id = writer.story_of(item[1])
    if story_id is None and plan.signature is not None:
        story_id = choose_story(
            from_bytes(plan.signature),
            writer.story_candidates(plan.bands, CANDIDATES),
            plan.site,
            plan.title,
        )
    if story_id is None:
        story_id = writer.new_story(article_id)
    writer.join_story(article_id, story_id, plan.bands)
    writer.update_story(story_id, story_facts(writer.story_copies(story_id)))
    return story_id


def group_stored(writer: PageWriter, article_id: int, plan: Plan) -> int:
    """Group an article stored without a story (a database from before stories)."""
    return _group(writer, article_id, plan, None)


def _note(
    writer: PageWriter,
    mark: ItemMark | None,
    checkpoint: Checkpoint | None,
    article_id: int | None,
    at: datetime,
) -> None:
    if mark is not None:
        writer.put_item(mark, article_id, at)
    if checkpoint is not None:
        writer.set_checkpoint(checkpoint, at)
