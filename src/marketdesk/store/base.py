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

Write batches
    Inside ``with store.write_batch():`` the write calls of the thread that opened it join one
    open transaction, committed every ``every`` writes, or at the first write ``seconds`` after
    the transaction began, and at the batch's end (a desk of sample stories: a commit a page
    was most of its time; not `ingest`, which reports each page stored as it goes, and a page
    it reported must outlive a crash). Each write still holds as a whole or not at all:
    it runs in a savepoint, so a write that raises leaves the store as it was before that
    write, and the batch's earlier writes stay, to be committed with the rest. A batch left by
    an exception commits the writes that came before it (each had returned: a checkpoint
    written with its page is kept with it); a commit that fails raises ``StorageError`` and
    the writes since the last commit are not stored. Reads, in this thread too, and other
    processes see a batch's writes when they are committed, not before (``quotes_version``
    and ``wait_for_quotes`` change at that commit); the writes' own checks (deduplication,
    stories) see the batch's earlier writes. Writes of other threads are not batched: each
    commits on its own as ever (on SQLite, whose one writer connection they share, the open
    batch is committed first). Other writers may wait for a batch's locks until it commits,
    so ``seconds`` is kept short. A batch inside a batch, or while another thread's is open,
    adds nothing: its writes go as the open one's rules say. ``every`` of at least 1 and
    ``seconds`` above 0, or ``ValueError``.

Idempotency
    ``add_page`` of bytes already stored adds nothing (``document_created`` False, 0 quotes).
    ``add_page`` of new bytes whose article is already stored (same fingerprint: the site and
    the normalised title and text) stores the document and its quotes but not a second article.
    Both rules are in ``store/dedup.py``, written once above the backends. ``add_quotes`` of a
    quote whose (source, name, at) is already stored skips it; the count returned is of new
    quotes only.

Stories
    Every stored article is in exactly one story, decided in the transaction that stores it
    (``store/dedup.py``): copies of one article share a story. An article replaced by a newer
    version of its source item (``ItemMark``) stays stored, readable by ``get_article``, and
    leaves the lists: ``latest_articles``, ``search_articles`` and story copies show current
    versions only.

Sources
    ``add_source`` of a URL already stored adds nothing and hands back the stored source (a
    ``from_config`` spec updates its stored settings, not its state). ``record_poll`` is the one
    write of a poll's outcome: it is called after the pages it covers are stored, so a crash
    between the two leaves the validators (ETag, Last-Modified) unsaved and the poll is simply
    repeated. Items (``ItemMark``) and bulk checkpoints are written inside ``add_page``'s own
    transaction, never apart from the page they describe.

Users and web sessions
    A username is stored as given (``app/auth.py`` checks and folds it first) and is unique:
    ``add_user`` of a taken name adds nothing and returns None. Passwords reach the store only
    hashed. A session is found by the SHA-256 of its token, and only before its expiry: an
    expired one reads as None whether or not ``purge_web_sessions`` has deleted it yet.
    ``set_password`` ends every session of that user in the same transaction (a changed
    password signs every browser out), and so does ``remove_user``.

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
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from marketdesk.model import (
    Annotations,
    ItemMark,
    Page,
    PollRecord,
    Quote,
    RawDocument,
    Source,
    SourceSpec,
    StoredArticle,
    Story,
    StoryCopy,
    User,
    WebSession,
)


@dataclass(frozen=True, slots=True)
class QuotesAround:
    """An instrument's quotes around a moment (a story's small chart): its newest quote, the
    newest at or before the window's start, and those inside the window, oldest first."""

    newest: Quote
    before: Quote | None
    window: tuple[Quote, ...]


def quotes_around_from(
    newest: dict[str, Quote], before: dict[str, Quote], windows: dict[str, list[Quote]]
) -> dict[str, QuotesAround]:
    """``quotes_around`` from its three parts, as each backend reads them."""
    return {
        key: QuotesAround(quote, before.get(key), tuple(windows.get(key, ())))
        for key, quote in newest.items()
    }


@dataclass(frozen=True, slots=True)
class StoryPage:
    """What a story page reads (``story_page``): the article, the current copies of its story
    (oldest first, this one included), and ``quotes_around`` its moment of the instruments its
    annotations link (``instruments``, as ``story_instruments`` gives them)."""

    article: StoredArticle
    copies: tuple[StoryCopy, ...]
    instruments: tuple[str, ...]
    quotes: dict[str, QuotesAround]
    # The story's original publisher (``Story.origin``: ``stories.origin.story_origin`` over
    # the copies read here); None for an article outside any story.
    origin: str | None = None


