"""Per-host spacing: requests to one host start at least an interval apart, across threads."""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["HostSpacing"]


class HostSpacing:
    """Start times per host, at least ``interval`` apart, shared by all threads."""

    def __init__(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, interval: float) -> None:
        """Sleep until ``host`` may be asked again, and reserve the next slot."""
        # Reserve a slot under the lock and sleep outside it, so waiting for one host never
        # holds up another.
        with self._lock:
            now = self._clock()
            if len(self._next) > 4096:  # forget hosts whose slot has passed: a crawl meets many
                self._next = {h: t for h, t in self._next.items() if t > now}
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + interval
        if slot > now:
            self._sleep(slot - now)
