"""What only the PostgreSQL backend has: its search index, its migration lock, its connection
handling and messages. The behaviour both backends share is in test_store_contract.py."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
import pytest
from psycopg import sql

from marketdesk.errors import StorageError
from marketdesk.model import Article, Page, Quote, RawDocument
from marketdesk.store import open_storage
from marketdesk.store.postgres import (
    PostgresStorage,
    migration_lock_key,
    migrations,
    parse_location,
)

if TYPE_CHECKING:
    from conftest import PgServer

ROOT = Path(__file__).resolve().parents[1]
AT = datetime(2024, 7, 5, 19, 41, tzinfo=UTC)
PASSWORD = "s3cret-Pw"


def _page(title: str, *paragraphs: str) -> Page:
    return Page(source="x", kind="text", article=Article(title=title, paragraphs=paragraphs))


def _raw(content: bytes) -> RawDocument:
    return RawDocument(source="a.txt", content=content, fetched_at=AT)


def _admin(url: str) -> psycopg.Connection[tuple[object, ...]]:
    return psycopg.connect(parse_location(url).conninfo, autocommit=True)


@pytest.fixture
def store(pg_url: str) -> Iterator[PostgresStorage]:
    s = PostgresStorage(pg_url)
    yield s
    s.close()


@pytest.fixture
def scratch_db(pg_server: PgServer) -> Iterator[str]:
    """A database of its own, for tests that turn connections away."""
    name = f"{pg_server.database}_scratch"
    with psycopg.connect(pg_server.admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with psycopg.connect(pg_server.admin_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


# -- search ------------------------------------------------------------------------------------
@pytest.mark.postgres
def test_search_is_a_narrow_table_of_weighted_tsvectors_with_a_gin_index(
    store: PostgresStorage, pg_url: str
) -> None:
    r = store.add_page(_raw(b"c"), _page("Copper rallies", "Prices of copper rose."), [])
    with _admin(pg_url) as conn:
        columns = conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND table_name = 'article_search'"
            " ORDER BY ordinal_position"
        ).fetchall()
        assert columns == [
            ("article_id", "bigint"),
            ("story_id", "bigint"),
            ("current", "boolean"),
            ("search", "tsvector"),
        ]
        wide = conn.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema()"
            " AND table_name = 'articles' AND column_name = 'search'"
        ).fetchone()
        assert wide is None  # the articles table keeps no tsvector of its own
        index = conn.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND indexname = 'article_search_words'"
        ).fetchone()
        assert index is not None and "USING gin (search)" in str(index[0])
        # Written when the article's transaction committed, with the story it joined.
        row = conn.execute("SELECT article_id, story_id, current FROM article_search").fetchone()
        assert row == (r.article_id, r.story_id, True)
        # Title words weigh A, text words B.
        weights = conn.execute(
            "SELECT search @@ to_tsquery('english', 'copper:A'),"
            " search @@ to_tsquery('english', 'rose:A'), search @@ to_tsquery('english', 'rose:B')"
            " FROM article_search"
        ).fetchone()
        assert weights == (True, False, True)
        conn.execute("SET enable_seqscan = off")  # a table this small would be scanned
        plan = "\n".join(
            str(r[0])
            for r in conn.execute(
                "EXPLAIN SELECT article_id FROM article_search"
                " WHERE search @@ plainto_tsquery('english', 'copper')"
            )
        )
        assert "article_search_words" in plan


@pytest.mark.postgres
def test_the_search_table_follows_any_writer(store: PostgresStorage, pg_url: str) -> None:
    """Triggers keep the search table, so a row written by other code (another process, an
    older marketdesk, psql) is found too, and a change of story or replacement is followed."""
    r = store.add_page(_raw(b"n"), _page("Nickel jumps", "Nickel prices jumped."), [])
    assert r.article_id is not None and r.story_id is not None
    with _admin(pg_url) as conn:
        doc = conn.execute("SELECT document_id FROM articles WHERE id = %s", (r.article_id,))
        (document_id,) = doc.fetchone() or (None,)
        row = conn.execute(
            "INSERT INTO articles (document_id, fingerprint, title, text, paragraphs, authors,"
            " fetched_at, story_id) VALUES (%s, 'fp-zinc', 'Zinc slides', 'Zinc fell.',"
            " ARRAY['Zinc fell.'], ARRAY[]::text[], %s, %s) RETURNING id",
            (document_id, AT, r.story_id),
        ).fetchone()
        assert row is not None
        zinc = int(row[0])
        assert [a.id for a in store.search_articles("zinc")] == [zinc]
        assert store.count_stories("zinc") == 1
        conn.execute("UPDATE articles SET replaced_by = %s WHERE id = %s", (zinc, r.article_id))
        assert store.search_articles("nickel") == []
        assert store.count_stories("nickel") == 0
        conn.execute("UPDATE articles SET title = 'Tin rallies' WHERE id = %s", (zinc,))
        assert [a.id for a in store.search_articles("tin")] == [zinc]
        assert store.search_articles("slides") == []  # the old title's word
        conn.execute("UPDATE articles SET replaced_by = NULL WHERE id = %s", (r.article_id,))
        assert [a.id for a in store.search_articles("nickel")] == [r.article_id]
        conn.execute("DELETE FROM articles WHERE id = %s", (zinc,))
        kept = conn.execute("SELECT count(*) FROM article_search").fetchone()
        assert kept == (1,)


@pytest.mark.postgres
def test_search_stems_english_words(store: PostgresStorage) -> None:
    r = store.add_page(_raw(b"r"), _page("Stocks rallied", "Utilities lagged the market."), [])
    assert [a.id for a in store.search_articles("rallies")] == [r.article_id]
    assert [a.id for a in store.search_articles("utility lagging")] == [r.article_id]
    assert store.search_articles("the") == []  # a stop word alone finds nothing


# -- migrations --------------------------------------------------------------------------------
@pytest.mark.postgres
def test_migrations_are_recorded(store: PostgresStorage, pg_url: str) -> None:
    with _admin(pg_url) as conn:
        rows = conn.execute("SELECT version, name FROM schema_migrations ORDER BY version")
        assert rows.fetchall() == [(v, name) for v, name, _ in migrations()]


@pytest.mark.postgres
def test_migrations_wait_for_the_advisory_lock(pg_url: str) -> None:
    where = parse_location(pg_url)
    opened: list[PostgresStorage] = []
    with psycopg.connect(where.conninfo, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (migration_lock_key(where.schema),))
        opener = threading.Thread(target=lambda: opened.append(PostgresStorage(pg_url)))
        opener.start()
        time.sleep(0.5)
        assert opener.is_alive() and not opened  # waiting: another process is migrating
        exists = holder.execute("SELECT to_regnamespace(%s)", (where.schema,)).fetchone()
        assert exists == (None,)
        holder.execute("SELECT pg_advisory_unlock(%s)", (migration_lock_key(where.schema),))
        opener.join(10)
    assert opened, "the store did not open once the lock was released"
    try:
        assert opened[0].add_quotes([Quote("spx", "spx", AT, 1.0, None, None, "x")]) == 1
    finally:
        opened[0].close()


@pytest.mark.postgres
def test_stores_opening_a_new_schema_together_migrate_it_once(pg_url: str) -> None:
    stores: list[PostgresStorage] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def open_one() -> None:
        try:
            start.wait()
            stores.append(PostgresStorage(pg_url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    try:
        assert not errors and len(stores) == 6
        with _admin(pg_url) as conn:
            versions = conn.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
        assert versions == [(v,) for v, _, _ in migrations()]
    finally:
        for s in stores:
            s.close()


@pytest.mark.postgres
def test_a_database_of_a_newer_marketdesk_is_refused(store: PostgresStorage, pg_url: str) -> None:
    with _admin(pg_url) as conn:
        conn.execute("INSERT INTO schema_migrations (version, name) VALUES (99, 'future')")
    with pytest.raises(StorageError, match=r"newer marketdesk .*99"):
        PostgresStorage(pg_url)


@pytest.mark.postgres
def test_schemas_keep_stores_apart(pg_server: PgServer) -> None:
    a, b = PostgresStorage(pg_server.place()), PostgresStorage(pg_server.place())
    try:
        a.add_quotes([Quote("spx", "spx", AT, 1.0, None, None, "x")])
        assert (a.counts().quotes, b.counts().quotes) == (1, 0)
    finally:
        a.close()
        b.close()
    for bad in ("1abc", "a-b", "x" * 64, "public; DROP TABLE x", ""):
        with pytest.raises(StorageError, match="schema"):
            PostgresStorage(f"{pg_server.url}?schema={bad}")


# -- connections -------------------------------------------------------------------------------
def _sessions(admin_url: str, application: str) -> int:
    with psycopg.connect(admin_url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", (application,)
        ).fetchone()
        return int(row[0]) if row else 0


@pytest.mark.postgres
def test_close_releases_the_pool(pg_server: PgServer) -> None:
    app = f"md_close_{os.getpid()}"
    s = PostgresStorage(f"{pg_server.place()}&application_name={app}", pool_size=3)
    threads = [threading.Thread(target=s.counts) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 1 <= _sessions(pg_server.admin_url, app) <= 3
    s.close()
    deadline = time.monotonic() + 5
    while _sessions(pg_server.admin_url, app) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _sessions(pg_server.admin_url, app) == 0
    with pytest.raises(StorageError, match="cannot read"):
        s.counts()


@pytest.mark.postgres
def test_connections_the_server_dropped_are_replaced(pg_server: PgServer) -> None:
    app = f"md_drop_{os.getpid()}"
    s = PostgresStorage(f"{pg_server.place()}&application_name={app}")
    try:
        s.add_quotes([Quote("spx", "spx", AT, 1.0, None, None, "x")])
        with psycopg.connect(pg_server.admin_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = %s",
                (app,),
            )
        assert s.counts().quotes == 1  # as after a server restart
        with psycopg.connect(pg_server.admin_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = %s",
                (app,),
            )
        # A write on a dropped connection is made again on a fresh one, and stored once.
        later = Quote("spx", "spx", AT + timedelta(days=1), 2.0, None, None, "x")
        assert s.add_quotes([later]) == 1
        assert s.counts().quotes == 2
    finally:
        s.close()


@pytest.mark.postgres
def test_a_server_gone_is_a_storage_error_without_the_password(
    pg_server: PgServer, scratch_db: str
) -> None:
    url = pg_server.url_of(scratch_db).replace("postgres@", f"postgres:{PASSWORD}@")
    s = PostgresStorage(url, timeout=1)
    try:
        assert PASSWORD not in s.location and "postgres@" in s.location
        with psycopg.connect(pg_server.admin_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(
                    sql.Identifier(scratch_db)
                )
            )
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (scratch_db,),
            )
        with pytest.raises(StorageError, match="cannot write to") as gone:
            s.add_quotes([Quote("spx", "spx", AT, 1.0, None, None, "x")])
        _assert_no_password(gone.value)
    finally:
        s.close()


def _assert_no_password(exc: BaseException) -> None:
    shown = "".join(traceback.format_exception(exc)) + repr(exc) + str(exc)
    assert PASSWORD not in shown, shown


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/x", "cannot connect .*refused"),
        (f"postgresql://postgres:{PASSWORD}@127.0.0.1:5432/md_none_{os.getpid()}", "createdb"),
        (f"postgresql://md_nobody:{PASSWORD}@127.0.0.1:5432/postgres", "md_nobody"),
        (f"postgres://postgres:{PASSWORD}@127.0.0.1:notaport/x", "port"),
        (f"postgresql://postgres:{PASSWORD}@127.0.0.1:5432/x?nonsense=1", "nonsense"),
        (f"postgresql://postgres@127.0.0.1:1/x?password={PASSWORD}", "cannot connect"),
        (f"postgresql://postgres:{PASSWORD}@127.0.0.1:5432/x?schema=no-dash", "schema"),
    ],
)
def test_messages_never_show_the_password(url: str, message: str) -> None:
    with pytest.raises(StorageError, match=message) as caught:
        open_storage(url)
    _assert_no_password(caught.value)
    assert "\n" not in str(caught.value)


# -- text --------------------------------------------------------------------------------------
@pytest.mark.postgres
def test_nul_characters_are_stored_as_replacement_characters(store: PostgresStorage) -> None:
    r = store.add_page(_raw(b"nul"), _page("A\x00B", "Text with a \x00 in it."), [])
    assert r.article_id is not None
    got = store.get_article(r.article_id)
    assert got is not None
    assert got.article.title == "A\ufffdB" and got.article.text == "Text with a \ufffd in it."


# -- the test setup itself ---------------------------------------------------------------------
def _pytest_without_server(require: bool) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "MARKETDESK_TEST_PG_URL": "postgresql://postgres@127.0.0.1:1/postgres",
        "MARKETDESK_REQUIRE_POSTGRES": "1" if require else "0",
        "MARKETDESK_TEST_BACKEND": "sqlite",
    }
    test = "tests/test_store_contract.py"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "test_counts", test],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_a_server_postgres_tests_skip_unless_required() -> None:
    skipped = _pytest_without_server(require=False)
    assert skipped.returncode == 0, skipped.stdout
    assert "1 passed, 1 skipped" in skipped.stdout
    assert "does not answer" in skipped.stdout
    required = _pytest_without_server(require=True)
    assert required.returncode == 1, required.stdout
    assert re.search(r"1 passed, .*1 (failed|error)", required.stdout), required.stdout
    assert "MARKETDESK_REQUIRE_POSTGRES=1 but" in required.stdout
