"""Where a store lives: the --db value read as a backend and a place, and shown without secrets.

desk.db, sqlite:///desk.db, sqlite:////var/lib/desk.db   SQLite (relative, absolute path)
postgresql://USER@HOST:PORT/DBNAME (postgres:// too)     PostgreSQL
"""

from __future__ import annotations

from marketdesk.errors import StorageError

__all__ = ["SQLITE_SCHEME", "backend_of", "missing_database", "redacted", "sqlite_path"]

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


def missing_database(shown: str) -> str:
    """The message for a read of a database that does not exist, with commands that make one."""
    return (
        f"no marketdesk database at {shown}; create one with `marketdesk sources add "
        f"URL_OR_PATH --db {shown}`, `marketdesk ingest FILE --db {shown}`, `marketdesk quotes "
        f"load-bundled --db {shown}` or `marketdesk demo --no-serve --db {shown}`"
    )
