"""PostgreSQL storage, the second backend: psycopg 3, a small pool, migrations, tsvector search.

It keeps the contract of ``store/base.py``; what differs from SQLite is how.

Location
    ``postgresql://USER[:PASSWORD]@HOST:PORT/DBNAME[?schema=NAME]`` (or ``postgres://``), plus
    any libpq URL parameter (``sslmode``, ``connect_timeout``, ...). marketdesk creates its
    tables, never the database. ``schema=NAME`` keeps marketdesk's tables in that schema (made on
    first open), so several desks, or tests, can share one database. Messages name the location
    without its password.

Times
    ``timestamptz``: microsecond instants that psql and SQL date functions read as times.
    Sessions run with ``TimeZone=UTC``, so they load as UTC datetimes. ``published`` and
    ``modified`` are the page's own ISO 8601 text, offset or none, as in SQLite: timestamptz
    would keep the instant and lose the offset.

Concurrency
    Each call runs on its own pooled connection, each write in one transaction. Every key is a
    unique index written with ``INSERT ... ON CONFLICT DO NOTHING``: a writer in any process that
    meets a key another has just written waits for that transaction and then skips it, so
    nothing is stored twice and nothing fails. Quotes are written in key order, so two writers
    never wait on each other in a cycle (a deadlock would abort one; a write the server aborts
    so is run again, as a whole). A copy joining a story locks the story's row until commit, so
    the story's facts count every copy; two copies stored at the same instant may each miss the
    other as a candidate and start two stories. Migrations run in one
    transaction under an advisory lock: processes that open a new database together migrate it
    once.

Search
    A ``tsvector`` an article (title weight A, text weight B) with a GIN index, in the 'english'
    configuration: words are stemmed and English stop words dropped, so "rallies" finds
    "rallied" (SQLite's porter tokenizer does as much). Queries go through ``plainto_tsquery``,
    which reads operators and quotes as plain text; results are ranked by ``ts_rank_cd``, ties
    by id. The tsvectors live in a narrow table of their own, ``article_search`` (article id,
    story id, current, tsvector), kept by triggers on ``articles`` whoever writes
    (migrations_pg/0008): a search reads thousands of matches, and of this table that is a few
    hundred pages, not thousands of wide article rows and their TOAST.

Text
    PostgreSQL text cannot hold NUL characters; they are stored as U+FFFD.
"""

from __future__ import annotations

import hashlib
import re
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from time import monotonic
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool

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
from marketdesk.store.locations import missing_database
from marketdesk.store.searching import annotation_filters, count_from_scan, page_of_stories
from marketdesk.stories.grouping import Candidate
from marketdesk.stories.origin import Copy, story_origin
from marketdesk.stories.signature import from_bytes

__all__ = ["Location", "PostgresStorage", "migrate", "migrations", "parse_location"]

Conn = psycopg.Connection[tuple[Any, ...]]
T = TypeVar("T")

COUNT_SPAN = 8  # count_stories looks first among the newest COUNT_SPAN * (cap + 1) articles
SEARCH_CONFIG = "english"  # the configuration of migrations_pg/0002 and 0008
TABLES = (
    "documents",
    "articles",
    "removed_blocks",
    "quotes",
    "sources",
    "source_items",
    "checkpoints",
    "stories",
    "story_bands",
    "users",
    "web_sessions",
)
_SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}\Z")
_WORD = re.compile(r"\w+")
_URL_PASSWORD = re.compile(r"(postgres(?:ql)?://[^:/@\s]*):[^@\s]*@", re.IGNORECASE)
_QUOTES_PER_STATEMENT = 5000
_REGROUP_BATCH = 500  # articles read at once by the upgrade to stories
_WRITE_ATTEMPTS = 3  # a write the server aborted for a deadlock or serialisation is run again
_STORIES_VERSION = 3  # the migration that adds stories; older articles are grouped after it
_ABORTED = (  # what the server aborts a transaction with when writers get in each other's way
    psycopg.errors.TransactionRollback,
    psycopg.errors.SerializationFailure,
    psycopg.errors.DeadlockDetected,
)

_ARTICLE_SELECT = (
    "SELECT a.id, a.title, a.paragraphs, a.authors, a.published, a.modified, a.publisher,"
    " a.origin, a.copyright, a.language, a.url, a.description, a.image, d.source, a.fetched_at,"
    # The annotations as text, for annotations_json.load_text (jsonb would come as a dict).
    " a.market_status, d.kind, a.annotations::text, a.story_id FROM articles a"
    " JOIN documents d ON d.id = a.document_id"
)
# Search hits, without their annotations (a page of hits shows none: their JSON was a fifth
# of a search's time).
_HIT_SELECT = _ARTICLE_SELECT.replace("a.annotations::text,", "NULL,")
_CURRENT = "a.replaced_by IS NULL"
# The newest `scan` current articles that name an entity by its name or carry its key
# (arguments: norm, scan, key, scan, scan): each way walks its index backwards (migration
# 0010: (norm, article_id), (key, article_id)) and stops at its `scan`-th article, and the
# newest `scan` of the two ways together are among those. Asked as one OR, the planner walked
# every article backwards by the primary key instead, testing each one's entities.
_NEWEST_ONE_WAY = (
    "SELECT DISTINCT e.article_id, a.story_id FROM article_entities e"
    f" JOIN articles a ON a.id = e.article_id WHERE e.{{column}} = %s AND {_CURRENT}"
    " ORDER BY e.article_id DESC LIMIT %s"
)
_NEWEST_NAMED = (
    "SELECT article_id, story_id FROM (("
    + _NEWEST_ONE_WAY.format(column="norm")
    + ") UNION ("
    + _NEWEST_ONE_WAY.format(column="key")
    + ")) named ORDER BY article_id DESC LIMIT %s"
)
# The NOTIFY channel of new quotes: one a schema (a database may hold several stores, one a
# schema), ASCII and within PostgreSQL's 63 bytes whatever the schema's name.
_QUOTES_CHANNEL = "'marketdesk_quotes_' || md5(current_schema())"
_SOURCE_COLUMNS = (
    "id, url, kind, every_s, edition, tags, allow_private, from_config, paused, added_at,"
    " next_poll, last_fetch, last_success, etag, last_modified, last_error, failures, cursor"
)
_USER_COLUMNS = "id, username, password_hash, created_at, password_changed_at"
_USER_COLUMNS_U = "u.id, u.username, u.password_hash, u.created_at, u.password_changed_at"
_STORY_COLUMNS = "id, title, origin, published, first_seen"
_QUOTE_COLUMNS = (
    "instrument, name, at, last, change, change_pct, source, prev_close, open, high, low,"
    " document_id, decimals"
)
_INSERT_QUOTES = (
    "INSERT INTO quotes (instrument, name, at, last, change, change_pct, prev_close, open, high,"
    " low, decimals, source, document_id)"
    " SELECT instrument, name, at, last, change, change_pct, prev_close, open, high, low,"
    " decimals, source, document_id FROM unnest(%s::text[], %s::text[], %s::timestamptz[],"
    " %s::float8[], %s::float8[], %s::float8[], %s::float8[], %s::float8[], %s::float8[],"
    " %s::float8[], %s::int[], %s::text[], %s::bigint[]) WITH ORDINALITY AS u(instrument, name,"
    " at, last, change, change_pct, prev_close, open, high, low, decimals, source, document_id, n)"
    " ORDER BY n ON CONFLICT (source, name, at) DO NOTHING"
)


# -- the location ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Location:
    """A parsed ``postgresql://`` --db value."""

    conninfo: str  # for libpq: the password included, our session settings added
    shown: str  # for messages: no password
    password: str | None
    schema: str | None
    dbname: str
    host: str
    port: str
    user: str


def redact(text: str, password: str | None = None) -> str:
    """``text`` without a URL's password, nor ``password`` wherever it appears."""
    text = _URL_PASSWORD.sub(r"\1@", text)
    return text.replace(password, "***") if password else text


def parse_location(location: str) -> Location:
    """Read a --db URL; ``?schema=NAME`` is ours, every other parameter goes to libpq."""
    try:
        parts = urlsplit(location)
        params = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError as exc:
        raise StorageError(f"cannot read the database address {redact(location)}: {exc}") from None
    schemas = [v for k, v in params if k == "schema"]
    schema = schemas[-1] if schemas else None
    if schema is not None and not _SCHEMA_NAME.match(schema):
        raise StorageError(
            f"schema={schema!r} in {redact(location)}: a schema name is letters, digits and _ "
            "(not starting with a digit), at most 63 characters"
        )
    libpq_url = urlunsplit(
        parts._replace(query=urlencode([(k, v) for k, v in params if k != "schema"]))
    )
    try:
        params_dict = conninfo_to_dict(libpq_url)
    except psycopg.Error as exc:
        # from None: libpq may quote the address it could not read, password and all
        raise StorageError(
            f"cannot read the database address {redact(location)}: {_reason(exc)}"
        ) from None
    password = params_dict.pop("password", None)
    password = str(password) if password else None
    user = str(params_dict.get("user") or "")
    host = str(params_dict.get("host") or params_dict.get("hostaddr") or "localhost")
    port = str(params_dict.get("port") or "5432")
    dbname = str(params_dict.get("dbname") or user)
    shown = f"postgresql://{user + '@' if user else ''}{host}:{port}/{dbname}"
    if schema:
        shown += f"?schema={schema}"
    # jit off: marketdesk's queries are short, and a plan costed high before the tables have
    # statistics (a bulk load, autovacuum behind or off) would spend 100+ ms compiling one.
    # Writes ask for custom plans (_on_connection); reads keep the server's choice.
    settings = "-c TimeZone=UTC -c jit=off" + (f" -c search_path={schema}" if schema else "")
    options = f"{params_dict.get('options') or ''} {settings}".strip()
    conninfo = make_conninfo(
        libpq_url,
        options=options,
        connect_timeout=params_dict.get("connect_timeout") or 10,
        application_name=params_dict.get("application_name") or "marketdesk",
    )
    return Location(conninfo, redact(shown, password), password, schema, dbname, host, port, user)


