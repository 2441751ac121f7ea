"""SQLite storage, the default backend: WAL, synchronous=FULL, foreign keys, FTS5, migrations.

It keeps the contract of ``store/base.py``. All writes of one process go through one connection
under one lock (SQLite allows one writer at a time; queuing here is cheaper than busy retries);
writers in other processes wait for the file lock (``BEGIN IMMEDIATE``, ``busy_timeout``). Reads
use a connection per thread, so the web desk reads while ingest writes.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
import weakref
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from marketdesk.errors import StorageError
from marketdesk.model import (
    Article,
    BlockKind,
    Page,
    Quote,
    RawDocument,
    RemovedBlock,
    StoredArticle,
)
from marketdesk.store import dedup
from marketdesk.store.base import IngestResult, StoreCounts
from marketdesk.store.guards import check_aware, check_paging, checked_quotes
from marketdesk.store.locations import missing_database, redacted

_WORD = re.compile(r"\w+")
_QUOTE_COLUMNS = (
    "instrument, name, at, last, change, change_pct, source, prev_close, open, high, low,"
    " document_id, decimals"
)
_MAX_MICROS = 2**63 - 1  # "at or before" with no bound
_ARTICLE_SELECT = (
    "SELECT a.*, d.source AS doc_source FROM articles a JOIN documents d ON d.id = a.document_id"
)


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

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = str(path)
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
        self._local = threading.local()
        # A thread's reader lives in its thread-local slot and closes when the thread ends (a
        # web server's worker threads come and go); the set lets close() reach the live ones.
        self._readers: weakref.WeakSet[_ReaderSlot] = weakref.WeakSet()
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
                conn.execute("PRAGMA synchronous=FULL")
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
            slot = _ReaderSlot(self._connect(reader=True))
            self._local.slot = slot
            with self._readers_lock:
                self._readers.add(slot)
        return slot.conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._writer
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StorageError(f"cannot write to {self.path}: {exc}") from exc
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                conn.execute("ROLLBACK")
                raise StorageError(f"cannot write to {self.path}: {exc}") from exc

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
                    conn.execute(f"PRAGMA user_version={version:d}")
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"{self.path} is not a marketdesk database: {exc}") from exc

    def close(self) -> None:
        with self._lock, self._readers_lock:
            self._writer.close()
            for slot in list(self._readers):
                slot.conn.close()
            self._readers.clear()
        self._local = threading.local()

    # -- writes ------------------------------------------------------------------------
    def add_page(self, raw: RawDocument, page: Page, quotes: Sequence[Quote]) -> IngestResult:
        with self._write() as conn:
            return dedup.add_page(_Writer(conn), raw, page, quotes)

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

    def latest_articles(self, limit: int = 20, offset: int = 0) -> list[StoredArticle]:
        check_paging(limit, offset)
        rows = self._reader().execute(
            f"{_ARTICLE_SELECT} ORDER BY a.fetched_at DESC, a.id DESC LIMIT ? OFFSET ?",
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
            " WHERE articles_fts MATCH ? ORDER BY articles_fts.rank, a.id LIMIT ? OFFSET ?",
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
        check_aware(start, "start")
        check_aware(end, "end")
        # Plain tuples and positional construction: named Row lookups cost more than the query.
        cur = self._reader().cursor()
        cur.row_factory = None
        rows = cur.execute(
            f"SELECT {_QUOTE_COLUMNS} FROM quotes WHERE instrument = ? AND at >= ? AND at <= ?"
            " ORDER BY at, id",  # the index holds (instrument, at, rowid): no sort step
            (instrument, to_micros(start), to_micros(end)),
        ).fetchall()
        fromts = datetime.fromtimestamp
        return [
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
            for (ins, name, at, last, chg, pct, src, prev, o, h, lo, doc, dec) in rows
        ]

    def counts(self) -> StoreCounts:
        c = self._reader()
        return StoreCounts(
            documents=c.execute("SELECT count(*) FROM documents").fetchone()[0],
            articles=c.execute("SELECT count(*) FROM articles").fetchone()[0],
            quotes=c.execute("SELECT count(*) FROM quotes").fetchone()[0],
        )


class _ReaderSlot:
    """One thread's reader connection, closed when the thread's locals go."""

    __slots__ = ("__weakref__", "conn")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __del__(self) -> None:
        self.conn.close()


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

    def insert_article(self, document_id: int, fingerprint: str, page: Page) -> int | None:
        a = page.article
        # Stamped with its document's fetch time, read in the same statement.
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO articles(document_id, fingerprint, title, text, paragraphs,"
            " authors, published, publisher, origin, copyright, language, url, description,"
            " image, market_status, fetched_at, modified)"
            " SELECT d.id,?,?,?,?,?,?,?,?,?,?,?,?,?,?,d.fetched_at,? FROM documents d"
            " WHERE d.id = ?",
            (
                fingerprint,
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


def _stored(row: sqlite3.Row, removed: tuple[RemovedBlock, ...]) -> StoredArticle:
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
    )


def _quote_from(row: tuple[Any, ...]) -> Quote:
    """A Quote from a plain row of _QUOTE_COLUMNS, in their order."""
    ins, name, at, last, chg, pct, src, prev, o, h, lo, doc, dec = row
    return Quote(ins, name, from_micros(at), last, chg, pct, src, prev, o, h, lo, doc, dec)
