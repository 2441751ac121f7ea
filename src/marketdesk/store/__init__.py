"""Storage: the Storage contract (base.py) and its backends, chosen by the database's address.

open_storage("desk.db")                          # a SQLite file
open_storage("sqlite:///desk.db")                # the same; sqlite:////abs/path.db for /abs
open_storage("postgresql://marketdesk@db.example:5432/desk")
"""

from __future__ import annotations

from marketdesk.errors import StorageError
from marketdesk.store.base import (
    RELATED_SCAN,
    SEARCH_SCAN,
    Checkpoint,
    EntityRecord,
    IngestResult,
    Plan,
    RelatedEntity,
    SearchFilters,
    Storage,
    StoreCounts,
    StoryPage,
    story_moment,
)
from marketdesk.store.locations import backend_of, redacted, sqlite_path
from marketdesk.store.sqlite import SQLiteStorage

__all__ = [
    "RELATED_SCAN",
    "SEARCH_SCAN",
    "Checkpoint",
    "EntityRecord",
    "IngestResult",
    "Plan",
    "RelatedEntity",
    "SQLiteStorage",
    "SearchFilters",
    "Storage",
    "StoreCounts",
    "StoryPage",
    "backend_of",
    "open_storage",
    "redacted",
    "story_moment",
]


def open_storage(location: str, *, create: bool = True, durable: bool = True) -> Storage:
    """Open the store at ``location`` (a path or URL), applying pending migrations.

    With ``create=False`` a database that does not exist yet is a StorageError with a hint,
    not a new empty database: read-only commands use it. With ``durable=False`` a commit does
    not wait for the disk (SQLite's synchronous=NORMAL, PostgreSQL's synchronous_commit=off):
    a crash of the machine may lose the last writes, never the database (sample desks).
    """
    if backend_of(location) == "postgresql":
        from marketdesk.store.postgres import PostgresStorage  # psycopg loads only when used

        return PostgresStorage(location, create=create, durable=durable)
    path = sqlite_path(location)
    if not path:
        raise StorageError(f"{location!r} names no database file")
    return SQLiteStorage(path, create=create, durable=durable)
