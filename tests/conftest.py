"""Shared fixtures. Real material lives in ../shared; tests that need it skip without it.

PostgreSQL: tests marked ``postgres`` use the server at $MARKETDESK_TEST_PG_URL (default
postgresql://postgres@127.0.0.1:5432/postgres). Each run makes its own database there and drops
it at the end; each test gets a fresh schema in it (``?schema=``: about 40 ms with its
migrations, against about 80 ms for a database copied from a template). Without a server they
skip, unless MARKETDESK_REQUIRE_POSTGRES=1 (CI), where they fail. MARKETDESK_TEST_BACKEND=postgres
makes ``db_path`` a PostgreSQL URL, to run the CLI and web tests on PostgreSQL.
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from spacy.language import Language

from marketdesk.enrich import load_pipeline

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REFERENCE = SHARED / "examples" / "yahoo-finance-ca-2024-07-05.txt"
REFERENCE_EXPECTED = SHARED / "examples" / "yahoo-finance-ca-2024-07-05.expected.json"
FIXTURES = Path(__file__).parent / "fixtures"

PG_ADMIN_URL = os.environ.get(
    "MARKETDESK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("MARKETDESK_REQUIRE_POSTGRES") == "1"
TEST_BACKEND = os.environ.get("MARKETDESK_TEST_BACKEND", "sqlite")


def pytest_configure(config: pytest.Config) -> None:
    if TEST_BACKEND not in ("sqlite", "postgres"):
        raise pytest.UsageError(
            f"MARKETDESK_TEST_BACKEND={TEST_BACKEND!r}: use 'sqlite' (default) or 'postgres'"
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The PostgreSQL pass reruns what depends on the --db backend: the tests that take db_path
    # (the contract tests already run on both backends in the first pass).
    if TEST_BACKEND != "postgres":
        return
    kept = [i for i in items if "db_path" in getattr(i, "fixturenames", ())]
    config.hook.pytest_deselected(items=[i for i in items if i not in kept])
    items[:] = kept


@dataclass
class PgServer:
    """This run's database on the test server, and fresh places inside it."""

    admin_url: str  # the maintenance database, to create and drop databases
    database: str  # this run's database
    url: str  # its address
    _serial: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def place(self) -> str:
        """The address of a schema no test has used: a fresh, empty marketdesk database."""
        return f"{self.url}?schema=t{next(self._serial)}_{secrets.token_hex(3)}"

    def url_of(self, database: str) -> str:
        return self.url.rsplit("/", 1)[0] + f"/{database}"


_probe: list[str | None] = []  # [None] when the server answered, [reason] when not


def _pg_unavailable() -> str | None:
    if not _probe:
        try:
            psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
            _probe.append(None)
        except psycopg.Error as exc:
            where = PG_ADMIN_URL.split("@")[-1]
            _probe.append(f"PostgreSQL at {where} does not answer ({str(exc).strip()[:200]})")
    return _probe[0]


def _need_postgres() -> None:
    reason = _pg_unavailable()
    if reason is None:
        return
    if REQUIRE_POSTGRES:
        pytest.fail(f"MARKETDESK_REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
    pytest.skip(f"{reason}; set MARKETDESK_REQUIRE_POSTGRES=1 to fail instead")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("postgres") is not None:
        _need_postgres()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    _need_postgres()
    name = f"marketdesk_test_{os.getpid()}_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    server = PgServer(PG_ADMIN_URL, name, PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield server
    finally:
        # FORCE: a store a failed test left open must not keep the database alive.
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    return pg_server.place()


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def storage_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, not yet created database of each backend: a file path, or a postgresql:// URL."""
    if request.param == "postgres":
        server: PgServer = request.getfixturevalue("pg_server")
        return server.place()
    return str(tmp_path / "desk.db")


@pytest.fixture
def reference_page() -> Path:
    if not REFERENCE.is_file():
        pytest.skip("../shared/examples is not present")
    return REFERENCE


@pytest.fixture
def reference_expected() -> dict[str, Any]:
    if not REFERENCE_EXPECTED.is_file():
        pytest.skip("../shared/examples is not present")
    data: dict[str, Any] = json.loads(REFERENCE_EXPECTED.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def db_path(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The --db of a CLI or web test: a SQLite file, or with MARKETDESK_TEST_BACKEND=postgres a
    fresh PostgreSQL schema's URL."""
    if TEST_BACKEND == "postgres":
        server: PgServer = request.getfixturevalue("pg_server")
        return server.place()
    return str(tmp_path / "desk.db")


@pytest.fixture
def sqlite_path(tmp_path: Path) -> str:
    """A SQLite file, whatever MARKETDESK_TEST_BACKEND says: for tests of SQLite itself."""
    return str(tmp_path / "desk.db")


@pytest.fixture(scope="session")
def nlp() -> Language:
    """The real bundled spaCy pipeline with marketdesk's ruler, loaded once a session."""
    return load_pipeline()