def story_moment(found: StoredArticle) -> datetime | None:
    """The moment a story page's charts are drawn around: the article's publication (in UTC
    where the page gave no offset), else the time it was fetched."""
    published = found.article.published
    if published is None:
        return found.fetched_at
    return published if published.tzinfo is not None else published.replace(tzinfo=UTC)


def story_instruments(found: StoredArticle) -> tuple[str, ...]:
    """The registry keys the article's annotations link (``Annotations.instruments``), most
    relevant first; none before it is enriched."""
    refs = found.annotations.instruments if found.annotations is not None else ()
    return tuple(dict.fromkeys(r.key for r in refs))


@dataclass(frozen=True, slots=True)
class IngestResult:
    article_id: int | None  # None when the page had no article
    document_created: bool  # False: these exact bytes were stored before
    article_created: bool  # False: the same article (by fingerprint) was stored before
    quotes_added: int
    story_id: int | None = None  # the story the article is in


@dataclass(frozen=True, slots=True)
class StoreCounts:
    documents: int
    articles: int
    quotes: int
    stories: int = 0
    sources: int = 0


@dataclass(frozen=True, slots=True)
class Plan:
    """What ``add_page`` works out before its transaction (``store.dedup.plan_page``): pure, and
    the costly part, so a caller may work it out elsewhere (a worker process) and pass it in."""

    site: str
    fingerprint: str | None  # None: the page has no article
    signature: bytes | None  # None: too short to group with others
    bands: tuple[int, ...]
    title: str | None = None  # the article's headline, for the same-site rule


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Where a bulk ingest of ``name`` (an absolute path) has got to: written with the page it
    follows, so a killed run resumes after the last page it stored."""

    name: str
    position: str


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """What narrows a search (``search_stories``), each optional: ``entity`` as ``stories``
    reads it (a name, any case and spacing, or a knowledge-base key), ``topic`` a taxonomy code,
    ``instrument`` a registry key, ``since``/``until`` the story's time (its earliest copy's
    publication, else first seen), ``source`` a publisher, an origin or a site's host, any case,
    ``country`` an ISO 3166-1 alpha-3 code as ``stories`` reads it (the copy's stored
    countries)."""

    entity: str | None = None
    topic: str | None = None
    instrument: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    source: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class EntityRecord:
    """An entity across the current articles (``find_entity``)."""

    name: str  # the name the most articles give it
    kind: str  # person | organisation | place
    key: str | None  # the knowledge base's id, where a copy links it
    articles: int  # current articles that name it

    @classmethod
    def merge(cls, rows: Sequence[tuple[str, str, str | None, int]]) -> EntityRecord | None:
        """One record from (name, kind, key, articles) groups, as both backends read them: the
        name and kind most articles give, the key any copy gives."""
        if not rows:
            return None
        best = max(rows, key=lambda r: (r[3], r[0]))
        key = next((r[2] for r in sorted(rows, key=lambda r: -r[3]) if r[2]), None)
        return cls(best[0], best[1], key, sum(r[3] for r in rows))


@dataclass(frozen=True, slots=True)
class RelatedEntity:
    """An entity named in the same stories as another (``related_entities``)."""

    name: str
    kind: str
    key: str | None
    stories: int  # stories that name both


RELATED_SCAN = 2000  # related_entities reads at most this many of an entity's latest articles
# search_stories ranks at most this many of a query's latest matching articles (see there)
SEARCH_SCAN = 2000
QUOTES_LOOK = 0.05  # seconds between wait_for_quotes' looks where the store tells no one
# write_batch's defaults: writes a commit, and seconds an open batch transaction may last
BATCH_WRITES = 500
BATCH_SECONDS = 1.0


def check_batch(every: int, seconds: float) -> None:
    """The arguments every backend's ``write_batch`` checks."""
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ValueError(f"a write batch commits every 1 or more writes, not {every!r}")
    if not isinstance(seconds, int | float) or not 0 < seconds < float("inf"):
        raise ValueError(
            f"a write batch commits after a number of seconds above 0, not {seconds!r}"
        )


