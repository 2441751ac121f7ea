"""Storage: the Storage protocol and its implementations (SQLite by default)."""

from __future__ import annotations

from marketdesk.store.base import IngestResult, Storage
from marketdesk.store.sqlite import SQLiteStorage


def open_storage(location: str) -> Storage:
    """Open the store named by a path (SQLite)."""
    return SQLiteStorage(location)


__all__ = ["IngestResult", "SQLiteStorage", "Storage", "open_storage"]