def _reason(exc: BaseException, password: str | None = None) -> str:
    """The useful part of a libpq message, on one line."""
    primary = exc.diag.message_primary if isinstance(exc, psycopg.Error) else None
    message = primary or str(exc)  # the server's own words; a failed connection has none
    if "failed: " in message:  # "connection to server at ..., port ... failed: WHY"
        message = message.rsplit("failed: ", 1)[1]
    message = re.sub(r"\s+", " ", message.replace("FATAL:", "")).strip()
    return redact(message, password) or type(exc).__name__


# -- migrations --------------------------------------------------------------------------------
def migrations() -> list[tuple[int, str, str]]:
    """(version, name, SQL) of every migration in ``migrations_pg/``, oldest first."""
    folder = resources.files("marketdesk.store") / "migrations_pg"
    found = []
    for entry in folder.iterdir():
        m = re.match(r"(\d{4})_(.*)\.sql$", entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


def migration_lock_key(schema: str | None) -> int:
    """The advisory lock that serialises migrations of one schema (locks are per database)."""
    digest = hashlib.blake2b(f"marketdesk migrations {schema or ''}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def migrate(conn: Conn, schema: str | None, *, create: bool, upto: int | None = None) -> None:
    """Apply the pending migrations (up to ``upto``) in one transaction, under the lock.

    ``create=False`` refuses to make marketdesk's tables where there are none.
    """
    newest = migrations()[-1][0]
    if _applied_versions(conn, schema) == newest and upto is None:
        return  # the common case, without waiting for the lock
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (migration_lock_key(schema),))
        if schema is not None and not _schema_exists(conn, schema):
            if not create:
                raise _Missing()
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        if not _table_exists(conn, "schema_migrations"):
            if not create:
                raise _Missing()
            foreign = [t for t in TABLES if _table_exists(conn, t)]
            if foreign:
                raise _Foreign(foreign)
            conn.execute(
                "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
        applied = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
        if applied and max(applied) > newest:
            raise _Newer(max(applied), newest)
        for version, name, script in migrations():
            if version in applied or (upto is not None and version > upto):
                continue
            conn.execute(script.encode())  # no parameters: one script, several statements
            if version == _STORIES_VERSION:
                _regroup(conn)  # articles stored before stories existed (none in a new database)
            conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name)
            )


def _applied_versions(conn: Conn, schema: str | None) -> int | None:
    if schema is not None and not _schema_exists(conn, schema):
        return None
    if not _table_exists(conn, "schema_migrations"):
        return None
    row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return int(row[0]) if row is not None and row[0] is not None else None


def _schema_exists(conn: Conn, schema: str) -> bool:
    return (
        conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
        is not None
    )


def _table_exists(conn: Conn, table: str) -> bool:
    # to_regclass follows the search_path, which ?schema= set
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
    return bool(row and row[0])


class _Missing(Exception):
    pass


class _Foreign(Exception):
    def __init__(self, tables: list[str]) -> None:
        super().__init__(", ".join(tables))
        self.tables = tables


class _Newer(Exception):
    def __init__(self, found: int, known: int) -> None:
        super().__init__(f"{found} > {known}")
        self.found = found
        self.known = known


