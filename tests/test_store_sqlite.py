"""What only the SQLite backend has: its pragmas, its FTS5 table, its own migrations' repairs.
The behaviour both backends share is in test_store_contract.py."""

from __future__ import annotations

import math
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from marketdesk.errors import StorageError
from marketdesk.model import (
    Annotations,
    Article,
    Entity,
    EntityKind,
    Mention,
    Page,
    RawDocument,
)
from marketdesk.store import sqlite as backend
from marketdesk.store.sqlite import SQLiteStorage, _split_sql, migrations, to_micros

AT = datetime(2024, 7, 5, 19, 41, tzinfo=UTC)


def test_pragmas_fts5_and_user_version(sqlite_path: str) -> None:
    SQLiteStorage(sqlite_path).close()
    conn = sqlite3.connect(sqlite_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations()[-1][0]
    tables = {r[0]: r[1] for r in conn.execute("SELECT name, sql FROM sqlite_master")}
    assert {"documents", "articles", "quotes", "removed_blocks", "articles_fts"} <= set(tables)
    assert "fts5" in tables["articles_fts"]


def _database_at(path: str, version: int) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    for v, script in migrations():
        if v <= version:
            for statement in _split_sql(script):
                conn.execute(statement)
    conn.execute(f"PRAGMA user_version={version}")
    return conn


def _opened_after(path: str, version: int) -> SQLiteStorage:
    """A desk left at migration ``version`` (as an older marketdesk made it), opened now: the
    migrations after it run."""
    old = _database_at(path, version)
    old.commit()
    old.close()
    return SQLiteStorage(path)


def test_migration_0003_restores_the_sign_of_old_zero_percentages(sqlite_path: str) -> None:
    # Before 0003, REAL columns turned -0.0 into 0.0; a zero percentage beside a negative
    # change was a negative zero, and the upgrade gives it its sign back.
    conn = _database_at(sqlite_path, 2)
    rows = [("spx", AT, -0.004, 0.0), ("dji", AT, 0.004, 0.0), ("tsx", AT, None, None)]
    for key, at, change, pct in rows:
        conn.execute(
            "INSERT INTO quotes (instrument, name, at, last, change, change_pct, source)"
            " VALUES (?, ?, ?, 1.0, ?, ?, 'bundled')",
            (key, key, to_micros(at), change, pct),
        )
    conn.commit()
    conn.close()
    store = SQLiteStorage(sqlite_path)
    try:
        spx, dji, tsx = (store.latest_quote(k) for k in ("spx", "dji", "tsx"))
        assert spx is not None and spx.change_pct == 0 and math.copysign(1, spx.change_pct) < 0
        assert dji is not None and dji.change_pct == 0 and math.copysign(1, dji.change_pct) > 0
        assert tsx is not None and tsx.change is None and tsx.change_pct is None
    finally:
        store.close()


def test_upgrade_from_the_first_version_adds_the_new_columns(sqlite_path: str) -> None:
    _database_at(sqlite_path, 1).close()
    SQLiteStorage(sqlite_path).close()
    conn = sqlite3.connect(sqlite_path)
    assert "modified" in {r[1] for r in conn.execute("PRAGMA table_info(articles)")}
    assert "article_id" in {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    change = next(r for r in conn.execute("PRAGMA table_info(quotes)") if r[1] == "change")
    assert change[2] == ""  # no declared type: values are kept as given, -0.0 included


def test_an_address_is_not_taken_for_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StorageError, match="not a SQLite file") as caught:
        SQLiteStorage("postgresql://desk:s3cret@db.example:5432/desk")
    assert "s3cret" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []  # no folder named "postgresql:"


def test_readers_of_finished_threads_are_closed(sqlite_path: str) -> None:
    # A web server's worker threads come and go: each one's connection must go with it, not
    # pile up (one file descriptor each) for the life of the store.
    import gc
    import threading

    store = SQLiteStorage(sqlite_path)
    threads = [threading.Thread(target=store.counts) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    gc.collect()
    assert len(store._readers) == 0
    store.counts()  # this thread's own reader stays open and usable
    assert len(store._readers) == 1
    store.close()


_CLOSE_WHILE_READING = """
import sys, threading, time
from marketdesk.errors import StorageError
from marketdesk.store.sqlite import SQLiteStorage

seen = []
for _ in range(30):
    store = SQLiteStorage(sys.argv[1])
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                store.quotes_version()
                store.counts()
            except StorageError:
                seen.append("closed")
                return

    threads = [threading.Thread(target=read) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.01)
    store.close()
    stop.set()
    for t in threads:
        t.join()
print(len(seen))
"""


def test_closing_the_store_while_other_threads_read_never_crashes(sqlite_path: str) -> None:
    # A live strip's wait, abandoned at shutdown, went on reading after the server closed the
    # store: closing a connection that another thread was inside killed the process
    # (SIGSEGV) in about one run in three of the test suite. In a child process, so that a
    # crash is a failed test rather than the end of the run.
    import subprocess
    import sys

    SQLiteStorage(sqlite_path).close()  # the schema, once
    done = subprocess.run(
        [sys.executable, "-c", _CLOSE_WHILE_READING, sqlite_path],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout) > 0  # readers after close were told so: a StorageError


def test_a_closed_store_refuses_reads_from_other_threads(sqlite_path: str) -> None:
    import threading

    store = SQLiteStorage(sqlite_path)
    store.counts()
    store.close()
    caught: list[BaseException] = []

    def read() -> None:
        try:
            store.counts()
        except StorageError as exc:
            caught.append(exc)

    t = threading.Thread(target=read)
    t.start()
    t.join()
    assert len(caught) == 1 and "is closed" in str(caught[0])


def test_the_wal_starts_over_while_readers_never_pause(
    sqlite_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two readers whose transactions overlap, so that at no moment is nobody reading: SQLite's
    # own checkpoints never start such a WAL over, and it grew with every write (a desk
    # served under load while `demo` built it: 3.6 GB). The writer starts it over itself.
    import threading
    import time

    from marketdesk.model import Quote
    from marketdesk.store import sqlite as backend

    monkeypatch.setattr(backend, "_WAL_LOOK_EVERY", 5)
    monkeypatch.setattr(backend, "_WAL_RESTART_FRAMES", 100)
    store = SQLiteStorage(sqlite_path)
    readers = [
        sqlite3.connect(sqlite_path, isolation_level=None, check_same_thread=False)
        for _ in range(2)
    ]
    reads: list[int] = []
    stop = threading.Event()

    def read(conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM quotes").fetchone()

    def overlap() -> None:
        read(readers[0])
        while not stop.is_set():
            for this, other in ((readers[1], readers[0]), (readers[0], readers[1])):
                read(this)  # one begins before the other ends
                other.execute("COMMIT")
                reads.append(1)
                time.sleep(0.001)
        for conn in readers:
            if conn.in_transaction:
                conn.execute("COMMIT")

    thread = threading.Thread(target=overlap)
    thread.start()
    try:
        for n in range(300):
            at = AT + timedelta(minutes=40 * n)
            quotes = [
                Quote("spx", "S&P 500", at + timedelta(minutes=k), 5000.0 + k, None, None, "csv")
                for k in range(40)
            ]
            store.add_quotes(quotes)
    finally:
        stop.set()
        thread.join()
    wal = Path(sqlite_path + "-wal").stat().st_size
    store.close()
    assert len(reads) > 100  # the readers did read throughout
    # 12,000 quotes in 300 commits: 11 MB of WAL where it is never started over.
    assert wal < 2 * 1024 * 1024


def test_upgrade_to_0010_indexes_what_search_reads_and_search_reads_only_that(
    sqlite_path: str,
) -> None:
    """Migration 0010 adds the narrow index of each article's story and currency to a desk
    made before it, and search's statements read the articles through it, never their wide
    rows (which were most of a fresh search at scale)."""
    store = _opened_after(sqlite_path, 9)
    try:
        for n in range(3):
            words = "harbour cranes" if n else "harbour"
            p = Page(source="x", kind="text", article=Article(title=f"Port {n}",
                     paragraphs=(f"The {words} worked late on day {n}.",)))  # fmt: skip
            store.add_page(RawDocument(source=f"p{n}", content=f"p{n}".encode(), fetched_at=AT),
                           p, [])  # fmt: skip
        hits, total = store.search_and_count("harbour")
        assert total == 3 and len(hits) == 3
        assert store.count_stories("cranes") == 2
    finally:
        store.close()
    conn = sqlite3.connect(sqlite_path)
    indexes = {r[1] for r in conn.execute("PRAGMA index_list(articles)")}
    assert "articles_search" in indexes
    cols = [r[2] for r in conn.execute("PRAGMA index_info(articles_search)")]
    assert cols == ["id", "story_id", "replaced_by"]
    plan = " ".join(
        str(r[3])
        for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT a.story_id FROM articles_fts"
            " JOIN articles a INDEXED BY articles_search ON a.id = articles_fts.rowid"
            " WHERE articles_fts MATCH 'harbour' AND a.replaced_by IS NULL"
        )
    )
    assert "COVERING INDEX articles_search" in plan


def test_upgrade_to_0011_reads_an_entity_from_its_indexes_and_counts_each_article_once(
    sqlite_path: str,
) -> None:
    """Migration 0011 widens the entity indexes of a desk made before it so that a lookup by
    name or by key reads no table row; an entity found both ways (a name that is its own key)
    counts each article once, and its page's lists find it."""
    store = _opened_after(sqlite_path, 10)
    try:
        for n, name in enumerate(("lab:x", "Lab X", "Lab X")):
            p = Page(source="x", kind="text", article=Article(title=f"Lab {n}",
                     paragraphs=(f"The lab opened on day {n}.",)))  # fmt: skip
            tagged = Annotations(entities=(Entity(0, EntityKind.ORGANISATION, name,
                                 (Mention(name, 0, len(name), 0),), 1.0, key="lab:x"),))  # fmt: skip
            store.add_page(RawDocument(source=f"p{n}", content=f"p{n}".encode(), fetched_at=AT),
                           p, [], annotations=tagged)  # fmt: skip
        found = store.find_entity("lab:x")
        assert found is not None and found.articles == 3
        by_name = store.find_entity("lab x")
        assert by_name is not None and by_name.articles == 2
        assert len(store.stories(entity="lab:x")) == 3
        assert store.related_entities("lab:x") == []
    finally:
        store.close()
    conn = sqlite3.connect(sqlite_path)
    assert [r[2] for r in conn.execute("PRAGMA index_info(article_entities_key)")][:4] == [
        "key", "name", "kind", "norm",
    ]  # fmt: skip
    for column, value in (("norm", "lab x"), ("key", "lab:x")):
        plan = " ".join(
            str(r[3])
            for r in conn.execute(
                "EXPLAIN QUERY PLAN SELECT name, kind, key, norm, article_id"
                f" FROM article_entities WHERE {column} = ?",
                (value,),
            )
        )
        assert "COVERING INDEX" in plan, plan


def test_upgrade_to_0012_walks_an_entitys_articles_newest_first(sqlite_path: str) -> None:
    """Migration 0012 adds the narrow entity indexes that an entity page's read of its newest
    articles walks backwards (a desk made before it gets them), and the read's plan names them."""
    store = _opened_after(sqlite_path, 11)
    try:
        for n, other in enumerate(("Harbour Board", "Port Authority")):
            p = Page(source="x", kind="text", article=Article(title=f"Port {n}",
                     paragraphs=(f"The port reopened on day {n}.",)))  # fmt: skip
            tagged = Annotations(entities=tuple(
                Entity(i, EntityKind.ORGANISATION, name, (Mention(name, 0, len(name), 0),), 1.0)
                for i, name in enumerate(("Port of Lune", other))
            ))  # fmt: skip
            store.add_page(RawDocument(source=f"p{n}", content=f"p{n}".encode(), fetched_at=AT),
                           p, [], annotations=tagged)  # fmt: skip
        assert {r.name for r in store.related_entities("port of lune")} == {
            "Harbour Board", "Port Authority",
        }  # fmt: skip
    finally:
        store.close()
    conn = sqlite3.connect(sqlite_path)
    assert [r[2] for r in conn.execute("PRAGMA index_info(article_entities_norm_newest)")] == [
        "norm"
    ]
    assert [r[2] for r in conn.execute("PRAGMA index_info(article_entities_key_newest)")] == ["key"]
    plan = [
        str(r[3])
        for r in conn.execute(
            f"EXPLAIN QUERY PLAN WITH {backend._NEWEST_NAMED} SELECT * FROM mine",
            ("port of lune", 2000, "port of lune", 2000, 2000),
        )
    ]
    assert any("article_entities_norm_newest" in step for step in plan), plan
    assert any("article_entities_key_newest" in step for step in plan), plan
