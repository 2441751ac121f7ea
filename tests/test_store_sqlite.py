from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from marketdesk.errors import StorageError
from marketdesk.extract import extract
from marketdesk.model import Quote, RawDocument
from marketdesk.store.sqlite import SQLiteStorage, migrations

ARTICLE = b"""Stocks edge higher in quiet trade

Shares rose modestly on Tuesday as investors waited for inflation data due later in the week, with trading volumes well below their monthly average.

Energy companies led the gains after crude prices climbed for a third day, while utilities lagged the broader market.
"""
AT = datetime(2024, 7, 5, 19, 41, tzinfo=UTC)


def _quote(key: str, at: datetime, last: float, source: str = "bundled") -> Quote:
    return Quote(
        instrument=key, name=key, at=at, last=last, change=None, change_pct=None, source=source
    )


def test_pragmas_and_migrations(db_path: str) -> None:
    store = SQLiteStorage(db_path)
    store.close()
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations()[-1][0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert {"documents", "articles", "quotes", "articles_fts"} <= tables


def test_same_page_is_stored_once(db_path: str) -> None:
    store = SQLiteStorage(db_path)
    raw = RawDocument(source="a.txt", content=ARTICLE)
    page = extract(raw)
    first = store.add_page(replace(raw, fetched_at=AT), page, [])
    second = store.add_page(replace(raw, fetched_at=AT + timedelta(hours=1)), page, [])
    assert first.document_created and first.article_created
    assert not second.document_created and second.article_id == first.article_id
    # The same article in different bytes (a re-crawl with other furniture) is one article too.
    raw2 = RawDocument(source="b.txt", content=b"Home\nMenu\n" + ARTICLE)
    third = store.add_page(replace(raw2, fetched_at=AT), extract(raw2), [])
    assert third.document_created and not third.article_created
    assert third.article_id == first.article_id
    assert store.counts().articles == 1
    assert store.counts().documents == 2


def test_article_round_trip_and_search(db_path: str) -> None:
    store = SQLiteStorage(db_path)
    raw = RawDocument(source="a.txt", content=ARTICLE)
    result = store.add_page(replace(raw, fetched_at=AT), extract(raw), [])
    assert result.article_id is not None
    got = store.get_article(result.article_id)
    assert got is not None
    assert got.article.title == "Stocks edge higher in quiet trade"
    assert got.source == "a.txt"
    assert got.fetched_at == AT
    assert [s.id for s in store.search_articles("crude utilities")] == [result.article_id]
    assert store.search_articles("nonexistentword") == []
    assert store.search_articles('"; DROP TABLE articles; --') == []
    assert store.get_article(999) is None


def test_latest_quote_and_history(db_path: str) -> None:
    store = SQLiteStorage(db_path)
    days = [AT - timedelta(days=d) for d in range(5)]
    assert store.add_quotes(_quote("spx", d, 100.0 + i) for i, d in enumerate(days)) == 5
    assert store.add_quotes([_quote("spx", days[0], 100.0)]) == 0  # idempotent
    latest = store.latest_quote("spx")
    assert latest is not None and latest.last == 100.0
    earlier = store.latest_quote("spx", AT - timedelta(days=1, minutes=1))
    assert earlier is not None and earlier.last == 102.0
    assert store.latest_quote("spx", AT - timedelta(days=30)) is None
    hist = store.history("spx", AT - timedelta(days=3), AT)
    assert [q.last for q in hist] == [103.0, 102.0, 101.0, 100.0]


def test_failed_write_loses_nothing(db_path: str) -> None:
    store = SQLiteStorage(db_path)
    store.add_quotes([_quote("spx", AT, 1.0)])
    naive = Quote(
        instrument="spx",
        name="spx",
        at=datetime(2024, 1, 1),
        last=2.0,
        change=None,
        change_pct=None,
        source="x",
    )
    with pytest.raises(ValueError):
        store.add_quotes([_quote("spx", AT - timedelta(days=1), 3.0), naive])
    assert store.counts().quotes == 1  # the batch rolled back as a whole


def test_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match=r"not a marketdesk database|cannot open"):
        SQLiteStorage(str(bad))


def test_upgrades_an_older_database(db_path: str) -> None:
    from marketdesk.store.sqlite import _split_sql

    conn = sqlite3.connect(db_path)
    version, sql = migrations()[0]
    for statement in _split_sql(sql):
        conn.execute(statement)
    conn.execute(f"PRAGMA user_version={version}")
    conn.commit()
    conn.close()
    store = SQLiteStorage(db_path)  # applies the pending migrations, keeps the data
    raw = RawDocument(source="a.txt", content=ARTICLE)
    result = store.add_page(replace(raw, fetched_at=AT), extract(raw), [])
    assert result.article_created
    store.close()
    columns = {r[1] for r in sqlite3.connect(db_path).execute("PRAGMA table_info(articles)")}
    assert "modified" in columns