# -- the store ---------------------------------------------------------------------------------
class PostgresStorage:
    """A marketdesk database on a PostgreSQL server. ``create=False`` refuses to make tables."""

    def __init__(
        self,
        location: str,
        *,
        create: bool = True,
        durable: bool = True,
        pool_size: int = 4,
        timeout: float = 10.0,
    ) -> None:
        self._where = parse_location(location)
        self.location = self._where.shown
        with self._first_connection() as conn:
            self._migrate(conn, create)
        conninfo = self._where.conninfo
        if not durable:
            # Commits that do not wait for the WAL to reach the disk (a sample desk: four
            # times the pages a second); a crash may lose the last ones, never corrupts.
            options = conninfo_to_dict(conninfo).get("options") or ""
            conninfo = make_conninfo(conninfo, options=f"{options} -c synchronous_commit=off")
        # The pool starts with one connection and grows on demand to pool_size.
        self._pool: ConnectionPool[Conn] = ConnectionPool(
            conninfo,
            kwargs={"autocommit": True},
            min_size=1,
            max_size=max(1, pool_size),
            open=False,
            timeout=timeout,
            # No check on every checkout (a round trip per call): a connection the server
            # dropped fails at its first use, and _reading() then runs the read again.
            name="marketdesk",
        )
        with self._errors("connect to"):
            self._pool.open(wait=True, timeout=timeout)
        # wait_for_quotes' own connection, LISTENing (opened on first use): a pooled one
        # would miss notifications while lent to another read.
        self._listener: Conn | None = None
        self._batch: _PgBatch | None = None  # the open write_batch, if any
        self._batch_lock = threading.Lock()

    # -- connections -------------------------------------------------------------------
    @contextmanager
    def _first_connection(self) -> Iterator[Conn]:
        w = self._where
        try:
            conn = psycopg.connect(w.conninfo, autocommit=True)
        except psycopg.Error as exc:
            reason = _reason(exc, w.password)
            if re.search(r'database ".*" does not exist', reason):
                raise StorageError(
                    f'no database "{w.dbname}" on {w.host}:{w.port}: marketdesk makes its tables'
                    " but not the database; create it with `createdb -h "
                    f"{w.host} -p {w.port}{' -U ' + w.user if w.user else ''} {w.dbname}` (or"
                    " CREATE DATABASE in psql)"
                ) from None
            # from None: the chained libpq error may repeat the address
            raise StorageError(f"cannot connect to {self.location}: {reason}") from None
        try:
            yield conn
        finally:
            conn.close()

    def _migrate(self, conn: Conn, create: bool) -> None:
        try:
            migrate(conn, self._where.schema, create=create)
        except _Missing:
            raise StorageError(missing_database(self.location)) from None
        except _Foreign as exc:
            raise StorageError(
                f"{self.location} is not a marketdesk database: it holds tables marketdesk did"
                f" not make ({', '.join(exc.tables)}); use an empty database or ?schema=NAME"
            ) from None
        except _Newer as exc:
            raise StorageError(
                f"{self.location} was written by a newer marketdesk (schema version "
                f"{exc.found}; this one knows up to {exc.known}): upgrade marketdesk"
            ) from None
        except psycopg.Error as exc:
            raise StorageError(
                f"cannot migrate {self.location}: {_reason(exc, self._where.password)}"
            ) from None

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """psycopg's errors as the contract's: arguments the server refused are ValueErrors."""
        try:
            yield
        except psycopg.DataError as exc:
            raise ValueError(f"the database refused a value: {_reason(exc)}") from exc
        except psycopg.Error as exc:  # the pool's PoolTimeout and PoolClosed too
            raise StorageError(
                f"cannot {doing} {self.location}: {_reason(exc, self._where.password)}"
            ) from None

    def _reading(self, work: Callable[[Conn], T]) -> T:
        return self._on_connection(work, "read from", transaction=False)

    def _writing(self, work: Callable[[Conn], T]) -> T:
        return self._on_connection(work, "write to", transaction=True)

    def _on_connection(self, work: Callable[[Conn], T], doing: str, *, transaction: bool) -> T:
        """``work`` on a pooled connection (in one transaction for writes); once more on
        another when the server had dropped the first (a restart, an idle timeout). Repeating
        is safe: reads change nothing, and every write is idempotent by the contract, so even
        a commit whose answer was lost is not stored twice."""

        batch = self._batch
        if transaction and batch is not None and batch.owner == threading.get_ident():
            with self._errors(doing):
                return self._batched(batch, work)

        def attempt(conn: Conn) -> T:
            if not transaction:
                return work(conn)
            with conn.transaction():
                # Custom plans for writes: psycopg prepares a statement run five times, and
                # the server would keep a generic plan made while the tables were empty (a
                # sequential scan of story_bands) until the next ANALYZE, which a server
                # without autovacuum never runs: grouping slowed as the store grew. Reads
                # keep generic plans, a third of a millisecond less a statement (a story page
                # is three); ANALYZE (``optimize``, after bulk loads) has them planned again.
                conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")
                return work(conn)

        def once() -> T:
            used: Conn | None = None
            try:
                with self._pool.connection() as used:
                    return attempt(used)
            except psycopg.OperationalError:
                if used is None or not used.broken:
                    raise
                # A server that dropped one connection dropped its idle siblings too: let the
                # pool test those (and replace the dead) before the second attempt.
                self._pool.check()
            with self._pool.connection() as fresh:
                return attempt(fresh)

        with self._errors(doing):
            for _ in range(_WRITE_ATTEMPTS - 1 if transaction else 0):
                try:
                    return once()
                except _ABORTED:
                    # The server aborted the transaction (a deadlock between writers): nothing
                    # of it was stored, and it is run again from the start.
                    continue
            return once()

    # -- write batches ---------------------------------------------------------------------
    @contextmanager
    def write_batch(
        self, *, every: int = BATCH_WRITES, seconds: float = BATCH_SECONDS
    ) -> Iterator[None]:
        check_batch(every, seconds)
        with self._batch_lock:
            opened = self._batch is None  # else nested, or another thread's: that one rules
            if opened:
                with self._errors("write to"):
                    conn = self._pool.getconn()  # the batch's own, until it ends
                self._batch = _PgBatch(threading.get_ident(), every, float(seconds), conn)
        if not opened:
            yield
            return
        try:
            yield
        except BaseException:
            self._end_batch(quiet=True)
            raise
        self._end_batch(quiet=False)

    def _batched(self, batch: _PgBatch, work: Callable[[Conn], T]) -> T:
        """One write of the open batch, in a savepoint of its open transaction. A write the
        server aborted (a deadlock with another writer, who may wait for a lock the batch's
        earlier writes hold) commits those first, and runs again in a new transaction."""
        for attempt in range(_WRITE_ATTEMPTS):
            conn = batch.conn
            if conn.info.transaction_status == TransactionStatus.IDLE:
                conn.execute("BEGIN")
                conn.execute("SET LOCAL plan_cache_mode = force_custom_plan")  # as _writing's
                batch.began = monotonic()
            try:
                with conn.transaction():  # a savepoint: the transaction is open
                    result = work(conn)
            except _ABORTED:
                if attempt == _WRITE_ATTEMPTS - 1:
                    raise
                self._commit_batch(batch)
                continue
            except psycopg.OperationalError as exc:
                if not conn.broken:
                    raise
                # The server dropped the connection: the writes since the last commit are gone.
                self._pool.putconn(conn)
                batch.conn, batch.writes = self._pool.getconn(), 0
                raise psycopg.OperationalError(
                    f"{exc}; the write batch's writes since its last commit are not stored"
                ) from exc
            batch.writes += 1
            if batch.writes >= batch.every or monotonic() - batch.began >= batch.seconds:
                self._commit_batch(batch)
            return result
        raise AssertionError("unreachable")  # pragma: no cover

    def _commit_batch(self, batch: _PgBatch) -> None:
        batch.writes = 0
        if batch.conn.info.transaction_status != TransactionStatus.IDLE:
            batch.conn.execute("COMMIT")

    def _end_batch(self, *, quiet: bool) -> None:
        """Commit what the batch holds, close it and give its connection back; ``quiet``: a
        failed commit is not raised (the batch ends by an exception already, which goes on)."""
        batch = self._batch
        assert batch is not None
        try:
            with self._errors("write to"):
                if not batch.conn.broken:
                    self._commit_batch(batch)
        except StorageError:
            if not quiet:
                raise
        finally:
            self._batch = None
            self._pool.putconn(batch.conn)  # the pool rolls back what a failed commit left

    def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        self._pool.close()

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
        if plan is None:  # the costly, pure part: before the transaction
            plan = dedup.plan_page(raw, page)
        batch = list(quotes)  # a second attempt must see the same quotes
        return self._writing(
            lambda conn: dedup.add_page(
                _Writer(conn),
                raw,
                page,
                batch,
                plan,
                mark=mark,
                checkpoint=checkpoint,
                annotations=annotations,
            )
        )

    def set_annotations(self, article_id: int, annotations: Annotations) -> bool:
        def work(conn: Conn) -> bool:
            if conn.execute("SELECT 1 FROM articles WHERE id = %s", (article_id,)).fetchone():
                _Writer(conn).put_annotations(article_id, annotations)
                return True
            return False

        return self._writing(work)

    def articles_after(
        self, after_id: int, limit: int, *, unannotated: bool = False
    ) -> list[StoredArticle]:
        check_paging(limit, 0)
        pending = " AND a.annotations IS NULL" if unannotated else ""
        rows = self._reading(
            lambda conn: conn.execute(
                f"{_ARTICLE_SELECT} WHERE {_CURRENT} AND a.id > %s{pending} ORDER BY a.id LIMIT %s",
                (after_id, limit),
            ).fetchall()
        )
        return [_stored(r, ()) for r in rows]

    def add_quotes(self, quotes: Iterable[Quote]) -> int:
        batch = list(quotes)  # a second attempt must see the same quotes
        return self._writing(lambda conn: _insert_quotes(conn, batch, None))

    # -- reads -------------------------------------------------------------------------
    def get_article(self, article_id: int) -> StoredArticle | None:
        # One round trip: the removed blocks come as one JSON array column after the article's.
        row = self._reading(
            lambda conn: conn.execute(
                f"SELECT x.*, {_REMOVED_JSON} FROM ({_ARTICLE_SELECT} WHERE a.id = %s) x",
                (article_id,),
            ).fetchone()
        )
        if row is None:
            return None
        return _stored(row[:-1], _removed(row[-1]))

    def articles(self, article_ids: Sequence[int]) -> dict[int, StoredArticle]:
        if not article_ids:
            return {}
        rows = self._reading(
            lambda conn: conn.execute(
                f"{_ARTICLE_SELECT} WHERE a.id = ANY(%s::bigint[])", (list(article_ids),)
            ).fetchall()
        )
        return {(found := _stored(r, ())).id: found for r in rows}

    def latest_articles(self, limit: int = 20, offset: int = 0) -> list[StoredArticle]:
        check_paging(limit, offset)
        rows = self._reading(
            lambda conn: conn.execute(
                f"{_ARTICLE_SELECT} WHERE {_CURRENT}"
                " ORDER BY a.fetched_at DESC, a.id DESC LIMIT %s OFFSET %s",
                (limit, offset),
            ).fetchall()
        )
        return [_stored(r, ()) for r in rows]

    def search_articles(self, query: str, limit: int = 20, offset: int = 0) -> list[StoredArticle]:
        check_paging(limit, offset)
        if not _WORD.search(query):
            return []  # no words, no lexemes: skip the server's notice
        rows = self._reading(
            lambda conn: conn.execute(
                f"{_ARTICLE_SELECT} JOIN article_search t ON t.article_id = a.id,"
                f" plainto_tsquery('{SEARCH_CONFIG}', %s) AS q WHERE t.search @@ q AND t.current"
                " ORDER BY ts_rank_cd(t.search, q) DESC, a.id LIMIT %s OFFSET %s",
                (_clean(query), limit, offset),
            ).fetchall()
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
        # One round trip for a whole strip: each key's newest row through its index.
        rows = self._reading(
            lambda conn: conn.execute(
                f"SELECT {_QUOTE_COLUMNS} FROM unnest(%s::text[]) AS k(key)"
                " CROSS JOIN LATERAL (SELECT * FROM quotes WHERE instrument = k.key"
                " AND (%s::timestamptz IS NULL OR at <= %s) ORDER BY at DESC, id DESC LIMIT 1) q",
                (list(instruments), at, at),
            ).fetchall()
        )
        return {q.instrument: q for q in (Quote(*r) for r in rows) if q.instrument is not None}

    def history(self, instrument: str, start: datetime, end: datetime) -> list[Quote]:
        check_aware(start, "start")
        check_aware(end, "end")
        rows = self._reading(
            lambda conn: conn.execute(
                f"SELECT {_QUOTE_COLUMNS} FROM quotes"
                " WHERE instrument = %s AND at >= %s AND at <= %s ORDER BY at, id",
                (instrument, start, end),
            ).fetchall()
        )
        return [Quote(*r) for r in rows]

    def histories(
        self, instruments: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, list[Quote]]:
        check_aware(start, "start")
        check_aware(end, "end")
        if not instruments:
            return {}
        rows = self._reading(
            lambda conn: conn.execute(
                f"SELECT {_QUOTE_COLUMNS} FROM quotes WHERE instrument = ANY(%s::text[])"
                " AND at >= %s AND at <= %s ORDER BY instrument, at, id",
                (list(instruments), start, end),
            ).fetchall()
        )
        out: dict[str, list[Quote]] = {}
        for r in rows:
            out.setdefault(r[0], []).append(Quote(*r))
        return out

    def quotes_around(
        self, instruments: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, QuotesAround]:
        check_aware(start, "start")
        check_aware(end, "end")
        if not instruments:
            return {}
        keys = list(instruments)
        return self._reading(lambda conn: _quotes_around(conn, keys, start, end))

    def quotes_version(self) -> int:
        row = self._reading(
            lambda conn: conn.execute("SELECT version FROM quotes_version").fetchone()
        )
        return int(row[0]) if row is not None else 0

    def wait_for_quotes(self, version: int, timeout: float) -> int:
        deadline = monotonic() + max(0.0, timeout)
        with self._errors("read from"):
            try:
                listener = self._listen()
                while True:
                    # Read after LISTEN: a commit after this read is told, one before it seen.
                    row = listener.execute("SELECT version FROM quotes_version").fetchone()
                    now = int(row[0]) if row is not None else 0
                    left = deadline - monotonic()
                    if now != version or left <= 0:
                        return now
                    for _ in listener.notifies(timeout=left, stop_after=1):
                        break
            except psycopg.Error:
                # A server gone or restarted: the next call listens on a new connection.
                dropped, self._listener = self._listener, None
                if dropped is not None:
                    dropped.close()
                raise

    def _listen(self) -> Conn:
        if self._listener is None:
            conn = psycopg.connect(self._where.conninfo, autocommit=True)
            row = conn.execute(f"SELECT {_QUOTES_CHANNEL}").fetchone()
            assert row is not None
            conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(row[0])))
            self._listener = conn
        return self._listener

    def optimize(self) -> None:
        def work(conn: Conn) -> None:
            tables = conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                " ORDER BY tablename"
            ).fetchall()
            for (table,) in tables:
                conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))

        self._on_connection(work, "analyze", transaction=False)

    def counts(self) -> StoreCounts:
        row = self._reading(
            lambda conn: conn.execute(
                "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM articles"
                " WHERE replaced_by IS NULL), (SELECT count(*) FROM quotes),"
                " (SELECT count(*) FROM stories), (SELECT count(*) FROM sources)"
            ).fetchone()
        )
        assert row is not None
        return StoreCounts(*row)

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
        where = ["TRUE" if since is None else "sort_at >= %s"]
        args: list[Any] = [] if since is None else [since]
        if entity is not None:
            where.append(
                "id IN (SELECT a.story_id FROM article_entities e JOIN articles a"
                f" ON a.id = e.article_id WHERE (e.norm = %s OR e.key = %s) AND {_CURRENT})"
            )
            args += [_clean(norm_name(entity)), _clean(entity.strip())]
        for table, column, value in annotation_filters(topic, instrument, country):
            where.append(
                f"id IN (SELECT a.story_id FROM {table} x JOIN articles a"
                f" ON a.id = x.article_id WHERE x.{column} = %s AND {_CURRENT})"
            )
            args.append(_clean(value))
        statement = (
            f"SELECT {_STORY_COLUMNS} FROM stories WHERE {' AND '.join(where)}"
            " ORDER BY sort_at DESC, id DESC LIMIT %s OFFSET %s"
        )
        filtered = len(where) > 1

        def work(conn: Conn) -> list[Story]:
            with conn.transaction():
                if filtered:
                    # A plan for the filter's own value: a common topic is read by walking the
                    # stories newest first (0.8 ms at 20,000 stories), a rare name by its few
                    # stories; one generic plan, or the filters written optional in one
                    # statement, read every story of the filter and sorted them (44 ms).
                    conn.execute("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)")
                rows = conn.execute(statement, (*args, limit, offset)).fetchall()
            copies = _copies(conn, [r[0] for r in rows])
            return [_story(r, copies.get(r[0], ())) for r in rows]

        return self._reading(work)

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
        return self._reading(lambda conn: _read_search(conn, found, limit, offset, None)[0])

    def count_stories(
        self, query: str, filters: SearchFilters | None = None, cap: int = 1000
    ) -> int:
        check_paging(cap, 0)
        found = _search_where(query, filters)
        if found is None:
            return 0

        def counted(conn: Conn) -> int:
            with conn.transaction():
                return _count(conn, found, cap)

        return self._reading(counted)

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
        return self._reading(lambda conn: _read_search(conn, found, limit, offset, cap))

    def find_entity(self, key_or_name: str) -> EntityRecord | None:
        norm, key = _clean(norm_name(key_or_name)), _clean(key_or_name.strip())
        rows = self._reading(
            lambda conn: conn.execute(
                # Each way read from its index alone (migration 0010), the second without the
                # rows the first found. An article counts unless it was replaced (an anti-join
                # with the few replaced ones, one small read), where a join to the current ones read
                # every article (a hash of all of them, or a probe of the table for each).
                "SELECT e.name, e.kind, e.key, count(DISTINCT e.article_id) AS n FROM ("
                "SELECT name, kind, key, article_id FROM article_entities WHERE norm = %s"
                " UNION ALL SELECT name, kind, key, article_id FROM article_entities"
                " WHERE key = %s AND norm <> %s) e"
                " LEFT JOIN (SELECT id FROM articles WHERE replaced_by IS NOT NULL) r"
                " ON r.id = e.article_id WHERE r.id IS NULL GROUP BY e.name, e.kind, e.key",
                (norm, key, norm),
            ).fetchall()
        )
        return EntityRecord.merge([(r[0], r[1], r[2], int(r[3])) for r in rows])

    def related_entities(self, key_or_name: str, limit: int = 20) -> list[RelatedEntity]:
        check_paging(limit, 0)
        norm, key = _clean(norm_name(key_or_name)), _clean(key_or_name.strip())

        def work(conn: Conn) -> list[tuple[Any, ...]]:
            with conn.transaction():
                # A plan for the entity asked: a generic one, made for a common name, read a
                # rare name's few articles as slowly (40 ms against 2 at 20,000 stories).
                conn.execute("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)")
                return conn.execute(
                    f"WITH mine AS MATERIALIZED ({_NEWEST_NAMED}),"
                    # The entity's keys: those its name carries, and the key asked if any row has
                    # it (one probe, not a read of every row that has it).
                    " self AS (SELECT key FROM article_entities WHERE norm = %s AND key IS NOT NULL"
                    " UNION SELECT key FROM (SELECT key FROM article_entities WHERE key = %s"
                    " LIMIT 1) k)"
                    " SELECT coalesce(o.key, o.norm) AS ident,"
                    " (array_agg(o.name ORDER BY o.salience DESC, o.name))[1],"
                    " (array_agg(o.kind ORDER BY o.salience DESC, o.name))[1], max(o.key),"
                    " count(DISTINCT m.story_id) AS n"
                    " FROM article_entities o JOIN mine m ON m.article_id = o.article_id"
                    # The articles' ids as one array: their entities are read by the primary key;
                    # joined alone the planner read the whole table (143,000 rows at 20,000
                    # stories: 29 ms for a name in 76 articles, now 3 ms).
                    " WHERE o.article_id = ANY ((SELECT array_agg(article_id) FROM mine)::bigint[])"
                    " AND o.norm <> %s AND (o.key IS NULL OR o.key NOT IN (SELECT key FROM self))"
                    " GROUP BY ident ORDER BY n DESC, ident LIMIT %s",
                    (norm, RELATED_SCAN, key, RELATED_SCAN, RELATED_SCAN, norm, key, norm, limit),
                ).fetchall()

        rows = self._reading(work)
        return [RelatedEntity(r[1], r[2], r[3], int(r[4])) for r in rows]

    def get_story(self, story_id: int) -> Story | None:
        def work(conn: Conn) -> Story | None:
            # Both statements in one round trip (pipeline mode): a story page reads this.
            with conn.pipeline():
                head = conn.execute(
                    f"SELECT {_STORY_COLUMNS} FROM stories WHERE id = %s", (story_id,)
                )
                copies = conn.execute(_COPY_SELECT.format(where="a.story_id = %s"), (story_id,))
                row, rows = head.fetchone(), copies.fetchall()
            if row is None:
                return None
            return _story(row, tuple(shown for _, _, _, shown in _read_copies(rows)))

        return self._reading(work)

    def story_page(self, article_id: int, around: timedelta) -> StoryPage | None:
        def work(conn: Conn) -> StoryPage | None:
            row = conn.execute(_STORY_PAGE, {"id": article_id, "around": around}).fetchone()
            if row is None:
                return None
            head, (removed, moment, linked), copy_rows, quote_rows = _page_parts(row)
            found = _stored(head, _removed(removed))
            keys, at = story_instruments(found), story_moment(found)
            if at is None:
                around_quotes = {}
            elif moment == at and sorted(linked) == sorted(keys):
                around_quotes = _read_quotes_around(quote_rows)
            else:
                # The server read another moment or other keys than the contract's (an
                # offset its pattern does not take, instrument rows out of step with the
                # annotations): read those the contract names, one more round trip.
                around_quotes = _quotes_around(conn, list(keys), at - around, at + around)
            copies = _read_copies(copy_rows)
            shown = tuple(c for _, _, _, c in copies)
            origin = story_origin([copy for _, copy, _, _ in copies]) if copies else None
            return StoryPage(found, shown, keys, around_quotes, origin)

        return self._reading(work)

    def story_of_article(self, article_id: int) -> int | None:
        row = self._reading(
            lambda conn: conn.execute(
                "SELECT story_id FROM articles WHERE id = %s", (article_id,)
            ).fetchone()
        )
        return None if row is None or row[0] is None else int(row[0])

    # -- sources -----------------------------------------------------------------------
    def add_source(self, spec: SourceSpec, now: datetime) -> tuple[Source, bool]:
        check_aware(now, "now")
        settings = (
            str(spec.kind),
            spec.every_s,
            _opt(spec.edition),
            [_clean(t) for t in spec.tags],
            spec.allow_private,
        )

        def work(conn: Conn) -> tuple[Source, bool]:
            # A writer that meets the URL another has just added waits for it, then skips.
            row = conn.execute(
                "INSERT INTO sources (url, kind, every_s, edition, tags, allow_private,"
                " from_config, added_at, next_poll) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
                f" ON CONFLICT (url) DO NOTHING RETURNING {_SOURCE_COLUMNS}",
                (_clean(spec.url), *settings, spec.from_config, now, now),
            ).fetchone()
            if row is not None:
                return _source(row), True
            if spec.from_config:
                row = conn.execute(
                    "UPDATE sources SET kind = %s, every_s = %s, edition = %s, tags = %s,"
                    f" allow_private = %s, from_config = true WHERE url = %s"
                    f" RETURNING {_SOURCE_COLUMNS}",
                    (*settings, _clean(spec.url)),
                ).fetchone()
            else:
                row = conn.execute(
                    f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE url = %s", (_clean(spec.url),)
                ).fetchone()
            if row is None:  # taken, then gone: removed by another writer meanwhile
                raise psycopg.errors.SerializationFailure("the source was removed meanwhile")
            return _source(row), False

        return self._writing(work)

    def sources(self) -> list[Source]:
        rows = self._reading(
            lambda conn: conn.execute(
                f"SELECT {_SOURCE_COLUMNS} FROM sources ORDER BY id"
            ).fetchall()
        )
        return [_source(r) for r in rows]

    def get_source(self, source_id: int) -> Source | None:
        row = self._reading(
            lambda conn: conn.execute(
                f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE id = %s", (source_id,)
            ).fetchone()
        )
        return None if row is None else _source(row)

    def remove_source(self, source_id: int) -> bool:
        return self._writing(
            lambda conn: (
                conn.execute("DELETE FROM sources WHERE id = %s", (source_id,)).rowcount == 1
            )
        )

    def pause_source(self, source_id: int, paused: bool, now: datetime) -> bool:
        check_aware(now, "now")
        return self._writing(
            lambda conn: (
                conn.execute(
                    "UPDATE sources SET paused = %s,"
                    " next_poll = CASE WHEN %s THEN next_poll ELSE %s END,"
                    " failures = CASE WHEN %s THEN failures ELSE 0 END WHERE id = %s",
                    (paused, paused, now, paused, source_id),
                ).rowcount
                == 1
            )
        )

    def due_sources(self, now: datetime) -> list[Source]:
        check_aware(now, "now")
        rows = self._reading(
            lambda conn: conn.execute(
                f"SELECT {_SOURCE_COLUMNS} FROM sources WHERE NOT paused AND next_poll <= %s"
                " ORDER BY next_poll, id",
                (now,),
            ).fetchall()
        )
        return [_source(r) for r in rows]

    def record_poll(self, source_id: int, record: PollRecord) -> None:
        check_aware(record.at, "PollRecord.at")
        check_aware(record.next_poll, "PollRecord.next_poll")
        if record.error is None:
            statement = (
                "UPDATE sources SET last_fetch = %s, last_success = %s, next_poll = %s,"
                " etag = %s, last_modified = %s, cursor = %s, last_error = NULL, failures = 0"
                " WHERE id = %s"
            )
            args: tuple[Any, ...] = (
                record.at,
                record.at,
                record.next_poll,
                _opt(record.etag),
                _opt(record.last_modified),
                _opt(record.cursor),
                source_id,
            )
        else:
            statement = (
                "UPDATE sources SET last_fetch = %s, next_poll = %s, last_error = %s,"
                " failures = failures + 1 WHERE id = %s"
            )
            args = (record.at, record.next_poll, _clean(record.error), source_id)
        self._writing(lambda conn: conn.execute(statement, args).rowcount)

    # -- users and web sessions ----------------------------------------------------------
    def add_user(self, username: str, password_hash: str, now: datetime) -> User | None:
        check_aware(now, "now")
        row = self._writing(
            lambda conn: conn.execute(
                "INSERT INTO users (username, password_hash, created_at, password_changed_at)"
                " VALUES (%s, %s, %s, %s) ON CONFLICT (username) DO NOTHING"
                f" RETURNING {_USER_COLUMNS}",
                (_clean(username), _clean(password_hash), now, now),
            ).fetchone()
        )
        return None if row is None else _user(tuple(row))

    def get_user(self, username: str) -> User | None:
        row = self._reading(
            lambda conn: conn.execute(
                f"SELECT {_USER_COLUMNS} FROM users WHERE username = %s", (_clean(username),)
            ).fetchone()
        )
        return None if row is None else _user(tuple(row))

    def set_password(
        self, username: str, password_hash: str, now: datetime, *, end_sessions: bool = True
    ) -> bool:
        check_aware(now, "now")

        def work(conn: Conn) -> bool:
            row = conn.execute(
                "UPDATE users SET password_hash = %s, password_changed_at = %s"
                " WHERE username = %s RETURNING id",
                (_clean(password_hash), now, _clean(username)),
            ).fetchone()
            if row is None:
                return False
            if end_sessions:
                conn.execute("DELETE FROM web_sessions WHERE user_id = %s", (row[0],))
            return True

        return self._writing(work)

    def remove_user(self, username: str) -> bool:
        return self._writing(  # its sessions go with it (ON DELETE CASCADE)
            lambda conn: (
                conn.execute("DELETE FROM users WHERE username = %s", (_clean(username),)).rowcount
                == 1
            )
        )

    def add_web_session(
        self, token_hash: str, user_id: int, now: datetime, expires_at: datetime
    ) -> bool:
        check_aware(now, "now")
        check_aware(expires_at, "expires_at")
        return self._writing(
            lambda conn: (
                conn.execute(
                    "INSERT INTO web_sessions (token_hash, user_id, created_at, expires_at)"
                    " SELECT %s, id, %s, %s FROM users WHERE id = %s"
                    " ON CONFLICT (token_hash) DO NOTHING",
                    (_clean(token_hash), now, expires_at, user_id),
                ).rowcount
                == 1
            )
        )

    def get_web_session(self, token_hash: str, now: datetime) -> WebSession | None:
        check_aware(now, "now")
        row = self._reading(
            lambda conn: conn.execute(
                f"SELECT s.token_hash, s.created_at, s.expires_at, {_USER_COLUMNS_U}"
                " FROM web_sessions s JOIN users u ON u.id = s.user_id"
                " WHERE s.token_hash = %s AND s.expires_at > %s",
                (_clean(token_hash), now),
            ).fetchone()
        )
        if row is None:
            return None
        token, created, expires, *user = tuple(row)
        return WebSession(token, _user(tuple(user)), created, expires)

    def remove_web_session(self, token_hash: str) -> bool:
        return self._writing(
            lambda conn: (
                conn.execute(
                    "DELETE FROM web_sessions WHERE token_hash = %s", (_clean(token_hash),)
                ).rowcount
                == 1
            )
        )

    def purge_web_sessions(self, now: datetime) -> int:
        check_aware(now, "now")
        return self._writing(
            lambda conn: (
                conn.execute("DELETE FROM web_sessions WHERE expires_at <= %s", (now,)).rowcount
            )
        )

    def find_item(self, source_id: int, key: str) -> tuple[str, int | None] | None:
        return self._reading(lambda conn: _find_item(conn, source_id, key))

    def get_checkpoint(self, name: str) -> str | None:
        row = self._reading(
            lambda conn: conn.execute(
                "SELECT position FROM checkpoints WHERE name = %s", (_clean(name),)
            ).fetchone()
        )
        return None if row is None else str(row[0])

    def clear_checkpoint(self, name: str) -> None:
        self._writing(
            lambda conn: (
                conn.execute("DELETE FROM checkpoints WHERE name = %s", (_clean(name),)).rowcount
            )
        )


