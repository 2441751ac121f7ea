"""Storage: the Storage contract (base.py) and its backends, chosen by the database's address.

open_storage("desk.db")                          # a SQLite file
open_storage("sqlite:///desk.db")                # the same; sqlite:////abs/path.db for /abs
open_storage("postgresql://marketdesk@db.example:5432/desk")
"""

from __future__ import annotations

from marketdesk.errors import StorageError
from marketdesk.store.base import IngestResult, Storage, StoreCounts
from marketdesk.store.sqlite import SQLiteStorage

__all__ = [
    "IngestResult",
    "SQLiteStorage",
    "Storage",
    "StoreCounts",
    "backend_of",
    "open_storage",
    "redacted",
]

SQLITE_SCHEME = "sqlite:///"


def backend_of(location: str) -> str:
    """'sqlite' or 'postgresql': which backend a --db value names."""
    scheme, sep, _ = location.partition("://")
    if not sep:
        return "sqlite"  # a file path
    if scheme.lower() in ("postgresql", "postgres"):
        return "postgresql"
    if scheme.lower() == "sqlite" and location.startswith(SQLITE_SCHEME):
        return "sqlite"
    raise StorageError(
        f"cannot open {scheme}://…: --db takes a file path, sqlite:///PATH or "
        "postgresql://USER@HOST:PORT/DBNAME"
    )


def redacted(location: str) -> str:
    """The location fit to print: a password in a URL becomes ``***``."""
    scheme, sep, rest = location.partition("://")
    if not sep:
        return location
    netloc, slash, tail = rest.partition("/")
    userinfo, at, host = netloc.rpartition("@")
    if at and ":" in userinfo:
        netloc = f"{userinfo.split(':', 1)[0]}:***@{host}"
    return f"{scheme}://{netloc}{slash}{tail}"


def sqlite_path(location: str) -> str:
    """The file a SQLite --db value names (sqlite:///rel.db, sqlite:////abs.db, or a path)."""
    return location[len(SQLITE_SCHEME) :] if location.startswith(SQLITE_SCHEME) else location


def open_storage(location: str, *, create: bool = True) -> Storage:
    """Open the store at ``location`` (a path or URL), applying pending migrations.

    With ``create=False`` a database that does not exist yet is a StorageError with a hint,
    not a new empty database: read-only commands use it.
    """
    if backend_of(location) == "postgresql":
        from marketdesk.store.postgres import PostgresStorage  # psycopg loads only when used

        return PostgresStorage(location, create=create)
    path = sqlite_path(location)
    if not path:
        raise StorageError(f"{location!r} names no database file")
    return SQLiteStorage(path, create=create)
