"""SQLite storage, the default backend: WAL, synchronous=FULL, foreign keys, FTS5, migrations.

It keeps the contract of ``store/base.py``. All writes of one process go through one connection
under one lock (SQLite allows one writer at a time; queuing here is cheaper than busy retries);
writers in other processes wait for the file lock (``BEGIN IMMEDIATE``, ``busy_timeout``). Reads
use a connection per thread, so the web desk reads while ingest writes.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import threading
import time
import weakref
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from marketdesk.errors import StorageError
from marketdesk.model import (
    Annotations,
    Article,
    BlockKind,
    ItemMark,
    Page,
    PollRecord,
    Quote,
    RawDocument,
    RemovedBlock,
    Source,
    SourceKind,
    SourceSpec,
    StoredArticle,
    Story,
    StoryCopy,
    User,
    WebSession,
)
from marketdesk.store import annotations_json, dedup
from marketdesk.store.annotations_json import norm_name
from marketdesk.store.base import (
    BATCH_SECONDS,
    BATCH_WRITES,
    QUOTES_LOOK,
    RELATED_SCAN,
    SEARCH_SCAN,
    Checkpoint,
    EntityRecord,
    IngestResult,
    Plan,
    QuotesAround,
    RelatedEntity,
    SearchFilters,
    StoreCounts,
    StoryPage,
    check_batch,
    quotes_around_from,
    story_instruments,
    story_moment,
)
from marketdesk.store.guards import check_aware, check_paging, checked_quotes
from marketdesk.store.locations import missing_database, redacted
from marketdesk.store.searching import annotation_filters, count_from_scan, page_of_stories
from marketdesk.stories.grouping import Candidate
from marketdesk.stories.origin import Copy, story_origin
from marketdesk.stories.signature import from_bytes

_WORD = re.compile(r"\w+")
_IDS_A_STATEMENT = 500  # under SQLite's limit of host parameters (999 in older builds)
_QUOTE_COLUMNS = (
    "instrument, name, at, last, change, change_pct, source, prev_close, open, high, low,"
    " document_id, decimals"
)
_MAX_MICROS = 2**63 - 1  # "at or before" with no bound
_ARTICLE_SELECT = (
    "SELECT a.*, d.source AS doc_source, d.kind AS doc_kind FROM articles a"
    " JOIN documents d ON d.id = a.document_id"
)
_CURRENT = "a.replaced_by IS NULL"
# The articles that name an entity asked by its name or its key (two arguments), each way
# through its own index (migration 0011): written as one WHERE with OR, SQLite gathers both
# indexes' rows into a temporary set first (Japan at 100,000 stories: 18 ms, against 1 ms for
# the key's rows alone). The second way skips the rows the first found.
_NAMED_ARTICLES = (
    "SELECT article_id FROM article_entities WHERE norm = ?"
    " UNION SELECT article_id FROM article_entities WHERE key = ?"
)
# `mine`: the newest `scan` current articles that name an entity by its name or its key
# (arguments: norm, scan, key, scan, scan), each way walked backwards through its own narrow
# index (migration 0012) and stopped at its `scan`-th article; the newest `scan` of the two
# ways together are among those. Gathering every article of a common name and sorting them
# cost 32 ms at 100,000 stories (Japan), this 5 to 8.
_NEWEST_ONE_WAY = (
    "SELECT DISTINCT e.article_id AS article_id, a.story_id AS story_id"
    " FROM article_entities e INDEXED BY {index}"
    " JOIN articles a INDEXED BY articles_search ON a.id = e.article_id"
    f" WHERE e.{{column}} = ? AND {_CURRENT} ORDER BY e.article_id DESC LIMIT ?"
)
_NEWEST_NAMED = (
    "by_norm AS ("
    + _NEWEST_ONE_WAY.format(index="article_entities_norm_newest", column="norm")
    + "), by_key AS ("
    + _NEWEST_ONE_WAY.format(index="article_entities_key_newest", column="key")
    + "), mine AS (SELECT article_id, story_id FROM"
    " (SELECT article_id, story_id FROM by_norm UNION SELECT article_id, story_id FROM by_key)"
    " ORDER BY article_id DESC LIMIT ?)"
)

_SOURCE_COLUMNS = (
    "id, url, kind, every_s, edition, tags, allow_private, from_config, paused, added_at,"
    " next_poll, last_fetch, last_success, etag, last_modified, last_error, failures, cursor"
)

_USER_COLUMNS = "id, username, password_hash, created_at, password_changed_at"
_USER_COLUMNS_U = "u.id, u.username, u.password_hash, u.created_at, u.password_changed_at"


def to_micros(dt: datetime) -> int:
    if dt.tzinfo is None:
        raise ValueError("naive datetime")
    delta = dt.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(us: int) -> datetime:
    return datetime.fromtimestamp(us / 1_000_000, tz=UTC)


def migrations() -> list[tuple[int, str]]:
    folder = resources.files("marketdesk.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        m = re.match(r"(\d{4})_.*\.sql$", entry.name)
        if m:
            found.append((int(m.group(1)), entry.read_text(encoding="utf-8")))
    return sorted(found)


class SQLiteStorage:
    """A marketdesk database in one SQLite file. ``create=False`` refuses to make a new one."""

    def __init__(self, path: str | Path, *, create: bool = True, durable: bool = True) -> None:
        self.path = str(path)
        self._durable = durable
        if "://" in self.path:
            # A URL taken for a path would become a folder named "postgresql:" beside the user.
            raise StorageError(
                f"{redacted(self.path)} is an address, not a SQLite file: open it with "
                "marketdesk.store.open_storage"
            )
        if self.path != ":memory:":
            if not create and not Path(self.path).is_file():
                raise StorageError(missing_database(self.path))
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    f"cannot create the folder for {self.path}: {exc.strerror}"
                ) from exc
        self._lock = threading.Lock()  # the writer's
        self._readers_lock = threading.Lock()  # a thread's first read must not wait for a write
        # A thread's reader lives in its thread-local slot and closes when the thread ends (a
        # web server's worker threads come and go) or the store is closed.
        self._local = threading.local()
        self._readers: weakref.WeakSet[_ReaderSlot] = weakref.WeakSet()  # the live ones
        self._closed = False
        self._commits = 0  # writes committed since the last look at the WAL's length
        self._batch: _Batch | None = None  # the open write_batch, if any
        self._writer = self._connect()
        self._migrate()

    # -- connections -------------------------------------------------------------------
    def _connect(self, *, reader: bool = False) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=10
            )
            if reader:
                # WAL is the file's, set by the writer; durability and keys are the writer's.
                conn.execute("PRAGMA query_only=ON")
            else:
                _use_wal(conn)
                # A WAL the checkpoints reset is cut back to this size, not kept at its peak.
                conn.execute(f"PRAGMA journal_size_limit={_WAL_KEEP_BYTES}")
                # NORMAL (not durable): WAL synced at checkpoints only, safe from corruption.
                conn.execute(f"PRAGMA synchronous={'FULL' if self._durable else 'NORMAL'}")
                conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=10000")
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"cannot open database {self.path}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        return conn

    def _reader(self) -> sqlite3.Connection:
        if self.path == ":memory:":
            # Each connection to ":memory:" is its own empty database: read the writer's. One
            # connection, so an in-memory store is for one thread (tests, throwaway desks).
            return self._writer
        slot: _ReaderSlot | None = getattr(self._local, "slot", None)
        if slot is None:
            with self._readers_lock:
                if self._closed:  # a thread that outlived the store (a live wait, abandoned)
                    raise StorageError(f"the store {self.path} is closed")
                slot = _ReaderSlot(self._connect(reader=True))
                self._local.slot = slot
                self._readers.add(slot)
        return slot.conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._writer
            batch = self._batch
            if batch is not None and batch.owner == threading.get_ident():
                yield from self._batched(conn, batch)
                return
            if conn.in_transaction:  # another thread's batch, open: it commits first
                self._commit(conn)
            self._begin(conn)
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            self._commit(conn, writes=1)

    def _begin(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StorageError(f"cannot write to {self.path}: {exc}") from exc

    def _commit(self, conn: sqlite3.Connection, writes: int = 0) -> None:
        """COMMIT (under the writer's lock) the open transaction of ``writes`` writes, and
        the open batch's."""
        batch = self._batch
        if batch is not None:
            writes, batch.writes = writes + batch.writes, 0
        try:
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            conn.execute("ROLLBACK")
            raise StorageError(f"cannot write to {self.path}: {exc}") from exc
        self._commits += writes
        if self._commits >= _WAL_LOOK_EVERY:
            self._commits = 0
            _bound_wal(conn)

    def _batched(self, conn: sqlite3.Connection, batch: _Batch) -> Iterator[sqlite3.Connection]:
        """One write of the open batch (under the writer's lock): in a savepoint of the
        batch's transaction, which commits when the batch says."""
        if not conn.in_transaction:
            self._begin(conn)
            batch.began = time.monotonic()
        conn.execute("SAVEPOINT batch_write")
        try:
            yield conn
        except BaseException:
            try:
                conn.execute("ROLLBACK TO batch_write")
                conn.execute("RELEASE batch_write")
            except sqlite3.OperationalError as exc:
                # SQLite rolled the whole transaction back itself (disk full, I/O error).
                batch.writes = 0
                raise StorageError(
                    f"cannot write to {self.path}: {exc}; the batch's writes since its last"
                    " commit are not stored"
                ) from exc
            raise
        conn.execute("RELEASE batch_write")
        batch.writes += 1
        if batch.writes >= batch.every or time.monotonic() - batch.began >= batch.seconds:
            self._commit(conn)

    @contextmanager
    def write_batch(
        self, *, every: int = BATCH_WRITES, seconds: float = BATCH_SECONDS
    ) -> Iterator[None]:
        check_batch(every, seconds)
        with self._lock:
            if self._batch is not None:  # nested, or another thread's: that one rules
                opened = False
            else:
                self._batch = _Batch(threading.get_ident(), every, float(seconds))
                self._writer.execute(f"PRAGMA cache_size=-{_BATCH_CACHE_KIB}")
                opened = True
        if not opened:
            yield
            return
        try:
            yield
        except BaseException:
            self._end_batch(quiet=True)
            raise
        self._end_batch(quiet=False)

    def _end_batch(self, *, quiet: bool) -> None:
        """Commit what the batch holds and close it; ``quiet``: a failed commit is not raised
        (the batch ends by an exception already, which goes on)."""
        with self._lock:
            try:
                if self._writer.in_transaction and not self._closed:
                    self._commit(self._writer)
            except StorageError:
                if not quiet:
                    raise
            finally:
                self._batch = None
                if not self._closed:
                    self._writer.execute(f"PRAGMA cache_size=-{_DEFAULT_CACHE_KIB}")
                    self._writer.execute("PRAGMA shrink_memory")

    def _migrate(self) -> None:
        try:
            newest = migrations()[-1][0]
            if self._writer.execute("PRAGMA user_version").fetchone()[0] >= newest:
                return
            with self._write() as conn:
                # Read again under the write lock: a process that opened the file at the same
                # time may have migrated it meanwhile, and its tables exist now.
                current = conn.execute("PRAGMA user_version").fetchone()[0]
                for version, sql in [(v, sql) for v, sql in migrations() if v > current]:
                    for statement in _split_sql(sql):
                        conn.execute(statement)
                    if version == 4 and current > 0:
                        _regroup(conn)  # articles stored before stories existed
                    conn.execute(f"PRAGMA user_version={version:d}")
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"{self.path} is not a marketdesk database: {exc}") from exc

    def close(self) -> None:
        # Another thread's reader is never closed from here: closing a connection while its
        # thread is inside a statement crashed the process (a live strip's wait, abandoned at
        # shutdown, still reading). Dropping the thread-locals drops the store's references;
        # each connection closes when its last use ends (sqlite3 closes on deallocation), and
        # a thread that reads again gets a StorageError.
        with self._lock, self._readers_lock:
            closed, self._closed = self._closed, True
            if not closed and self._writer.in_transaction:  # inside a write batch: keep it
                with suppress(StorageError):
                    self._commit(self._writer)
            self._writer.close()
            own: _ReaderSlot | None = getattr(self._local, "slot", None)
            if own is not None:
                own.conn.close()
            self._local = threading.local()
            self._readers.clear()

    # -- writes ------------------------------------------------------------------------
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
        if plan is None:  # the costly, pure part: outside the write lock
            plan = dedup.plan_page(raw, page)
        with self._write() as conn:
            return dedup.add_page(
                _Writer(conn),
                raw,
                page,
                quotes,
                plan,
                mark=mark,
                checkpoint=checkpoint,
                annotations=annotations,
            )

    def set_annotations(self, article_id: int, annotations: Annotations) -> bool:
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone():
                _Writer(conn).put_annotations(article_id, annotations)
                return True
            return False

    def articles_after(
        self, after_id: int, limit: int, *, unannotated: bool = False
    ) -> list[StoredArticle]:
        check_paging(limit, 0)
        pending = " AND a.annotations IS NULL" if unannotated else ""
        rows = self._reader().execute(
            f"{_ARTICLE_SELECT} WHERE {_CURRENT} AND a.id > ?{pending} ORDER BY a.id LIMIT ?",
            (after_id, limit),
        )
        return [_stored(r, ()) for r in rows]

    def add_quotes(self, quotes: Iterable[Quote]) -> int:
        with self._write() as conn:
            return _insert_quotes(conn, quotes, None)

    # -- reads -------------------------------------------------------------------------
    def get_article(self, article_id: int) -> StoredArticle | None:
        row = self._reader().execute(f"{_ARTICLE_SELECT} WHERE a.id = ?", (article_id,)).fetchone()
        if row is None:
            return None
        removed = tuple(
            RemovedBlock(kind=BlockKind(r["kind"]), text=r["text"])
            for r in self._reader().execute(
                "SELECT kind, text FROM removed_blocks WHERE article_id = ? ORDER BY position",
                (article_id,),
            )
        )
        return _stored(row, removed)

    def articles(self, article_ids: Sequence[int]) -> dict[int, StoredArticle]:
        wanted = list(dict.fromkeys(article_ids))
        out: dict[int, StoredArticle] = {}
        for at in range(0, len(wanted), _IDS_A_STATEMENT):
            chunk = wanted[at : at + _IDS_A_STATEMENT]
            rows = self._reader().execute(
                f"{_ARTICLE_SELECT} WHERE a.id IN ({','.join('?' * len(chunk))})", chunk
            )
            out.update((r["id"], _stored(r, ())) for r in rows)
        return out

    def latest_articles(self, limit: int = 20, offset: int = 0) -> list[StoredArticle]:
        check_paging(limit, offset)
        rows = self._reader().execute(
            f"{_ARTICLE_SELECT} WHERE {_CURRENT} ORDER BY a.fetched_at DESC, a.id DESC"
            " LIMIT ? OFFSET ?",
            (limit, offset),
        )
        return [_stored(r, ()) for r in rows]

    def search_articles(self, query: str, limit: int = 20, offset: int = 0) -> list[StoredArticle]:
        check_paging(limit, offset)
        # Each word quoted: FTS5 then reads it as a word, never as query syntax.
        terms = " ".join(f'"{w}"' for w in _WORD.findall(query))
        if not terms:
            return []
        rows = self._reader().execute(
            f"{_ARTICLE_SELECT} JOIN articles_fts ON a.id = articles_fts.rowid"
            f" WHERE articles_fts MATCH ? AND {_CURRENT} ORDER BY articles_fts.rank, a.id"
            " LIMIT ? OFFSET ?",
            (terms, limit, offset),
        )
        return [_stored(r, ()) for r in rows]

    def latest_quote(self, instrument: str, at: datetime | None = None) -> Quote | None:
        return self.latest_quotes([instrument], at).get(instrument)

    def latest_quotes(
        self, instruments: Sequence[str], at: datetime | None = None
    ) -> dict[str, Quote]:
        if at is not None:
            check_aware(at, "at")
        if not instruments:
            return {}
        # One statement for a strip: each key's newest row found through the index, read as
        # plain tuples (named Row lookups cost more than the query).
        cur = self._reader().cursor()
        cur.row_factory = None
        values = ",".join(["(?)"] * len(instruments))
        rows = cur.execute(
            f"SELECT {_QUOTE_COLUMNS} FROM quotes WHERE id IN (SELECT (SELECT q.id FROM quotes q"
            " WHERE q.instrument = k.key AND q.at <= ? ORDER BY q.at DESC, q.id DESC LIMIT 1)"
            f" FROM (SELECT column1 AS key FROM (VALUES {values})) k)",
            (_MAX_MICROS if at is None else to_micros(at), *instruments),
        ).fetchall()
        return {row[0]: _quote_from(row) for row in rows}

    def history(self, instrument: str, start: datetime, end: datetime) -> list[Quote]:
        return self.histories([instrument], start, end).get(instrument, [])

    def quotes_around(
        self, instruments: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, QuotesAround]:
        # Read in process: three statements cost no more than one would.
        newest = self.latest_quotes(instruments)
        keys = list(newest)
        return quotes_around_from(
            newest, self.latest_quotes(keys, start), self.histories(keys, start, end)
        )

    def histories(
        self, instruments: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, list[Quote]]:
        check_aware(start, "start")
        check_aware(end, "end")
        if not instruments:
            return {}
        # Plain tuples and positional construction: named Row lookups cost more than the query.
        cur = self._reader().cursor()
        cur.row_factory = None
        rows = cur.execute(
            f"SELECT {_QUOTE_COLUMNS} FROM quotes"
            f" WHERE instrument IN ({','.join('?' * len(instruments))}) AND at >= ? AND at <= ?"
            " ORDER BY instrument, at, id",  # the index holds (instrument, at, rowid)
            (*instruments, to_micros(start), to_micros(end)),
        ).fetchall()
        fromts = datetime.fromtimestamp
        out: dict[str, list[Quote]] = {}
        for ins, name, at, last, chg, pct, src, prev, o, h, lo, doc, dec in rows:
            out.setdefault(ins, []).append(
                Quote(
                    ins,
                    name,
                    fromts(at / 1_000_000, UTC),
                    last,
                    chg,
                    pct,
                    src,
                    prev,
                    o,
                    h,
                    lo,
                    doc,
                    dec,
                )
            )
        return out

    def quotes_version(self) -> int:
        # One writer at a time allocates rowids in commit order, and quotes are never deleted
        # (documents are not), so the largest id changes exactly when quotes are committed;
        # read from the rowid b-tree's last page.
        row = self._reader().execute("SELECT coalesce(max(id), 0) FROM quotes").fetchone()
        return int(row[0])

    def wait_for_quotes(self, version: int, timeout: float) -> int:
        # No process tells another of its commits: look again and again (a read of one page).
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            now = self.quotes_version()
            left = deadline - time.monotonic()
            if now != version or left <= 0:
                return now
            time.sleep(min(QUOTES_LOOK, left))

    def optimize(self) -> None:
        # Every table analysed again, each index from a bounded sample (milliseconds on a
        # desk of 100,000 stories). PRAGMA optimize (SQLite before 3.46) analyses only tables
        # without statistics, so a desk analysed while small kept its first numbers: planned
        # as three articles at 131,000, the story-candidates query built a Bloom filter over
        # every article for every new page, and a sample desk's build grew with its square.
        with self._lock:
            try:
                if self._writer.in_transaction:  # an open batch's writes count too
                    self._commit(self._writer)
                self._writer.execute("PRAGMA analysis_limit=400")
                self._writer.execute("ANALYZE")
            except sqlite3.OperationalError as exc:
                raise StorageError(f"cannot write to {self.path}: {exc}") from exc

    def counts(self) -> StoreCounts:
        c = self._reader()
        return StoreCounts(
            *c.execute(
                "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM articles"
                " WHERE replaced_by IS NULL), (SELECT count(*) FROM quotes),"
                " (SELECT count(*) FROM stories), (SELECT count(*) FROM sources)"
            ).fetchone()
        )

    # -- stories -----------------------------------------------------------------------
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
        check_paging(limit, offset)
        if since is not None:
            check_aware(since, "since")
        c = self._reader()
        where = "s.sort_at >= ?"
        args: list[int | str] = [-_MAX_MICROS if since is None else to_micros(since)]
        tests = _story_filters(entity, topic, instrument, country)
        if tests:
            where, args = _narrowed(c, tests, where, args, offset + limit)
        rows = c.execute(
            f"SELECT s.* FROM stories s WHERE {where} ORDER BY s.sort_at DESC, s.id DESC"
            " LIMIT ? OFFSET ?",
            (*args, limit, offset),
        ).fetchall()
        copies = _copies(c, [r["id"] for r in rows])
        return [_story(r, copies.get(r["id"], ())) for r in rows]

    def search_stories(
        self,
        query: str,
        limit: int = 20,
        offset: int = 0,
        filters: SearchFilters | None = None,
    ) -> list[StoredArticle]:
        check_paging(limit, offset)
        found = _search_where(query, filters)
        if found is None:
            return []
        reader = self._reader()
        return self._hits(reader, _newest_ranked(reader, *found), limit, offset)

    def _hits(
        self,
        reader: sqlite3.Connection,
        matches: list[tuple[int, int]],
        limit: int,
        offset: int,
    ) -> list[StoredArticle]:
        def ranked(scan: int) -> list[tuple[int, int]]:
            return matches[:scan]

        ids = page_of_stories(ranked, offset, limit, SEARCH_SCAN)
        if not ids:
            return []
        rows = reader.execute(
            "SELECT a.*, d.source AS doc_source, d.kind AS doc_kind FROM articles a"
            " JOIN documents d ON d.id = a.document_id"
            f" WHERE a.id IN ({','.join('?' * len(ids))})",
            ids,
        ).fetchall()
        by_id = {r["id"]: r for r in rows}
        # Without annotations: a page of hits shows none, and reading them was a fifth of
        # a search.
        return [_stored(by_id[i], (), annotated=False) for i in ids if i in by_id]

    def count_stories(
        self, query: str, filters: SearchFilters | None = None, cap: int = 1000
    ) -> int:
        check_paging(cap, 0)
        found = _search_where(query, filters)
        if found is None:
            return 0
        return _count(self._reader(), *found, cap)

    def search_and_count(
        self,
        query: str,
        limit: int = 20,
        offset: int = 0,
        filters: SearchFilters | None = None,
        cap: int = 1000,
    ) -> tuple[list[StoredArticle], int]:
        check_paging(limit, offset)
        check_paging(cap, 0)
        found = _search_where(query, filters)
        if found is None:
            return [], 0
        reader = self._reader()
        matches = _newest_ranked(reader, *found)
        hits = self._hits(reader, matches, limit, offset)
        stories = {s for _, s in matches}
        settled = count_from_scan(len(matches), len(stories), cap, SEARCH_SCAN)
        return hits, settled if settled is not None else _count(reader, *found, cap)

    def find_entity(self, key_or_name: str) -> EntityRecord | None:
        norm, key = norm_name(key_or_name), key_or_name.strip()
        rows = (
            self._reader()
            .execute(
                # Each way through its own index, the second without the rows the first
                # found: a row counts once (see _NAMED_ARTICLES). Named, since the narrow
                # indexes of 0012 would look cheaper to the planner and read every row.
                "SELECT e.name, e.kind, e.key, count(DISTINCT e.article_id) AS n"
                " FROM article_entities e INDEXED BY article_entities_norm"
                " JOIN articles a INDEXED BY articles_search"
                f" ON a.id = e.article_id WHERE e.norm = ? AND {_CURRENT}"
                " GROUP BY e.name, e.kind, e.key UNION ALL"
                " SELECT e.name, e.kind, e.key, count(DISTINCT e.article_id) AS n"
                " FROM article_entities e INDEXED BY article_entities_key"
                " JOIN articles a INDEXED BY articles_search"
                f" ON a.id = e.article_id WHERE e.key = ? AND e.norm != ? AND {_CURRENT}"
                " GROUP BY e.name, e.kind, e.key",
                (norm, key, norm),
            )
            .fetchall()
        )
        return EntityRecord.merge([(r[0], r[1], r[2], r[3]) for r in rows])

    def related_entities(self, key_or_name: str, limit: int = 20) -> list[RelatedEntity]:
        check_paging(limit, 0)
        norm, key = norm_name(key_or_name), key_or_name.strip()
        rows = (
            self._reader()
            .execute(
                f"WITH {_NEWEST_NAMED},"
                # The entity's keys: those its name carries, and the key asked if any row has
                # it (one probe, not a read of every row that has it).
                " self AS (SELECT key FROM article_entities INDEXED BY article_entities_norm"
                " WHERE norm = ? AND key IS NOT NULL"
                " UNION SELECT key FROM (SELECT key FROM article_entities WHERE key = ? LIMIT 1))"
                # SQLite takes the bare columns of a max() from the row that has it: the name
                # of the most salient mention.
                " SELECT coalesce(o.key, o.norm) AS ident, o.name, o.kind, max(o.key),"
                " count(DISTINCT m.story_id) AS n, max(o.salience)"
                " FROM article_entities o JOIN mine m ON m.article_id = o.article_id"
                " WHERE o.norm != ? AND (o.key IS NULL OR o.key NOT IN (SELECT key FROM self))"
                " GROUP BY ident ORDER BY n DESC, ident LIMIT ?",
                (norm, RELATED_SCAN, key, RELATED_SCAN, RELATED_SCAN, norm, key, norm, limit),
            )
            .fetchall()
        )
        return [RelatedEntity(r[1], r[2], r[3], r[4]) for r in rows]

    def get_story(self, story_id: int) -> Story | None:
        c = self._reader()
        row = c.execute("SELECT * FROM stories WHERE id = ?", (story_id,)).fetchone()
        return None if row is None else _story(row, _copies(c, [story_id]).get(story_id, ()))

    def story_page(self, article_id: int, around: timedelta) -> StoryPage | None:
        # Read in process: the three reads cost no more than one statement would.
        found = self.get_article(article_id)
        if found is None:
            return None
        sid = found.story_id
        rows = _copy_rows(self._reader(), "a.story_id = ?", [sid]) if sid is not None else []
        copies = tuple(shown for _, _, _, shown in rows)
        origin = story_origin([copy for _, copy, _, _ in rows]) if rows else None
        keys, at = story_instruments(found), story_moment(found)
        quotes = self.quotes_around(keys, at - around, at + around) if at is not None else {}
        return StoryPage(found, copies, keys, quotes, origin)

    def story_of_article(self, article_id: int) -> int | None:
        row = (
            self._reader()
            .execute("SELECT story_id FROM articles WHERE id = ?", (article_id,))
            .fetchone()
        )
        return None if row is None else row[0]

    # -- sources -----------------------------------------------------------------------
    def add_source(self, spec: SourceSpec, now: datetime) -> tuple[Source, bool]:
        check_aware(now, "now")
        with self._write() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO sources(url, kind, every_s, edition, tags, allow_private,"
                " from_config, added_at, next_poll) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    spec.url,
                    str(spec.kind),
                    spec.every_s,
                    spec.edition,
                    json.dumps(list(spec.tags)),
                    int(spec.allow_private),
                    int(spec.from_config),
                    to_micros(now),
                    to_micros(now),
                ),
            )
            created = cur.rowcount == 1
            if not created and spec.from_config:
                conn.execute(
                    "UPDATE sources SET kind = ?, every_s = ?, edition = ?, tags = ?,"
                    " allow_private = ?, from_config = 1 WHERE url = ?",
                    (
                        str(spec.kind),
                        spec.every_s,
                        spec.edition,
                        json.dumps(list(spec.tags)),
                        int(spec.allow_private),
                        spec.url,
                    ),
                )
            row = conn.execute(
                f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE url = ?", (spec.url,)
            ).fetchone()
        return _source(row), created

    def sources(self) -> list[Source]:
        rows = self._reader().execute(f"SELECT {_SOURCE_COLUMNS} FROM sources ORDER BY id")
        return [_source(r) for r in rows]

    def get_source(self, source_id: int) -> Source | None:
        row = (
            self._reader()
            .execute(f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE id = ?", (source_id,))
            .fetchone()
        )
        return None if row is None else _source(row)

    def remove_source(self, source_id: int) -> bool:
        with self._write() as conn:
            return conn.execute("DELETE FROM sources WHERE id = ?", (source_id,)).rowcount == 1

    def pause_source(self, source_id: int, paused: bool, now: datetime) -> bool:
        check_aware(now, "now")
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE sources SET paused = ?,"
                " next_poll = CASE WHEN ? THEN next_poll ELSE ? END,"
                " failures = CASE WHEN ? THEN failures ELSE 0 END WHERE id = ?",
                (int(paused), int(paused), to_micros(now), int(paused), source_id),
            )
            return cur.rowcount == 1

    def due_sources(self, now: datetime) -> list[Source]:
        check_aware(now, "now")
        rows = self._reader().execute(
            f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE paused = 0 AND next_poll <= ?"
            " ORDER BY next_poll, id",
            (to_micros(now),),
        )
        return [_source(r) for r in rows]

    def record_poll(self, source_id: int, record: PollRecord) -> None:
        check_aware(record.at, "PollRecord.at")
        check_aware(record.next_poll, "PollRecord.next_poll")
        with self._write() as conn:
            if record.error is None:
                conn.execute(
                    "UPDATE sources SET last_fetch = ?, last_success = ?, next_poll = ?,"
                    " etag = ?, last_modified = ?, cursor = ?, last_error = NULL, failures = 0"
                    " WHERE id = ?",
                    (
                        to_micros(record.at),
                        to_micros(record.at),
                        to_micros(record.next_poll),
                        record.etag,
                        record.last_modified,
                        record.cursor,
                        source_id,
                    ),
                )
            else:
                conn.execute(
                    "UPDATE sources SET last_fetch = ?, next_poll = ?, last_error = ?,"
                    " failures = failures + 1 WHERE id = ?",
                    (to_micros(record.at), to_micros(record.next_poll), record.error, source_id),
                )

    # -- users and web sessions ----------------------------------------------------------
    def add_user(self, username: str, password_hash: str, now: datetime) -> User | None:
        check_aware(now, "now")
        with self._write() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO users(username, password_hash, created_at,"
                " password_changed_at) VALUES (?,?,?,?)",
                (username, password_hash, to_micros(now), to_micros(now)),
            )
            if cur.rowcount != 1:
                return None
            row = conn.execute(
                f"SELECT {_USER_COLUMNS} FROM users WHERE username = ?", (username,)
            ).fetchone()
        return _user(tuple(row))

    def get_user(self, username: str) -> User | None:
        row = (
            self._reader()
            .execute(f"SELECT {_USER_COLUMNS} FROM users WHERE username = ?", (username,))
            .fetchone()
        )
        return None if row is None else _user(tuple(row))

    def set_password(
        self, username: str, password_hash: str, now: datetime, *, end_sessions: bool = True
    ) -> bool:
        check_aware(now, "now")
        with self._write() as conn:
            cur = conn.execute(
                "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE username = ?",
                (password_hash, to_micros(now), username),
            )
            if cur.rowcount != 1:
                return False
            if end_sessions:
                conn.execute(
                    "DELETE FROM web_sessions"
                    " WHERE user_id = (SELECT id FROM users WHERE username = ?)",
                    (username,),
                )
            return True

    def remove_user(self, username: str) -> bool:
        with self._write() as conn:  # its sessions go with it (ON DELETE CASCADE)
            return conn.execute("DELETE FROM users WHERE username = ?", (username,)).rowcount == 1

    def add_web_session(
        self, token_hash: str, user_id: int, now: datetime, expires_at: datetime
    ) -> bool:
        check_aware(now, "now")
        check_aware(expires_at, "expires_at")
        with self._write() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO web_sessions(token_hash, user_id, created_at, expires_at)"
                " SELECT ?, id, ?, ? FROM users WHERE id = ?",
                (token_hash, to_micros(now), to_micros(expires_at), user_id),
            )
            return cur.rowcount == 1

    def get_web_session(self, token_hash: str, now: datetime) -> WebSession | None:
        check_aware(now, "now")
        row = (
            self._reader()
            .execute(
                f"SELECT s.token_hash, s.created_at, s.expires_at, {_USER_COLUMNS_U}"
                " FROM web_sessions s JOIN users u ON u.id = s.user_id"
                " WHERE s.token_hash = ? AND s.expires_at > ?",
                (token_hash, to_micros(now)),
            )
            .fetchone()
        )
        if row is None:
            return None
        token, created, expires, *user = tuple(row)
        return WebSession(token, _user(tuple(user)), from_micros(created), from_micros(expires))

    def remove_web_session(self, token_hash: str) -> bool:
        with self._write() as conn:
            cur = conn.execute("DELETE FROM web_sessions WHERE token_hash = ?", (token_hash,))
            return cur.rowcount == 1

    def purge_web_sessions(self, now: datetime) -> int:
        check_aware(now, "now")
        with self._write() as conn:
            cur = conn.execute("DELETE FROM web_sessions WHERE expires_at <= ?", (to_micros(now),))
            return cur.rowcount

    def find_item(self, source_id: int, key: str) -> tuple[str, int | None] | None:
        return _find_item(self._reader(), source_id, key)

    def get_checkpoint(self, name: str) -> str | None:
        row = (
            self._reader()
            .execute("SELECT position FROM checkpoints WHERE name = ?", (name,))
            .fetchone()
        )
        return None if row is None else str(row[0])

    def clear_checkpoint(self, name: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM checkpoints WHERE name = ?", (name,))


@dataclass(slots=True)
class _Batch:
    """An open write_batch: its thread, its rules, and its open transaction's writes so far."""

    owner: int
    every: int
    seconds: float
    writes: int = 0
    began: float = 0.0


class _ReaderSlot:
    """One thread's reader connection, closed by sqlite3 when its last reference goes (the
    thread's locals, and a statement running on it), in whichever thread that is."""

    __slots__ = ("__weakref__", "conn")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn


def _bound_wal(conn: sqlite3.Connection) -> None:
    """Start the WAL over where it has grown long. SQLite's own checkpoints copy the WAL into
    the database but start it over only at a moment no reader is using it; a desk read all
    the time by other processes (web workers under load, while `demo` or the daemon writes)
    may have no such moment, and its WAL grew to gigabytes. A RESTART checkpoint waits for the
    readers of the moment to finish (new ones read the database itself); the wait is cut
    short, and tried again later, so that writes are never held up for long."""
    if conn.in_transaction:
        return
    row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    if row is None or row[1] < _WAL_RESTART_FRAMES:
        return
    conn.execute(f"PRAGMA busy_timeout={_WAL_RESTART_WAIT_MS}")
    try:
        conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
    except sqlite3.OperationalError:
        pass  # busy: the next look tries again
    finally:
        conn.execute("PRAGMA busy_timeout=10000")


# How often the writer looks at the WAL's length (commits), the length at which it starts it
# over (frames of the 4 KiB default page: 64 MiB), how long it waits for the readers, and
# the size a WAL that was started over is cut back to.
_WAL_LOOK_EVERY = 50
# The writer's page cache (KiB) while a write batch is open: a bulk load's randomly keyed
# indexes (story bands, fingerprints) read back from the file once they outgrew SQLite's
# 2 MiB default, and a desk of 20,000 stories spent 62 s of 160 in the kernel; the cache
# grows only as pages are used, and goes back to the default at the batch's end.
_BATCH_CACHE_KIB = 1024 * 1024
_DEFAULT_CACHE_KIB = 2000
_WAL_RESTART_FRAMES = 16_384
_WAL_RESTART_WAIT_MS = 50
_WAL_KEEP_BYTES = 64 * 1024 * 1024


def _use_wal(conn: sqlite3.Connection, patience: float = 10.0) -> None:
    """Switch a new file to WAL (the mode stays with the file). The switch needs the file to
    itself, and SQLite answers "locked" at once rather than wait when another process opening
    the same new file holds it; so it is retried, as a busy wait would."""
    deadline = time.monotonic() + patience
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class _Writer:
    """dedup.PageWriter on an open SQLite write transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def find_document(self, key: str) -> tuple[int, int | None] | None:
        row = self.conn.execute(
            "SELECT id, article_id FROM documents WHERE sha256 = ?", (key,)
        ).fetchone()
        return (row[0], row[1]) if row is not None else None

    def insert_document(self, raw: RawDocument, kind: str, key: str) -> int | None:
        assert raw.fetched_at is not None  # dedup.add_page checked it
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO documents(source, url, sha256, media_type, kind, fetched_at,"
            " size, content) VALUES (?,?,?,?,?,?,?,?)",
            (
                raw.source,
                raw.url,
                key,
                raw.media_type,
                kind,
                to_micros(raw.fetched_at),
                len(raw.content),
                zlib.compress(raw.content, 6),
            ),
        )
        return cur.lastrowid if cur.rowcount == 1 else None

    def find_article(self, fingerprint: str) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM articles WHERE fingerprint = ?", (fingerprint,)
        ).fetchone()
        return int(row[0]) if row is not None else None

    def insert_article(self, document_id: int, plan: Plan, page: Page) -> int | None:
        a = page.article
        # Stamped with its document's fetch time, read in the same statement.
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO articles(document_id, fingerprint, title, text, paragraphs,"
            " authors, published, publisher, origin, copyright, language, url, description,"
            " image, market_status, fetched_at, modified, site, signature)"
            " SELECT d.id,?,?,?,?,?,?,?,?,?,?,?,?,?,?,d.fetched_at,?,?,? FROM documents d"
            " WHERE d.id = ?",
            (
                plan.fingerprint,
                a.title,
                a.text,
                json.dumps(list(a.paragraphs), ensure_ascii=False),
                json.dumps(list(a.authors), ensure_ascii=False),
                a.published.isoformat() if a.published else None,
                a.publisher,
                a.origin,
                a.copyright,
                a.language,
                a.url,
                a.description,
                a.image,
                page.market_status,
                a.modified.isoformat() if a.modified else None,
                plan.site,
                plan.signature,
                document_id,
            ),
        )
        if cur.rowcount != 1:
            return None
        article_id = int(cur.lastrowid or 0)
        self.conn.executemany(
            "INSERT INTO removed_blocks(article_id, position, kind, text) VALUES (?,?,?,?)",
            [(article_id, i, str(r.kind), r.text) for i, r in enumerate(page.removed)],
        )
        return article_id

    def link_article(self, document_id: int, article_id: int) -> None:
        self.conn.execute(
            "UPDATE documents SET article_id = ? WHERE id = ?", (article_id, document_id)
        )

    def insert_quotes(self, quotes: Sequence[Quote], document_id: int | None) -> int:
        return _insert_quotes(self.conn, quotes, document_id)

    def story_candidates(self, bands: Sequence[int], limit: int) -> list[Candidate]:
        if not bands:
            return []
        marks = ",".join("?" * len(bands))
        rows = self.conn.execute(
            "SELECT a.id, a.story_id, a.signature, a.site, a.title FROM"
            " (SELECT article_id, count(*) AS shared"
            f" FROM story_bands WHERE band IN ({marks}) GROUP BY article_id) b"
            " JOIN articles a ON a.id = b.article_id"
            " WHERE a.replaced_by IS NULL AND a.story_id IS NOT NULL AND a.signature IS NOT NULL"
            " ORDER BY b.shared DESC, a.id LIMIT ?",
            (*bands, limit),
        ).fetchall()
        return [Candidate(r[0], r[1], from_bytes(r[2]), r[3] or "", r[4]) for r in rows]

    def story_of(self, article_id: int) -> int | None:
        row = self.conn.execute(
            "SELECT story_id FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        return None if row is None else row[0]

    def new_story(self, article_id: int) -> int:
        cur = self.conn.execute(
            "INSERT INTO stories(first_seen, sort_at) SELECT fetched_at, fetched_at"
            " FROM articles WHERE id = ?",
            (article_id,),
        )
        return int(cur.lastrowid or 0)

    def join_story(self, article_id: int, story_id: int, bands: Sequence[int]) -> None:
        self.conn.execute("UPDATE articles SET story_id = ? WHERE id = ?", (story_id, article_id))
        self.conn.executemany(
            "INSERT OR IGNORE INTO story_bands(band, article_id) VALUES (?, ?)",
            [(b, article_id) for b in bands],
        )

    def replace_article(self, old_id: int, new_id: int) -> None:
        self.conn.execute("UPDATE articles SET replaced_by = ? WHERE id = ?", (new_id, old_id))

    def story_copies(self, story_id: int) -> list[tuple[Copy, str | None]]:
        rows = _copy_rows(self.conn, "a.story_id = ?", (story_id,))
        return [(copy, title) for _, copy, title, _ in rows]

    def update_story(self, story_id: int, facts: dedup.StoryFacts) -> None:
        self.conn.execute(
            "UPDATE stories SET title = ?, origin = ?, published = ?, sort_at = ?, copies = ?"
            " WHERE id = ?",
            (
                facts.title,
                facts.origin,
                facts.published.isoformat() if facts.published else None,
                to_micros(facts.sort_at),
                facts.copies,
                story_id,
            ),
        )

    def find_item(self, source_id: int, key: str) -> tuple[str, int | None] | None:
        return _find_item(self.conn, source_id, key)

    def put_item(self, mark: ItemMark, article_id: int | None, at: datetime) -> None:
        # A source removed meanwhile takes no items: the page stays stored, the mark is dropped
        # (an IntegrityError here would have undone the page).
        self.conn.execute(
            "INSERT INTO source_items(source_id, key, content_hash, article_id, seen_at)"
            " SELECT id, ?, ?, ?, ? FROM sources WHERE id = ?"
            " ON CONFLICT (source_id, key) DO UPDATE SET"
            " content_hash = excluded.content_hash,"
            " article_id = coalesce(excluded.article_id, source_items.article_id),"
            " seen_at = excluded.seen_at",
            (mark.key, mark.content_hash, article_id, to_micros(at), mark.source_id),
        )

    def set_checkpoint(self, checkpoint: Checkpoint, at: datetime) -> None:
        self.conn.execute(
            "INSERT INTO checkpoints(name, position, at) VALUES (?,?,?) ON CONFLICT (name)"
            " DO UPDATE SET position = excluded.position, at = excluded.at",
            (checkpoint.name, checkpoint.position, to_micros(at)),
        )

    def put_annotations(self, article_id: int, annotations: Annotations) -> None:
        self.conn.execute(
            "UPDATE articles SET annotations = ? WHERE id = ?",
            (annotations_json.dump(annotations), article_id),
        )
        self.conn.execute("DELETE FROM article_entities WHERE article_id = ?", (article_id,))
        self.conn.executemany(
            "INSERT INTO article_entities(article_id, entity, kind, name, norm, key, salience,"
            " mentions) VALUES (?,?,?,?,?,?,?,?)",
            [
                (
                    article_id,
                    e.id,
                    str(e.kind),
                    e.name,
                    norm_name(e.name),
                    e.key,
                    e.salience,
                    e.count,
                )
                for e in annotations.entities
            ],
        )
        self.conn.execute("DELETE FROM article_topics WHERE article_id = ?", (article_id,))
        self.conn.executemany(
            "INSERT OR IGNORE INTO article_topics(article_id, topic, relevance) VALUES (?,?,?)",
            [(article_id, t.code, t.relevance) for t in annotations.topics],
        )
        self.conn.execute("DELETE FROM article_instruments WHERE article_id = ?", (article_id,))
        self.conn.executemany(
            "INSERT OR IGNORE INTO article_instruments(article_id, instrument, relevance)"
            " VALUES (?,?,?)",
            [(article_id, i.key, i.relevance) for i in annotations.instruments],
        )
        self.conn.execute("DELETE FROM article_countries WHERE article_id = ?", (article_id,))
        self.conn.executemany(
            "INSERT OR IGNORE INTO article_countries(article_id, country) VALUES (?,?)",
            [(article_id, code.upper()) for code in annotations.countries or ()],
        )


def _newest_ranked(
    reader: sqlite3.Connection, terms: str, joins: str, where: str, args: list[int | str]
) -> list[tuple[int, int]]:
    """The ``SEARCH_SCAN`` newest matches that the filters keep, best-ranked first (FTS5's
    bm25, then the id), each as (article id, story id), in one statement: FTS5 walks the
    match list backwards, each match's story and filters are tested as it comes, and the walk
    stops at the SEARCH_SCAN-th kept, so a common word ranks a bounded number of matches and
    a filter to old stories still finds them. The story and the filters are read from the
    narrow index ``articles_search`` (migration 0010), not from the wide article rows."""
    rows = reader.execute(
        "SELECT rowid, story_id FROM (SELECT f.rowid AS rowid, f.rank AS rank, a.story_id"
        " FROM articles_fts f JOIN articles a INDEXED BY articles_search ON a.id = f.rowid"
        f"{joins} WHERE articles_fts MATCH ? AND {where} ORDER BY f.rowid DESC LIMIT ?)"
        " ORDER BY rank, rowid",
        (terms, *args, SEARCH_SCAN),
    ).fetchall()
    return [(int(r[0]), int(r[1])) for r in rows]


def _count(
    reader: sqlite3.Connection,
    terms: str,
    joins: str,
    where: str,
    args: list[int | str],
    cap: int,
) -> int:
    """``count_stories``: the stories of every match, up to ``cap`` + 1 of them."""
    row = reader.execute(
        "SELECT count(*) FROM (SELECT DISTINCT a.story_id FROM articles a"
        f" INDEXED BY articles_search JOIN articles_fts ON a.id = articles_fts.rowid{joins}"
        f" WHERE articles_fts MATCH ? AND {where} LIMIT ?)",
        (terms, *args, cap + 1),
    ).fetchone()
    return int(row[0])


# A story list narrowed by a filter (an entity, a topic, an instrument, a country) is read one
# of two ways. Walking the stories newest first and testing each (EXISTS) costs about three
# microseconds a story passed over, so it is quick where the filter is common; reading the
# filter's stories first (IN) and sorting them costs about two an article of the filter's, so
# it is quick where the filter is rare. The walk passes over about wanted x stories / n
# stories for a filter of n articles: it wins where n is over sqrt(WALK_RATIO x wanted x
# stories) (at 100,000 stories, 3,500 articles for a front page: "bonds", 43,606 articles,
# 66 ms -> 0.2 ms; a rare name, 271 articles, 2.7 ms as a list, where a walk took 2 s).
WALK_RATIO = 2.0


@dataclass(frozen=True, slots=True)
class _StoryFilter:
    count: str  # counts the filter's articles, up to a bound (the statement's last argument)
    listed: str  # the stories of the filter's articles, for ``s.id IN (...)``
    tested: str  # whether story ``s`` has a current article the filter keeps (EXISTS)
    args: tuple[str, ...]


def _story_filters(
    entity: str | None, topic: str | None, instrument: str | None, country: str | None
) -> list[_StoryFilter]:
    out: list[_StoryFilter] = []
    if entity is not None:
        out.append(
            _StoryFilter(
                "SELECT count(*) FROM (SELECT 1 FROM article_entities WHERE norm = ?"
                " UNION ALL SELECT 1 FROM article_entities WHERE key = ? LIMIT ?)",
                f"SELECT a.story_id FROM ({_NAMED_ARTICLES}) e JOIN articles a"
                f" INDEXED BY articles_search ON a.id = e.article_id WHERE {_CURRENT}",
                "SELECT 1 FROM articles a JOIN article_entities e ON e.article_id = a.id"
                f" WHERE a.story_id = s.id AND {_CURRENT} AND (e.norm = ? OR e.key = ?)",
                (norm_name(entity), entity.strip()),
            )
        )
    for table, column, value in annotation_filters(topic, instrument, country):
        out.append(
            _StoryFilter(
                f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {column} = ? LIMIT ?)",
                f"SELECT a.story_id FROM {table} x JOIN articles a ON a.id = x.article_id"
                f" WHERE x.{column} = ? AND {_CURRENT}",
                f"SELECT 1 FROM articles a JOIN {table} x ON x.article_id = a.id"
                f" WHERE a.story_id = s.id AND {_CURRENT} AND x.{column} = ?",
                (value,),
            )
        )
    return out


def _narrowed(
    c: sqlite3.Connection,
    tests: list[_StoryFilter],
    where: str,
    args: list[int | str],
    wanted: int,
) -> tuple[str, list[int | str]]:
    """``where`` and ``args`` with the filters: the rarest one, where it is rare enough, as the
    list of its stories, the others tested story by story (see WALK_RATIO)."""
    row = c.execute("SELECT coalesce(max(id), 0) FROM stories").fetchone()
    bound = int(math.sqrt(WALK_RATIO * max(wanted, 1) * max(int(row[0]), 1))) + 1
    sizes = [int(c.execute(t.count, (*t.args, bound)).fetchone()[0]) for t in tests]
    rarest = min(range(len(tests)), key=sizes.__getitem__)
    listed = rarest if sizes[rarest] < bound else None
    args = list(args)
    for i, t in enumerate(tests):
        where += f" AND s.id IN ({t.listed})" if i == listed else f" AND EXISTS ({t.tested})"
        args += t.args
    return where, args


def _search_where(
    query: str, filters: SearchFilters | None
) -> tuple[str, str, str, list[int | str]] | None:
    """A search's FTS5 MATCH expression, the join of ``stories s`` where a filter reads it
    (else nothing: the foreign key makes a story id a story, and the join cost a fifth of a
    search), and the WHERE clause of the filters over ``articles a`` with their arguments;
    None when the query has no words."""
    # Each word quoted: FTS5 then reads it as a word, never as query syntax.
    terms = " ".join(f'"{w}"' for w in _WORD.findall(query))
    if not terms:
        return None
    where = f"{_CURRENT} AND a.story_id IS NOT NULL"
    args: list[int | str] = []
    f = filters or SearchFilters()
    if f.entity is not None:
        where += f" AND a.id IN ({_NAMED_ARTICLES})"
        args += [norm_name(f.entity), f.entity.strip()]
    if f.topic is not None:
        where += " AND a.id IN (SELECT article_id FROM article_topics WHERE topic = ?)"
        args.append(f.topic.strip().casefold())
    if f.instrument is not None:
        where += " AND a.id IN (SELECT article_id FROM article_instruments WHERE instrument = ?)"
        args.append(f.instrument.strip().casefold())
    if f.country is not None:
        where += " AND a.id IN (SELECT article_id FROM article_countries WHERE country = ?)"
        args.append(f.country.strip().upper())
    if f.since is not None:
        check_aware(f.since, "since")
        where += " AND s.sort_at >= ?"
        args.append(to_micros(f.since))
    if f.until is not None:
        check_aware(f.until, "until")
        where += " AND s.sort_at <= ?"
        args.append(to_micros(f.until))
    if f.source is not None:
        where += " AND (lower(a.publisher) = ? OR lower(a.origin) = ? OR a.site = ?)"
        src = f.source.strip().lower()
        args += [src, src, src]
    joins = "" if f.since is None and f.until is None else " JOIN stories s ON s.id = a.story_id"
    return terms, joins, where, args


def _find_item(conn: sqlite3.Connection, source_id: int, key: str) -> tuple[str, int | None] | None:
    row = conn.execute(
        "SELECT content_hash, article_id FROM source_items WHERE source_id = ? AND key = ?",
        (source_id, key),
    ).fetchone()
    return None if row is None else (row[0], row[1])


def _copy_rows(
    conn: sqlite3.Connection, where: str, args: Sequence[Any]
) -> list[tuple[int, Copy, str | None, StoryCopy]]:
    """Current copies matching ``where``, oldest first: (story id, the copy as the origin rule
    reads it, its title, the copy as shown)."""
    rows = conn.execute(
        "SELECT a.id, a.story_id, a.title, a.url, a.publisher, a.origin, a.published,"
        " a.fetched_at, d.source, d.url FROM articles a JOIN documents d ON d.id = a.document_id"
        f" WHERE {where} AND a.replaced_by IS NULL ORDER BY a.fetched_at, a.id",
        tuple(args),
    ).fetchall()
    out = []
    for aid, sid, title, canonical, publisher, origin, published, fetched, source, url in rows:
        when = datetime.fromisoformat(published) if published else None
        at = from_micros(fetched)
        page_url = url or (source if "://" in source else None)
        copy = Copy(aid, page_url, canonical, publisher, origin, when, at)
        shown = StoryCopy(aid, source, page_url or canonical, publisher, title, when, at)
        out.append((sid, copy, title, shown))
    return out


def _copies(conn: sqlite3.Connection, story_ids: Sequence[int]) -> dict[int, tuple[StoryCopy, ...]]:
    if not story_ids:
        return {}
    marks = ",".join("?" * len(story_ids))
    grouped: dict[int, list[StoryCopy]] = {}
    for sid, _, _, shown in _copy_rows(conn, f"a.story_id IN ({marks})", story_ids):
        grouped.setdefault(sid, []).append(shown)
    return {k: tuple(v) for k, v in grouped.items()}


def _story(row: sqlite3.Row, copies: tuple[StoryCopy, ...]) -> Story:
    published = row["published"]
    return Story(
        id=row["id"],
        title=row["title"],
        origin=row["origin"],
        published=datetime.fromisoformat(published) if published else None,
        first_seen=from_micros(row["first_seen"]),
        copies=copies,
    )


def _source(row: Any) -> Source:
    (
        sid,
        url,
        kind,
        every_s,
        edition,
        tags,
        allow_private,
        from_config,
        paused,
        added_at,
        next_poll,
        last_fetch,
        last_success,
        etag,
        last_modified,
        last_error,
        failures,
        cursor,
    ) = tuple(row)
    spec = SourceSpec(
        url,
        SourceKind(kind),
        every_s,
        edition,
        tuple(json.loads(tags)),
        bool(allow_private),
        bool(from_config),
    )
    return Source(
        id=sid,
        spec=spec,
        paused=bool(paused),
        added_at=from_micros(added_at),
        next_poll=from_micros(next_poll),
        last_fetch=from_micros(last_fetch) if last_fetch is not None else None,
        last_success=from_micros(last_success) if last_success is not None else None,
        etag=etag,
        last_modified=last_modified,
        last_error=last_error,
        failures=failures,
        cursor=cursor,
    )


def _regroup(conn: sqlite3.Connection) -> None:
    """Upgrade articles stored before version 4: fingerprints with their site, signatures, and
    stories, in the order they were stored (as if grouped when they came)."""
    writer = _Writer(conn)
    rows = conn.execute(
        "SELECT a.id, a.title, a.paragraphs, a.url, d.url, d.source, a.fetched_at"
        " FROM articles a JOIN documents d ON d.id = a.document_id ORDER BY a.id"
    ).fetchall()
    for aid, title, paragraphs, canonical, url, source, fetched in rows:
        article = Article(title=title, paragraphs=tuple(json.loads(paragraphs)), url=canonical)
        raw = RawDocument(source=source, content=b"", url=url, fetched_at=from_micros(fetched))
        plan = dedup.plan_page(raw, Page(source=source, kind="html", article=article))
        # A second copy of one text on one site keeps its old fingerprint: it stays stored.
        conn.execute(
            "UPDATE OR IGNORE articles SET fingerprint = ?, site = ?, signature = ? WHERE id = ?",
            (plan.fingerprint, plan.site, plan.signature, aid),
        )
        dedup.group_stored(writer, aid, plan)


def _float(x: float | None) -> float | None:
    # The CHECKs on change and change_pct want REALs; an int from a caller is a number too.
    return None if x is None else float(x)


def _insert_quotes(conn: sqlite3.Connection, quotes: Iterable[Quote], doc_id: int | None) -> int:
    before = conn.total_changes
    conn.executemany(
        "INSERT OR IGNORE INTO quotes(instrument, name, at, last, change, change_pct,"
        " prev_close, open, high, low, decimals, source, document_id)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (
            (
                q.instrument,
                q.name,
                to_micros(q.at),
                q.last,
                _float(q.change),
                _float(q.change_pct),
                q.prev_close,
                q.open,
                q.high,
                q.low,
                q.decimals,
                q.source,
                doc_id if doc_id is not None else q.document_id,
            )
            for q in checked_quotes(quotes)
        ),
    )
    return conn.total_changes - before


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements; trigger bodies keep their inner semicolons."""
    statements: list[str] = []
    buf: list[str] = []
    for line in script.splitlines():
        if line.strip().startswith("--") and not buf:
            continue
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            statements.append(joined)
            buf = []
    if "\n".join(buf).strip():
        statements.append("\n".join(buf))
    return statements


def _stored(
    row: sqlite3.Row, removed: tuple[RemovedBlock, ...], *, annotated: bool = True
) -> StoredArticle:
    published = row["published"]
    modified = row["modified"]
    return StoredArticle(
        id=row["id"],
        article=Article(
            title=row["title"],
            paragraphs=tuple(json.loads(row["paragraphs"])),
            authors=tuple(json.loads(row["authors"])),
            published=datetime.fromisoformat(published) if published else None,
            modified=datetime.fromisoformat(modified) if modified else None,
            publisher=row["publisher"],
            origin=row["origin"],
            copyright=row["copyright"],
            language=row["language"],
            url=row["url"],
            description=row["description"],
            image=row["image"],
        ),
        source=row["doc_source"],
        fetched_at=from_micros(row["fetched_at"]),
        market_status=row["market_status"],
        removed=removed,
        from_feed_entry=row["doc_kind"] == "feed-entry",
        annotations=annotations_json.load_text(row["annotations"])
        if annotated and row["annotations"]
        else None,
        story_id=row["story_id"],
    )


def _user(row: tuple[Any, ...]) -> User:
    uid, username, password_hash, created, changed = row
    return User(uid, username, password_hash, from_micros(created), from_micros(changed))


def _quote_from(row: tuple[Any, ...]) -> Quote:
    """A Quote from a plain row of _QUOTE_COLUMNS, in their order."""
    ins, name, at, last, chg, pct, src, prev, o, h, lo, doc, dec = row
    return Quote(ins, name, from_micros(at), last, chg, pct, src, prev, o, h, lo, doc, dec)