@dataclass(slots=True)
class _PgBatch:
    """An open write_batch: its thread, its rules, its connection (with the open transaction)
    and that transaction's writes so far."""

    owner: int
    every: int
    seconds: float
    conn: Conn
    writes: int = 0
    began: float = 0.0


class _Writer:
    """dedup.PageWriter on an open PostgreSQL transaction."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    def find_document(self, key: str) -> tuple[int, int | None] | None:
        row = self.conn.execute(
            "SELECT id, article_id FROM documents WHERE sha256 = %s", (key,)
        ).fetchone()
        return (row[0], row[1]) if row is not None else None

    def insert_document(self, raw: RawDocument, kind: str, key: str) -> int | None:
        row = self.conn.execute(
            "INSERT INTO documents (source, url, sha256, media_type, kind, fetched_at, size,"
            " content) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (sha256) DO NOTHING RETURNING id",
            (
                _clean(raw.source),
                _opt(raw.url),
                key,
                _opt(raw.media_type),
                _clean(kind),
                raw.fetched_at,
                len(raw.content),
                zlib.compress(raw.content, 6),
            ),
        ).fetchone()
        return int(row[0]) if row is not None else None

    def find_article(self, fingerprint: str) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM articles WHERE fingerprint = %s", (fingerprint,)
        ).fetchone()
        return int(row[0]) if row is not None else None

    def insert_article(self, document_id: int, plan: Plan, page: Page) -> int | None:
        a = page.article
        paragraphs = [_clean(p) for p in a.paragraphs]
        row = self.conn.execute(
            "INSERT INTO articles (document_id, fingerprint, title, text, paragraphs, authors,"
            " published, modified, publisher, origin, copyright, language, url, description,"
            " image, market_status, site, signature, fetched_at)"
            " SELECT d.id, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
            " d.fetched_at FROM documents d WHERE d.id = %s"
            " ON CONFLICT (fingerprint) DO NOTHING RETURNING id",
            (
                plan.fingerprint,
                _opt(a.title),
                "\n\n".join(paragraphs),
                paragraphs,
                [_clean(x) for x in a.authors],
                a.published.isoformat() if a.published else None,
                a.modified.isoformat() if a.modified else None,
                _opt(a.publisher),
                _opt(a.origin),
                _opt(a.copyright),
                _opt(a.language),
                _opt(a.url),
                _opt(a.description),
                _opt(a.image),
                _opt(page.market_status),
                _clean(plan.site),
                plan.signature,
                document_id,
            ),
        ).fetchone()
        if row is None:
            return None
        article_id = int(row[0])
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO removed_blocks (article_id, position, kind, text)"
                " VALUES (%s, %s, %s, %s)",
                [(article_id, i, str(r.kind), _clean(r.text)) for i, r in enumerate(page.removed)],
            )
        return article_id

    def link_article(self, document_id: int, article_id: int) -> None:
        self.conn.execute(
            "UPDATE documents SET article_id = %s WHERE id = %s", (article_id, document_id)
        )

    def insert_quotes(self, quotes: Sequence[Quote], document_id: int | None) -> int:
        return _insert_quotes(self.conn, quotes, document_id)

    def story_candidates(self, bands: Sequence[int], limit: int) -> list[Candidate]:
        if not bands:
            return []
        # One index probe a band (the LATERAL subquery, kept apart by OFFSET 0): without
        # statistics on story_bands (a bulk load outruns autovacuum) the planner would
        # otherwise scan the whole table for `band = ANY(...)`, and grouping would slow as
        # the store grows.
        rows = self.conn.execute(
            "SELECT a.id, a.story_id, a.signature, a.site, a.title FROM"
            " (SELECT x.article_id, count(*) AS shared FROM unnest(%s::bigint[]) AS q(band)"
            " CROSS JOIN LATERAL (SELECT sb.article_id FROM story_bands sb"
            " WHERE sb.band = q.band OFFSET 0) x GROUP BY x.article_id) b"
            " JOIN articles a ON a.id = b.article_id"
            " WHERE a.replaced_by IS NULL AND a.story_id IS NOT NULL AND a.signature IS NOT NULL"
            " ORDER BY b.shared DESC, a.id LIMIT %s",
            (list(bands), limit),
        ).fetchall()
        return [Candidate(r[0], r[1], from_bytes(r[2]), r[3] or "", r[4]) for r in rows]

    def story_of(self, article_id: int) -> int | None:
        row = self.conn.execute(
            "SELECT story_id FROM articles WHERE id = %s", (article_id,)
        ).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def new_story(self, article_id: int) -> int:
        row = self.conn.execute(
            "INSERT INTO stories (first_seen, sort_at) SELECT fetched_at, fetched_at"
            " FROM articles WHERE id = %s RETURNING id",
            (article_id,),
        ).fetchone()
        assert row is not None  # the article was stored in this transaction
        return int(row[0])

    def join_story(self, article_id: int, story_id: int, bands: Sequence[int]) -> None:
        # The story's row is locked until commit: a writer adding another copy at the same
        # time waits here, then reads this copy with the others (its facts count both).
        self.conn.execute("SELECT 1 FROM stories WHERE id = %s FOR UPDATE", (story_id,))
        self.conn.execute("UPDATE articles SET story_id = %s WHERE id = %s", (story_id, article_id))
        if bands:
            self.conn.execute(
                "INSERT INTO story_bands (band, article_id)"
                " SELECT DISTINCT unnest(%s::bigint[]), %s::bigint ON CONFLICT DO NOTHING",
                (list(bands), article_id),
            )

    def replace_article(self, old_id: int, new_id: int) -> None:
        self.conn.execute("UPDATE articles SET replaced_by = %s WHERE id = %s", (new_id, old_id))

    def story_copies(self, story_id: int) -> list[tuple[Copy, str | None]]:
        rows = _copy_rows(self.conn, "a.story_id = %s", (story_id,))
        return [(copy, title) for _, copy, title, _ in rows]

    def update_story(self, story_id: int, facts: dedup.StoryFacts) -> None:
        self.conn.execute(
            "UPDATE stories SET title = %s, origin = %s, published = %s, sort_at = %s,"
            " copies = %s WHERE id = %s",
            (
                _opt(facts.title),
                _opt(facts.origin),
                facts.published.isoformat() if facts.published else None,
                facts.sort_at,
                facts.copies,
                story_id,
            ),
        )

    def find_item(self, source_id: int, key: str) -> tuple[str, int | None] | None:
        return _find_item(self.conn, source_id, key)

    def put_item(self, mark: ItemMark, article_id: int | None, at: datetime) -> None:
        # A source removed meanwhile takes no items: the page stays stored, the mark is dropped.
        self.conn.execute(
            "INSERT INTO source_items (source_id, key, content_hash, article_id, seen_at)"
            " SELECT id, %s, %s, %s, %s FROM sources WHERE id = %s"
            " ON CONFLICT (source_id, key) DO UPDATE SET content_hash = excluded.content_hash,"
            " article_id = coalesce(excluded.article_id, source_items.article_id),"
            " seen_at = excluded.seen_at",
            (_clean(mark.key), _clean(mark.content_hash), article_id, at, mark.source_id),
        )

    def set_checkpoint(self, checkpoint: Checkpoint, at: datetime) -> None:
        self.conn.execute(
            "INSERT INTO checkpoints (name, position, at) VALUES (%s, %s, %s)"
            " ON CONFLICT (name) DO UPDATE SET position = excluded.position, at = excluded.at",
            (_clean(checkpoint.name), _clean(checkpoint.position), at),
        )

    def put_annotations(self, article_id: int, annotations: Annotations) -> None:
        # jsonb refuses the NUL character even escaped: it is replaced, as in every text column.
        doc = annotations_json.dump(annotations).replace("\\u0000", "\\ufffd")
        self.conn.execute(
            "UPDATE articles SET annotations = %s::jsonb WHERE id = %s", (doc, article_id)
        )
        self.conn.execute("DELETE FROM article_entities WHERE article_id = %s", (article_id,))
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO article_entities (article_id, entity, kind, name, norm, key,"
                " salience, mentions) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        article_id,
                        e.id,
                        str(e.kind),
                        _clean(e.name),
                        _clean(norm_name(e.name)),
                        _opt(e.key),
                        e.salience,
                        e.count,
                    )
                    for e in annotations.entities
                ],
            )
        self.conn.execute("DELETE FROM article_topics WHERE article_id = %s", (article_id,))
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO article_topics (article_id, topic, relevance) VALUES (%s, %s, %s)"
                " ON CONFLICT DO NOTHING",
                [(article_id, _clean(t.code), t.relevance) for t in annotations.topics],
            )
        self.conn.execute("DELETE FROM article_instruments WHERE article_id = %s", (article_id,))
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO article_instruments (article_id, instrument, relevance)"
                " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                [(article_id, _clean(i.key), i.relevance) for i in annotations.instruments],
            )
        self.conn.execute("DELETE FROM article_countries WHERE article_id = %s", (article_id,))
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO article_countries (article_id, country) VALUES (%s, %s)"
                " ON CONFLICT DO NOTHING",
                [(article_id, _clean(code.upper())) for code in annotations.countries or ()],
            )


def _find_item(conn: Conn, source_id: int, key: str) -> tuple[str, int | None] | None:
    row = conn.execute(
        "SELECT content_hash, article_id FROM source_items WHERE source_id = %s AND key = %s",
        (source_id, _clean(key)),
    ).fetchone()
    return None if row is None else (row[0], row[1])


_COPY_SELECT = (
    "SELECT a.id, a.story_id, a.title, a.url, a.publisher, a.origin, a.published,"
    " a.fetched_at, d.source, d.url FROM articles a JOIN documents d ON d.id = a.document_id"
    " WHERE {where} AND a.replaced_by IS NULL ORDER BY a.fetched_at, a.id"
)


def _around(keys: str, key_array: str, start: str, end: str) -> str:
    """``quotes_around``'s statement: each key's newest row and its last row at or before
    ``start``, both through the (instrument, at) index, then the rows from ``start`` to ``end``;
    ``keys`` is a FROM item of the keys (``k.key``), ``key_array`` them as an array."""
    return (
        f"SELECT 0 AS part, q.* FROM {keys} CROSS JOIN LATERAL"
        f" (SELECT {_QUOTE_COLUMNS}, id FROM quotes WHERE instrument = k.key"
        " ORDER BY at DESC, id DESC LIMIT 1) q"
        " UNION ALL"
        f" SELECT 1, q.* FROM {keys} CROSS JOIN LATERAL"
        f" (SELECT {_QUOTE_COLUMNS}, id FROM quotes WHERE instrument = k.key"
        f" AND at <= {start} ORDER BY at DESC, id DESC LIMIT 1) q"
        " UNION ALL"
        f" SELECT 2, {_QUOTE_COLUMNS}, id FROM quotes WHERE instrument = ANY({key_array})"
        f" AND at >= {start} AND at <= {end}"
        " ORDER BY part, instrument, at, id"
    )


_QUOTES_AROUND = _around(
    "unnest(%(keys)s::text[]) AS k(key)", "%(keys)s::text[]", "%(start)s", "%(end)s"
)
_REMOVED_JSON = (
    "(SELECT coalesce(json_agg(json_build_array(r.kind, r.text) ORDER BY r.position), '[]')"
    " FROM removed_blocks r WHERE r.article_id = x.id)"
)
# story_moment() in SQL: ``published`` is the page's ISO text, read in the session's UTC where
# it has no offset; a form the pattern does not take reads as NULL here, and story_page then
# finds the moment differs and reads the quotes again.
_MOMENT = (
    r"coalesce(CASE WHEN x.published ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?"
    r"([+-]\d\d:\d\d)?$' THEN x.published::timestamptz END, x.fetched_at)"
)
# A story page in one statement (no pipeline: its three statements' hand-overs cost more of
# psycopg's Python than the reads did): the article's row, its removed blocks, its moment and
# instruments, then its story's copies and its quotes around the moment as one array a column
# (typed, so psycopg's loaders read them as they read rows), zipped back into rows in Python.
_PAGE_COPY_COLUMNS = (
    "id", "story_id", "title", "canonical", "publisher", "origin", "published", "fetched_at",
    "source", "url",
)  # fmt: skip
_PAGE_QUOTE_COLUMNS = ("part", *(c.strip() for c in _QUOTE_COLUMNS.split(",")), "id")
_STORY_PAGE = (
    f"WITH x AS ({_ARTICLE_SELECT} WHERE a.id = %(id)s),"
    f" m AS (SELECT {_MOMENT} AS moment FROM x),"
    " k AS (SELECT instrument AS key FROM article_instruments WHERE article_id = %(id)s),"
    " c AS (SELECT a.id, a.story_id, a.title, a.url AS canonical, a.publisher, a.origin,"
    " a.published, a.fetched_at, d.source, d.url FROM articles a"
    " JOIN documents d ON d.id = a.document_id"
    " WHERE a.story_id = (SELECT story_id FROM x) AND a.replaced_by IS NULL),"
    " q AS ("
    + _around(
        "k",
        "ARRAY(SELECT key FROM k)",
        "(SELECT moment FROM m) - %(around)s",
        "(SELECT moment FROM m) + %(around)s",
    )
    + ")"
    f" SELECT x.*, {_REMOVED_JSON}, (SELECT moment FROM m), ARRAY(SELECT key FROM k),"
    " cc.*, qq.* FROM x, LATERAL (SELECT "
    + ", ".join(f"array_agg(c.{col} ORDER BY c.fetched_at, c.id)" for col in _PAGE_COPY_COLUMNS)
    + " FROM c) cc, LATERAL (SELECT "
    + ", ".join(
        f"array_agg(q.{col} ORDER BY q.part, q.instrument, q.at, q.id)"
        for col in _PAGE_QUOTE_COLUMNS
    )
    + " FROM q) qq"
)


Where = tuple[str, str, list[Any]]  # _search_where's joins, WHERE clause and arguments


def _read_search(
    conn: Conn, found: Where, limit: int, offset: int, cap: int | None
) -> tuple[list[StoredArticle], int]:
    """``search_stories``' page of articles and, with ``cap``, ``count_stories``' count (else
    0): read in one transaction, the count from the search's own scan where that settles it."""
    with conn.transaction():
        ids, total = _search(conn, found, limit, offset, cap)
    if not ids:
        return [], total
    rows = conn.execute(f"{_HIT_SELECT} WHERE a.id = ANY(%s::bigint[])", (ids,)).fetchall()
    by_id = {r[0]: r for r in rows}
    return [_stored(by_id[i], ()) for i in ids if i in by_id], total


