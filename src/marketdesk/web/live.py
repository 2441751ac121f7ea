"""The live market line: one poller per server, shared by every client of the live stream.

About once a second (``interval``), while anyone watches, the poller asks the store for its
``quotes_version()`` (one cheap query, whichever process stored the quotes: a ``quotes
refresh``, a ``quotes import``, the daemon) and reads the watched editions' latest quotes again
only when it changed; then it works out each watched edition's market line at the Desk's clock
(banner, strip, each quote's age) and publishes it when it differs from the last one published,
leaving out the instant it was worked out at. So a client hears of a stored quote within about a
second, of the banner as the market opens and closes, and of a quote that has turned stale;
and nothing when nothing changed (the stream's keep-alives fill the silence).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import Counter
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass
from typing import Any

import anyio.to_thread

from marketdesk.app.desk import Desk
from marketdesk.app.front import market_line
from marketdesk.app.shapes import dumps, market_line_json
from marketdesk.errors import MarketdeskError
from marketdesk.model import Quote

__all__ = ["LiveEvent", "LiveHub"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LiveEvent:
    id: int  # grows with every event the hub publishes, for any edition
    data: str  # the market line as JSON (app/shapes.market_line_json)


class LiveHub:
    """Fans one poller's market lines out to every watcher. Lives on the server's event loop."""

    def __init__(self, desk: Desk, interval: float = 1.0) -> None:
        self._desk = desk
        self._interval = interval
        self._watchers: Counter[str] = Counter()  # edition code -> clients watching it
        self._events: dict[str, LiveEvent] = {}  # the last event of each watched edition
        self._serial = 0
        self._changed = asyncio.Condition()
        self._wake = asyncio.Event()  # a new edition is watched: tick now, not in a second
        self._task: asyncio.Task[None] | None = None
        self._waiting: asyncio.Future[int] | None = None  # the store's wait for new quotes
        self._closed = False
        # Touched only by _tick, one at a time, in a worker thread.
        self._version: int | None = None
        self._quotes: dict[str, Mapping[str, Quote]] = {}
        self._shown: dict[str, str] = {}  # what was last published, without its instant

    @property
    def polling(self) -> bool:
        return self._task is not None

    async def watch(self, code: str) -> AsyncGenerator[LiveEvent, None]:
        """The edition's market line now, then each time it changes, until the hub closes or
        the caller stops (a client gone: the stream is cancelled)."""
        self._watchers[code] += 1
        self._wake.set()
        self._start()
        seen = 0
        try:
            while True:
                async with self._changed:
                    after = seen
                    await self._changed.wait_for(
                        lambda: self._closed or self._event_id(code) > after  # noqa: B023
                    )
                    if self._closed:
                        return
                    event = self._events[code]
                seen = event.id
                yield event
        finally:
            self._watchers[code] -= 1
            if self._watchers[code] <= 0:
                del self._watchers[code]  # the next tick forgets its event

    async def close(self) -> None:
        """End every watch and stop the poller (the server is shutting down)."""
        self._closed = True
        async with self._changed:
            self._changed.notify_all()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _event_id(self, code: str) -> int:
        event = self._events.get(code)
        return event.id if event is not None else 0

    def _start(self) -> None:
        if self._task is None and not self._closed:
            self._task = asyncio.get_running_loop().create_task(self._poll())

    async def _poll(self) -> None:
        try:
            while self._watchers and not self._closed:
                self._wake.clear()
                codes = sorted(self._watchers)
                try:
                    fresh = await anyio.to_thread.run_sync(self._tick, codes)
                except MarketdeskError as exc:  # the store is away: try again next time
                    log.warning("live: %s", exc)
                    fresh = {}
                async with self._changed:
                    for gone in set(self._events) - set(codes):
                        del self._events[gone]  # not worked out any more: no longer current
                    for code, data in fresh.items():
                        self._serial += 1
                        self._events[code] = LiveEvent(self._serial, data)
                    if fresh:
                        self._changed.notify_all()
                await self._until_next_tick()
        finally:
            # No await between the loop's last check and this: a watcher that comes later
            # finds no task and starts one, and waits for its first tick.
            if self._task is asyncio.current_task():
                self._task = None
                if self._waiting is not None:
                    self._waiting.cancel()
                    self._waiting = None
                self._events.clear()
                self._quotes.clear()
                self._shown.clear()

    async def _until_next_tick(self) -> None:
        """Until quotes are committed (the store says so at once where it can), a new
        edition is watched, or ``interval`` has passed (the banner and the quotes' ages move
        with the clock)."""
        if self._waiting is None:
            self._waiting = asyncio.ensure_future(
                anyio.to_thread.run_sync(
                    self._desk.storage.wait_for_quotes,
                    self._version if self._version is not None else 0,
                    self._interval,
                    abandon_on_cancel=True,  # shutting down: the wait ends by itself
                )
            )
        woken = asyncio.ensure_future(self._wake.wait())
        either: set[asyncio.Future[Any]] = {self._waiting, woken}
        try:
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
        if not self._waiting.done():
            return  # woken: the wait goes on, and the next tick waits on it again
        waited, self._waiting = self._waiting, None
        try:
            waited.result()
        except MarketdeskError as exc:  # the store is away: look again after a while
            log.warning("live: %s", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)

    def _tick(self, codes: list[str]) -> dict[str, str]:
        """In a worker thread: the market lines of ``codes`` that changed, as JSON."""
        desk = self._desk
        for gone in set(self._quotes) - set(codes):
            del self._quotes[gone]
            self._shown.pop(gone, None)
        version = desk.storage.quotes_version()
        reread = version != self._version
        self._version = version
        fresh: dict[str, str] = {}
        for code in codes:
            ed = desk.edition(code)
            if reread or code not in self._quotes:
                self._quotes[code] = desk.storage.latest_quotes([k for k, _ in ed.strip])
            data = market_line_json(market_line(desk, ed, self._quotes[code]))
            as_of = data.pop("as_of")
            same = json.dumps(data, sort_keys=True)
            if self._shown.get(code) != same:
                self._shown[code] = same
                fresh[code] = dumps({"as_of": as_of, **data})
        return fresh
