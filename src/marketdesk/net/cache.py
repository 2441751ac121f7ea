"""Conditional GET: what is kept of a response, the storage protocol, and an in-memory store."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

__all__ = ["CachedResponse", "ConditionalCache", "MemoryCache", "conditional_headers"]


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """What conditional GET keeps of a response."""

    content: bytes
    etag: str | None = None
    last_modified: str | None = None
    media_type: str | None = None


class ConditionalCache(Protocol):
    """Storage for conditional GET, keyed by URL. Implementations must be thread-safe."""

    def get(self, url: str) -> CachedResponse | None: ...

    def put(self, url: str, entry: CachedResponse) -> None: ...


class MemoryCache:
    """A ConditionalCache in memory, least recently used first out.

    Bounded, so that a long-running ingest does not keep every page it ever saw.
    """

    def __init__(self, max_entries: int = 512) -> None:
        if max_entries < 1:
            raise ValueError("MemoryCache.max_entries must be at least 1")
        self._max = max_entries
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str) -> CachedResponse | None:
        with self._lock:
            entry = self._entries.get(url)
            if entry is not None:
                self._entries.move_to_end(url)
            return entry

    def put(self, url: str, entry: CachedResponse) -> None:
        with self._lock:
            self._entries[url] = entry
            self._entries.move_to_end(url)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


def conditional_headers(entry: CachedResponse | None) -> dict[str, str]:
    """The If-None-Match / If-Modified-Since headers that revalidate ``entry``."""
    headers: dict[str, str] = {}
    if entry is not None and entry.etag:
        headers["If-None-Match"] = entry.etag
    if entry is not None and entry.last_modified:
        headers["If-Modified-Since"] = entry.last_modified
    return headers