def _search(
    conn: Conn, found: Where, limit: int, offset: int, cap: int | None
) -> tuple[list[int], int]:
    """The ids of ``search_stories``' page, and with ``cap`` the capped count of stories.

    Ranked: the SEARCH_SCAN newest matches that the filters keep, so that a common word ranks a
    bounded number of them (ts_rank_cd reads each one's whole tsvector). The GIN index hands
    matches over in no order: look for them among the newest ids first (a common word has
    SEARCH_SCAN of them there), and below those only where they are too few. Every read is of
    the narrow search table (migrations_pg/0008), not of the wide articles, and the newest
    matches are found and ranked in one statement. Matches come through the GIN index, ANDed
    with the id range as bitmaps: walking the primary key newest first tests every article in
    the range, most of them not matches (a common word at 100,000 articles: 95 ms against 24
    ms). The newest matches are sorted with their tsvectors (about 2 MB): in memory, not on
    disk.

    The count: the stories among those newest matches, counted in the same scan, settle it
    when there are more than ``cap`` of them, or when the scan held every match; else it is
    counted apart (``_count``), as ``count_stories`` does.
    """
    joins, where, args = found
    tsquery = f"plainto_tsquery('{SEARCH_CONFIG}', %s)"
    # The settings ride on the read of the newest id (planned before they change). A custom
    # plan: the server's generic one, not knowing the span's bound, ANDs the matches with a
    # bitmap of every older id (115,714 of them at 100,000 stories: 18 ms a search).
    newest = conn.execute(
        "SELECT coalesce(max(id), 0), set_config('enable_indexscan', 'off', true),"
        " set_config('work_mem', '32MB', true),"
        " set_config('plan_cache_mode', 'force_custom_plan', true) FROM articles"
    ).fetchone()
    top = int(newest[0]) if newest is not None else 0
    above = max(0, top - SEARCH_SCAN * 8)
    counted = "" if cap is None else ", (SELECT count(DISTINCT story_id) FROM n)"
    # The newest SEARCH_SCAN matches that the filters keep, of the whole table, in one
    # statement: those of the span first; only where it holds too few, the newest of those
    # below it (a one-time filter: not read at all otherwise), so a rarer query reads each
    # match once, not the span's twice. The filters choose what is ranked: a search for old
    # stories, or for an entity named only in them, finds them under a common word.
    kept = f"FROM article_search t{joins}, {tsquery} AS q WHERE t.search @@ q"
    below = (
        ""
        if above == 0
        else " UNION ALL (SELECT t.article_id, t.story_id, t.search"
        f" {kept} AND t.article_id <= %s AND {where}"
        " AND (SELECT count(*) FROM newest) < %s ORDER BY t.article_id DESC"
        " LIMIT %s - (SELECT count(*) FROM newest))"
    )
    below_args = [] if above == 0 else [args[0], above, *args[1:], SEARCH_SCAN, SEARCH_SCAN]
    statement = (
        "WITH newest AS MATERIALIZED (SELECT t.article_id, t.story_id, t.search"
        f" {kept} AND t.article_id > %s AND {where} ORDER BY t.article_id DESC LIMIT %s),"
        " n AS MATERIALIZED (SELECT m.article_id, m.story_id, ts_rank_cd(m.search, q) AS r"
        f" FROM (SELECT * FROM newest{below}) m, {tsquery} AS q)"
        f" SELECT t.article_id, t.story_id, (SELECT count(*) FROM n){counted}"
        " FROM (SELECT * FROM n ORDER BY r DESC, article_id LIMIT %s) t"
        " ORDER BY t.r DESC, t.article_id"
    )
    seen: list[tuple[int, int]] = []  # (matches ranked, stories among them)

    def ranked(scan: int) -> list[tuple[int, int]]:
        rows = conn.execute(
            statement,
            (args[0], above, *args[1:], SEARCH_SCAN, *below_args, args[0], scan),
        ).fetchall()
        if rows:
            seen[:] = [(int(rows[0][2]), int(rows[0][-1]))]
        return [(r[0], r[1]) for r in rows]

    ids = page_of_stories(ranked, offset, limit, SEARCH_SCAN)
    if cap is None:
        return ids, 0
    settled = count_from_scan(*seen[0], cap, SEARCH_SCAN) if seen else None
    if settled is not None:
        return ids, settled
    if not seen:
        # No row came: the scan reads the newest SEARCH_SCAN matches that the filters keep
        # in the whole table (the span, then below it), so none is kept, and there is nothing
        # to count. _count would walk its spans to find that (140 ms for a pair of common words
        # under a topic that none of their stories has, at 100,000 stories).
        return ids, 0
    # The search's first statement turned index scans off for this transaction already.
    return ids, _count(conn, found, cap, top)