class Storage(Protocol):
    """A marketdesk store. See the module docstring for the contract every method keeps."""

    def add_page(
        self,
        raw: RawDocument,
        page: Page,
        quotes: Sequence[Quote],
        *,
        mark: ItemMark | None = None,
        checkpoint: Checkpoint | None = None,
        plan: Plan | None = None,
        annotations: Annotations | None = None,
    ) -> IngestResult:
        """Store a fetched document, its article (in its story, with its ``annotations`` when
        given) and the quotes seen on it, in one transaction, with the source item and bulk
        checkpoint when given.

        ``raw.fetched_at`` (required) stamps the document and the article; ``quotes`` are
        linked to the document. ``plan``, when given, must be ``store.dedup.plan_page(raw,
        page)`` (worked out beforehand, in a worker process say): the store uses it as it is
        instead of working it out again; without it, the store works it out.
        """
        ...

    def add_quotes(self, quotes: Iterable[Quote]) -> int:
        """Store quotes from a provider or a file; returns how many were new."""
        ...

    def write_batch(
        self, *, every: int = BATCH_WRITES, seconds: float = BATCH_SECONDS
    ) -> AbstractContextManager[None]:
        """Many writes of this thread in few transactions: see "Write batches" above."""
        ...

    def set_annotations(self, article_id: int, annotations: Annotations) -> bool:
        """Replace an article's annotations (and its entity rows): re-enrichment. False when
        there is no such article."""
        ...

    def articles_after(
        self, after_id: int, limit: int, *, unannotated: bool = False
    ) -> list[StoredArticle]:
        """Current articles with an id above ``after_id``, by id, at most ``limit``, without
        removed blocks (a walk over the whole store, page by page); ``unannotated``: only
        those without annotations."""
        ...

    def get_article(self, article_id: int) -> StoredArticle | None:
        """One article with its removed blocks and its story (``story_id``), or None."""
        ...

    def articles(self, article_ids: Sequence[int]) -> dict[int, StoredArticle]:
        """``get_article`` of each id, in one call (a page of story lines), without removed
        blocks: ids of no article are left out."""
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

    def histories(
        self, instruments: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, list[Quote]]:
        """``history`` of each instrument, in one call (a story's small charts): instruments
        without a quote in the span are left out."""
        ...

    def quotes_around(
        self, instruments: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, QuotesAround]:
        """For each instrument with any quote: ``latest_quote`` (newest), ``latest_quote`` at
        ``start`` (before) and ``history`` from ``start`` to ``end`` (window), in one call
        (one round trip on PostgreSQL: a story page draws up to six such charts). Instruments
        without a quote are left out."""
        ...

    def quotes_version(self) -> int:
        """A number that changes once quotes are stored, by this process or any other, and only
        then (compare it for equality): cheap enough to poll every second (the live strip).
        0 before the first quote."""
        ...

    def wait_for_quotes(self, version: int, timeout: float) -> int:
        """Wait until ``quotes_version()`` differs from ``version``, or ``timeout`` seconds
        have passed, and return it (``version`` itself when the time ran out): the live strip
        hears of quotes as they are committed by any process. PostgreSQL is told at the commit
        (LISTEN/NOTIFY); SQLite, which tells no one, is looked at every QUOTES_LOOK seconds.
        Called from one thread at a time."""
        ...

    def counts(self) -> StoreCounts: ...

    def optimize(self) -> None:
        """Bring the query planner's statistics up to date, after many writes at once (a demo
        desk, a bulk import): PostgreSQL's ANALYZE of this store's tables (a server whose
        autovacuum is off or behind plans a desk of 100,000 stories as if it were empty),
        SQLite's ANALYZE from bounded samples (``PRAGMA analysis_limit``: milliseconds). Changes
        no data; safe while others read and write. Inside a write batch, SQLite commits the
        batch first; PostgreSQL analyses what is committed."""
        ...

    # -- stories ---------------------------------------------------------------------------

    def stories(
        self,
        limit: int = 50,
        offset: int = 0,
        since: datetime | None = None,
        entity: str | None = None,
        topic: str | None = None,
        instrument: str | None = None,
        country: str | None = None,
    ) -> list[Story]:
        """Stories newest first (the earliest copy's publication time, else first seen; then
        id), with their current copies oldest first; ``since`` keeps those at or after it,
        ``entity`` those with a current copy that names it (an entity's name, any case and
        spacing, or its knowledge-base key), ``topic`` those with a current copy about it (a
        taxonomy code, docs/topics.md), ``instrument`` those with a current copy that touches
        it (a registry key, as the copy's annotations link it: ``Annotations.instruments``),
        ``country`` those with a current copy whose annotations store that country (an ISO
        3166-1 alpha-3 code, any case, as ``Annotations.countries`` holds it: the countries
        the copy names and those of the places it names, whether or not the country itself is
        one of its entities; annotations stored before countries were kept store none). The
        filters given are all kept (AND)."""
        ...

    def search_stories(
        self,
        query: str,
        limit: int = 20,
        offset: int = 0,
        filters: SearchFilters | None = None,
    ) -> list[StoredArticle]:
        """Full-text search as ``search_articles`` (stemmed where the backend stems: both do),
        one copy a story (its best match), narrowed by ``filters``; without removed blocks
        and without annotations (``annotations`` None: a page of hits shows none, and
        reading them was a fifth of a search; ``get_article`` reads them).
        Ranked by relevance among the ``SEARCH_SCAN`` matching articles stored last that the
        filters keep (every such match where there are fewer): ranking all the matches of a
        common word costs time in proportion to the store, and a desk's reader wants the
        recent ones first; the filters choose what is ranked, so that a date range in the
        past or an entity named only in old stories finds them."""
        ...

    def count_stories(
        self, query: str, filters: SearchFilters | None = None, cap: int = 1000
    ) -> int:
        """How many stories ``search_stories`` finds, counted up to ``cap`` (a bound on the
        work: ``cap`` + 1 means "more than ``cap``")."""
        ...

    def search_and_count(
        self,
        query: str,
        limit: int = 20,
        offset: int = 0,
        filters: SearchFilters | None = None,
        cap: int = 1000,
    ) -> tuple[list[StoredArticle], int]:
        """``search_stories`` and ``count_stories`` of one query (a page of results and its
        count), in one call, with the same answers: a backend may count the stories among
        the matches its search has read already, where they settle the count (more than
        ``cap`` of them, or every match read), instead of reading the matches again."""
        ...

    def find_entity(self, key_or_name: str) -> EntityRecord | None:
        """The entity with this knowledge-base key, or this name (any case and spacing), over
        the current articles; None when no current article names it."""
        ...

    def related_entities(self, key_or_name: str, limit: int = 20) -> list[RelatedEntity]:
        """The entities named in the same stories as this one (among the latest
        ``RELATED_SCAN`` articles that name it), by how many stories they share, then name;
        the entity itself left out. An entity with a key is counted once under it, one without
        under its normalised name."""
        ...

    def get_story(self, story_id: int) -> Story | None: ...

    def story_page(self, article_id: int, around: timedelta) -> StoryPage | None:
        """``get_article``, the current copies of its story (``get_story``'s), and
        ``quotes_around`` of ``story_instruments`` from ``around`` before ``story_moment`` to
        ``around`` after (none without a moment), in one call: one round trip on PostgreSQL,
        where a story page read in three. None when there is no such article."""
        ...

    def story_of_article(self, article_id: int) -> int | None: ...

    # -- sources ---------------------------------------------------------------------------

    def add_source(self, spec: SourceSpec, now: datetime) -> tuple[Source, bool]:
        """Store a source, due at once; (the stored source, whether it is new)."""
        ...

    def sources(self) -> list[Source]:
        """Every source, by id."""
        ...

    def get_source(self, source_id: int) -> Source | None: ...

    def remove_source(self, source_id: int) -> bool:
        """Forget a source and its items (what it stored stays); False when there was none."""
        ...

    def pause_source(self, source_id: int, paused: bool, now: datetime) -> bool:
        """Pause or resume; a resumed source is due at once (its next poll is ``now``) and its
        failures are forgiven. False when there is none."""
        ...

    def due_sources(self, now: datetime) -> list[Source]:
        """Active sources whose next poll is at or before ``now``, soonest first."""
        ...

    def record_poll(self, source_id: int, record: PollRecord) -> None:
        """A poll's outcome: success clears the failures and saves the validators and cursor;
        failure counts one more and keeps them."""
        ...

    def find_item(self, source_id: int, key: str) -> tuple[str, int | None] | None:
        """(content hash, article id) of an item a source gave before, or None."""
        ...

    # -- users and web sessions ------------------------------------------------------------

    def add_user(self, username: str, password_hash: str, now: datetime) -> User | None:
        """Store an account; None when the username is taken (nothing changes)."""
        ...

    def get_user(self, username: str) -> User | None: ...

    def set_password(
        self, username: str, password_hash: str, now: datetime, *, end_sessions: bool = True
    ) -> bool:
        """Replace a password hash and end the user's sessions (``end_sessions=False``: a
        rehash of the same password keeps them); False when there is no user."""
        ...

    def remove_user(self, username: str) -> bool:
        """Forget an account and its sessions; False when there was none."""
        ...

    def add_web_session(
        self, token_hash: str, user_id: int, now: datetime, expires_at: datetime
    ) -> bool:
        """Store a signed-in session; False when the user is gone (removed meanwhile)."""
        ...

    def get_web_session(self, token_hash: str, now: datetime) -> WebSession | None:
        """The session with that token hash and its user, if it expires after ``now``."""
        ...

    def remove_web_session(self, token_hash: str) -> bool:
        """Sign a session out; False when there was none."""
        ...

    def purge_web_sessions(self, now: datetime) -> int:
        """Delete the sessions expired at ``now``; how many."""
        ...

    def get_checkpoint(self, name: str) -> str | None: ...

    def clear_checkpoint(self, name: str) -> None: ...

    def close(self) -> None: ...