def _count(conn: Conn, found: Where, cap: int, top: int | None = None) -> int:
    """``count_stories``, inside the caller's transaction; ``top``: the newest article's id,
    where the caller read it and turned index scans off for the transaction (a search does).

    A common word first among the newest articles, as bitmaps (GIN and the id range): more
    than ``cap`` stories there settles it. The span grows (four times as many articles)
    while it does not, before the whole table: a word in one article of six would otherwise
    count all its matches (66 ms at 100,000 articles against 10 and 25 ms). Counting in story
    order tests every article's tsvector until ``cap`` stories match (60 ms at 100,000).
    """
    joins, where, args = found
    counting = (
        f"SELECT count(*) FROM (SELECT DISTINCT t.story_id FROM article_search t{joins},"
        f" plainto_tsquery('{SEARCH_CONFIG}', %s) AS q WHERE t.search @@ q AND {where}"
        "{more} LIMIT %s) x"
    )
    if top is None:
        # Planned before the setting changes: with index scans off, max(id) reads the whole
        # table (210 ms at 100,000 stories, where a search's transaction asked it so).
        newest = conn.execute(
            "SELECT coalesce(max(id), 0), set_config('enable_indexscan', 'off', true) FROM articles"
        ).fetchone()
        top = int(newest[0]) if newest is not None else 0
    span = COUNT_SPAN * (cap + 1)
    while top - span > 0:
        row = conn.execute(
            counting.format(more=" AND t.article_id > %s"), (*args, top - span, cap + 1)
        ).fetchone()
        if row is not None and row[0] > cap:
            return int(row[0])
        span *= 4
    conn.execute("SET LOCAL enable_indexscan = on")
    row = conn.execute(counting.format(more=""), (*args, cap + 1)).fetchone()
    return int(row[0]) if row else 0


def _quotes_around(
    conn: Conn, keys: list[str], start: datetime, end: datetime
) -> dict[str, QuotesAround]:
    if not keys:
        return {}
    rows = conn.execute(_QUOTES_AROUND, {"keys": keys, "start": start, "end": end}).fetchall()
    return _read_quotes_around(rows)


def _page_parts(
    row: tuple[Any, ...],
) -> tuple[tuple[Any, ...], tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """_STORY_PAGE's row as the article's columns, (removed, moment, instruments), and its
    copies' and quotes' rows (from one array a column; no rows: NULL arrays)."""
    ncopy, nquote = len(_PAGE_COPY_COLUMNS), len(_PAGE_QUOTE_COLUMNS)
    cut = len(row) - ncopy - nquote
    copies, quotes = row[cut : cut + ncopy], row[cut + ncopy :]
    return (
        row[: cut - 3],
        row[cut - 3 : cut],
        list(zip(*copies, strict=True)) if copies[0] is not None else [],
        list(zip(*quotes, strict=True)) if quotes[0] is not None else [],
    )


def _read_quotes_around(rows: Sequence[tuple[Any, ...]]) -> dict[str, QuotesAround]:
    newest: dict[str, Quote] = {}
    before: dict[str, Quote] = {}
    windows: dict[str, list[Quote]] = {}
    for part, *columns, _ in rows:
        quote = Quote(*columns)
        key = quote.instrument
        if key is None:
            continue
        if part == 0:
            newest[key] = quote
        elif part == 1:
            before[key] = quote
        else:
            windows.setdefault(key, []).append(quote)
    return quotes_around_from(newest, before, windows)


def _removed(blocks: Sequence[tuple[str, str]]) -> tuple[RemovedBlock, ...]:
    return tuple(RemovedBlock(kind=BlockKind(kind), text=text) for kind, text in blocks)


def _copy_rows(
    conn: Conn, where: str, args: Sequence[Any]
) -> list[tuple[int, Copy, str | None, StoryCopy]]:
    """Current copies matching ``where``, oldest first: (story id, the copy as the origin rule
    reads it, its title, the copy as shown)."""
    return _read_copies(conn.execute(_COPY_SELECT.format(where=where), tuple(args)).fetchall())


def _read_copies(rows: Sequence[tuple[Any, ...]]) -> list[tuple[int, Copy, str | None, StoryCopy]]:
    out = []
    for aid, sid, title, canonical, publisher, origin, published, at, source, url in rows:
        when = datetime.fromisoformat(published) if published else None
        page_url = url or (source if "://" in source else None)
        copy = Copy(aid, page_url, canonical, publisher, origin, when, at)
        shown = StoryCopy(aid, source, page_url or canonical, publisher, title, when, at)
        out.append((sid, copy, title, shown))
    return out


def _copies(conn: Conn, story_ids: Sequence[int]) -> dict[int, tuple[StoryCopy, ...]]:
    if not story_ids:
        return {}
    grouped: dict[int, list[StoryCopy]] = {}
    for sid, _, _, shown in _copy_rows(conn, "a.story_id = ANY(%s::bigint[])", (list(story_ids),)):
        grouped.setdefault(sid, []).append(shown)
    return {k: tuple(v) for k, v in grouped.items()}


def _story(row: tuple[Any, ...], copies: tuple[StoryCopy, ...]) -> Story:
    story_id, title, origin, published, first_seen = row
    return Story(
        id=story_id,
        title=title,
        origin=origin,
        published=datetime.fromisoformat(published) if published else None,
        first_seen=first_seen,
        copies=copies,
    )


def _source(row: tuple[Any, ...]) -> Source:
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
    ) = row
    spec = SourceSpec(
        url, SourceKind(kind), every_s, edition, tuple(tags), allow_private, from_config
    )
    return Source(
        id=sid,
        spec=spec,
        paused=paused,
        added_at=added_at,
        next_poll=next_poll,
        last_fetch=last_fetch,
        last_success=last_success,
        etag=etag,
        last_modified=last_modified,
        last_error=last_error,
        failures=failures,
        cursor=cursor,
    )


def _regroup(conn: Conn) -> None:
    """Upgrade articles stored before stories: fingerprints with their site, signatures, and
    stories, in the order they were stored (as if grouped when they came). Runs inside the
    migration's transaction, a batch of articles at a time."""
    writer = _Writer(conn)
    last = 0
    while True:
        rows = conn.execute(
            "SELECT a.id, a.title, a.paragraphs, a.url, d.url, d.source, a.fetched_at"
            " FROM articles a JOIN documents d ON d.id = a.document_id"
            " WHERE a.id > %s ORDER BY a.id LIMIT %s",
            (last, _REGROUP_BATCH),
        ).fetchall()
        if not rows:
            return
        for aid, title, paragraphs, canonical, url, source, fetched in rows:
            article = Article(title=title, paragraphs=tuple(paragraphs), url=canonical)
            raw = RawDocument(source=source, content=b"", url=url, fetched_at=fetched)
            plan = dedup.plan_page(raw, Page(source=source, kind="html", article=article))
            # The old fingerprint (the words alone) was unique, and so is the new one (the
            # site and the words): an article never takes another's.
            conn.execute(
                "UPDATE articles SET fingerprint = coalesce(%s, fingerprint), site = %s,"
                " signature = %s WHERE id = %s",
                (plan.fingerprint, _clean(plan.site), plan.signature, aid),
            )
            dedup.group_stored(writer, aid, plan)
        last = rows[-1][0]


def _insert_quotes(conn: Conn, quotes: Iterable[Quote], doc_id: int | None) -> int:
    # Key order, so that concurrent writers take the keys' locks in one order (no deadlock);
    # the sort is stable, so of two quotes with one key the first given is kept, as in SQLite.
    batch = sorted(checked_quotes(quotes), key=lambda q: (q.source, q.name, q.at))
    added = 0
    for start in range(0, len(batch), _QUOTES_PER_STATEMENT):
        chunk = batch[start : start + _QUOTES_PER_STATEMENT]
        columns = (
            [_opt(q.instrument) for q in chunk],
            [_clean(q.name) for q in chunk],
            [q.at for q in chunk],
            [float(q.last) for q in chunk],
            [_float(q.change) for q in chunk],
            [_float(q.change_pct) for q in chunk],
            [_float(q.prev_close) for q in chunk],
            [_float(q.open) for q in chunk],
            [_float(q.high) for q in chunk],
            [_float(q.low) for q in chunk],
            [q.decimals for q in chunk],
            [_clean(q.source) for q in chunk],
            [doc_id if doc_id is not None else q.document_id for q in chunk],
        )
        added += max(conn.execute(_INSERT_QUOTES, columns).rowcount, 0)
    if added:
        # Last, so the row lock it takes is held only until the commit (and never waited for
        # while holding a quote key another writer wants).
        conn.execute("UPDATE quotes_version SET version = version + 1")
        # Heard by wait_for_quotes' listeners at the commit, and only if it commits.
        conn.execute(f"SELECT pg_notify({_QUOTES_CHANNEL}, '')")
    return added


def _float(x: float | None) -> float | None:
    # One array type for the column: an int from a caller is a number too.
    return None if x is None else float(x)


def _user(row: tuple[Any, ...]) -> User:
    uid, username, password_hash, created, changed = row
    return User(int(uid), username, password_hash, created, changed)


def _search_where(query: str, filters: SearchFilters | None) -> tuple[str, str, list[Any]] | None:
    """The joins and the WHERE clause that narrow matches of the search table ``t``
    (article_id, story_id, current) to current articles in a story and to ``filters``, with
    their arguments, the query's text first (it is bound in the FROM clause, before the
    joins); None when the query has no words. The joins (``articles a``, ``stories s``) are
    there only where a filter needs them."""
    if not _WORD.search(query):
        return None  # no words, no lexemes: skip the server's notice
    joins = ""
    where = "t.current AND t.story_id IS NOT NULL"
    args: list[Any] = [_clean(query)]
    f = filters or SearchFilters()
    if f.entity is not None:
        where += (
            " AND t.article_id IN"
            " (SELECT article_id FROM article_entities WHERE norm = %s OR key = %s)"
        )
        args += [_clean(norm_name(f.entity)), _clean(f.entity.strip())]
    if f.topic is not None:
        where += " AND t.article_id IN (SELECT article_id FROM article_topics WHERE topic = %s)"
        args.append(_clean(f.topic.strip().casefold()))
    if f.instrument is not None:
        where += (
            " AND t.article_id IN"
            " (SELECT article_id FROM article_instruments WHERE instrument = %s)"
        )
        args.append(_clean(f.instrument.strip().casefold()))
    if f.country is not None:
        where += (
            " AND t.article_id IN (SELECT article_id FROM article_countries WHERE country = %s)"
        )
        args.append(_clean(f.country.strip().upper()))
    if f.since is not None or f.until is not None:
        joins += " JOIN stories s ON s.id = t.story_id"
    if f.since is not None:
        check_aware(f.since, "since")
        where += " AND s.sort_at >= %s"
        args.append(f.since)
    if f.until is not None:
        check_aware(f.until, "until")
        where += " AND s.sort_at <= %s"
        args.append(f.until)
    if f.source is not None:
        joins += " JOIN articles a ON a.id = t.article_id"
        where += " AND (lower(a.publisher) = %s OR lower(a.origin) = %s OR a.site = %s)"
        src = _clean(f.source.strip().lower())
        args += [src, src, src]
    return joins, where, args


def _clean(s: str) -> str:
    return s.replace("\x00", "\ufffd") if "\x00" in s else s


def _opt(s: str | None) -> str | None:
    return None if s is None else _clean(s)


def _stored(row: tuple[Any, ...], removed: tuple[RemovedBlock, ...]) -> StoredArticle:
    (
        article_id,
        title,
        paragraphs,
        authors,
        published,
        modified,
        publisher,
        origin,
        copyright_,
        language,
        url,
        description,
        image,
        source,
        fetched_at,
        market_status,
        kind,
        annotations,
        story_id,
    ) = row
    return StoredArticle(
        id=article_id,
        article=Article(
            title=title,
            paragraphs=tuple(paragraphs),
            authors=tuple(authors),
            published=datetime.fromisoformat(published) if published else None,
            modified=datetime.fromisoformat(modified) if modified else None,
            publisher=publisher,
            origin=origin,
            copyright=copyright_,
            language=language,
            url=url,
            description=description,
            image=image,
        ),
        source=source,
        fetched_at=fetched_at,
        market_status=market_status,
        removed=removed,
        from_feed_entry=kind == "feed-entry",
        annotations=annotations_json.load_text(annotations) if annotations else None,
        story_id=story_id,
    )
