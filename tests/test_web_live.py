"""The live market line: the hub's one poller (in process, with a clock the test moves), and a
real server whose stream hears of a quote that another process stores, then stops on SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from marketdesk.app.desk import Desk
from marketdesk.config import Settings
from marketdesk.model import Quote
from marketdesk.store import open_storage
from marketdesk.web.live import LiveEvent, LiveHub
from support import services

CLOSING = datetime(2026, 3, 2, 20, 58, tzinfo=UTC)  # Monday, two minutes to the TSX close
TICK = 0.05


class Clock:
    """A clock the test moves."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def tsx(last: float, at: datetime = CLOSING - timedelta(minutes=1)) -> Quote:
    return Quote("tsx", "S&P/TSX", at, last, 10.0, 10.0 / (last - 10.0) * 100, "page")


@pytest.fixture
def clock() -> Clock:
    return Clock(CLOSING)


@pytest.fixture
def desk(db_path: str, clock: Clock) -> Iterator[Desk]:
    with Desk(Settings(db=db_path, edition="ca"), services=replace(services(), clock=clock)) as d:
        d.storage.add_quotes([tsx(21_000.0)])
        yield d


class Watch:
    """One watcher of the hub: its events gathered by a task, so that waiting for one with a
    timeout does not cancel (and so end) the watch."""

    def __init__(self, hub: LiveHub, code: str) -> None:
        self.events: asyncio.Queue[LiveEvent | None] = asyncio.Queue()
        self.task = asyncio.ensure_future(self._gather(hub.watch(code)))

    async def _gather(self, events: AsyncIterator[LiveEvent]) -> None:
        try:
            async for event in events:
                await self.events.put(event)
        finally:
            await self.events.put(None)

    async def next(self, within: float = 5.0) -> dict[str, Any]:
        event = await asyncio.wait_for(self.events.get(), within)
        assert event is not None, "the watch ended"
        data: dict[str, Any] = json.loads(event.data)
        return data

    async def nothing_for(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self.events.get(), seconds)
        except TimeoutError:
            return True
        return False

    async def ended(self, within: float = 5.0) -> bool:
        return await asyncio.wait_for(self.events.get(), within) is None

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


def test_an_event_at_once_then_one_for_each_stored_change(desk: Desk, db_path: str) -> None:
    async def go() -> None:
        hub = LiveHub(desk, TICK)
        watch = Watch(hub, "ca")
        first = await watch.next()
        assert first["edition"] == "ca" and first["strip"][0]["last"] == 21_000.0
        assert first["market_status"] == "Canada markets close in 2 minutes"
        assert await watch.nothing_for(10 * TICK)  # nothing changed: nothing sent
        other = open_storage(db_path)  # another writer than the hub's store
        try:
            other.add_quotes([tsx(21_050.0, CLOSING - timedelta(seconds=30))])
        finally:
            other.close()
        moved = await watch.next()
        assert moved["strip"][0]["last"] == 21_050.0
        assert moved["strip"][0]["display"]["last"] == "21,050.00"
        await watch.stop()
        await hub.close()

    asyncio.run(go())


def test_a_commit_is_heard_before_the_next_tick(desk: Desk, db_path: str) -> None:
    """The poller waits on the store (LISTEN/NOTIFY on PostgreSQL, a look every 50 ms on
    SQLite), not on its interval: with ticks a minute apart a stored quote still arrives
    within moments."""

    async def go() -> None:
        hub = LiveHub(desk, 60.0)
        watch = Watch(hub, "ca")
        await watch.next()
        await asyncio.sleep(0.3)  # the poller is waiting now
        other = open_storage(db_path)
        try:
            started = time.monotonic()
            other.add_quotes([tsx(21_075.0, CLOSING - timedelta(seconds=20))])
        finally:
            other.close()
        moved = await watch.next()
        assert moved["strip"][0]["last"] == 21_075.0
        assert time.monotonic() - started < 10  # not the minute of a tick
        await watch.stop()
        await hub.close()

    asyncio.run(go())


def test_the_banner_and_the_ages_change_with_the_clock(desk: Desk, clock: Clock) -> None:
    async def go() -> None:
        hub = LiveHub(desk, TICK)
        watch = Watch(hub, "ca")
        assert (await watch.next())["market_open"] is True
        clock.now = CLOSING + timedelta(minutes=3)  # the close has passed: no quote stored
        closed = await watch.next()
        assert closed["market_status"] == "Canada markets closed"
        assert closed["market_open"] is False and closed["strip"][0]["current"] is True
        clock.now = CLOSING + timedelta(days=1, hours=-6)  # Tuesday, open, the quote stale
        stale = await watch.next()
        assert stale["market_open"] is True
        assert stale["strip"][0]["current"] is False
        assert stale["strip"][0]["age"] == "as of Mar 2, 15:57"
        await watch.stop()
        await hub.close()

    asyncio.run(go())


def test_one_poller_for_every_watcher_and_none_when_nobody_watches(desk: Desk) -> None:
    reads = 0  # the poller's waits for new quotes: one a tick, whoever watches
    storage = desk.storage
    wait = storage.wait_for_quotes

    def counted(version: int, timeout: float) -> int:
        nonlocal reads
        reads += 1
        return wait(version, timeout)

    storage.wait_for_quotes = counted  # type: ignore[method-assign]

    async def go() -> None:
        hub = LiveHub(desk, TICK)
        watchers = [Watch(hub, "ca") for _ in range(5)] + [Watch(hub, "us")]
        firsts = [await w.next() for w in watchers]
        assert {f["edition"] for f in firsts} == {"ca", "us"}
        assert hub.polling
        before = reads
        await asyncio.sleep(20 * TICK)
        # One look a tick for all six watchers (some slack for a slow machine), not six.
        assert 1 <= reads - before <= 21
        for w in watchers:
            await w.stop()
        await asyncio.sleep(5 * TICK)
        assert not hub.polling
        quiet = reads
        await asyncio.sleep(5 * TICK)
        assert reads == quiet
        # A later watcher starts it again, and hears the line at once.
        again = Watch(hub, "ca")
        assert (await again.next())["edition"] == "ca"
        await again.stop()
        await hub.close()

    asyncio.run(go())


def test_closing_the_hub_ends_every_watch(desk: Desk) -> None:
    async def go() -> None:
        hub = LiveHub(desk, TICK)
        watch = Watch(hub, "ca")
        await watch.next()
        await asyncio.sleep(2 * TICK)
        await hub.close()
        assert await watch.ended()
        assert not hub.polling

    asyncio.run(go())


# -- a real server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def isolated(tmp_path: Path) -> dict[str, str]:
    """The environment of a marketdesk process that reads no user's config."""
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    return {**os.environ, "MARKETDESK_CONFIG": str(config)}


class Stream:
    """An SSE client in a thread: each event's data, parsed, on a queue."""

    def __init__(self, url: str) -> None:
        self.events: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._read, args=(url,), daemon=True)
        self.thread.start()

    def _read(self, url: str) -> None:
        try:
            with httpx.stream("GET", url, timeout=httpx.Timeout(5, read=60)) as answer:
                assert answer.headers["content-type"].startswith("text/event-stream")
                self.ready.set()
                kind = ""
                for line in answer.iter_lines():
                    if line.startswith("event:"):
                        kind = line.split(":", 1)[1].strip()
                    elif line.startswith("data:") and kind == "market":
                        self.events.put(json.loads(line.split(":", 1)[1]))
        finally:
            self.events.put(None)  # the stream ended

    def next(self, within: float) -> dict[str, Any] | None:
        return self.events.get(timeout=within)

    def until_last(self, last: float, within: float) -> dict[str, Any]:
        """The first event whose strip leads with ``last``. The server runs on the real
        clock, so a minute's turn between events publishes the old quotes again (the banner's
        minutes and the quotes' ages move): those are skipped, not failed on."""
        deadline = time.monotonic() + within
        while True:
            event = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            assert event is not None, "the stream ended"
            if event["strip"][0]["last"] == last:
                return event

    def until_end(self, within: float) -> None:
        """Events until the stream ends (the old line may be published once more first)."""
        deadline = time.monotonic() + within
        while self.events.get(timeout=max(0.0, deadline - time.monotonic())) is not None:
            pass


def wait_until_serving(proc: subprocess.Popen[str], port: int) -> None:
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert f"on http://127.0.0.1:{port}" in line, line
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/.json", timeout=30).raise_for_status()
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("the server did not answer")


def test_a_quote_imported_by_another_process_reaches_the_stream_then_sigterm_ends_it(
    db_path: str, tmp_path: Path
) -> None:
    if db_path.startswith("postgresql"):
        pytest.skip("the SQLite file is enough here; the store contract covers PostgreSQL")
    store = open_storage(db_path)
    store.add_quotes([tsx(21_000.0, datetime(2026, 1, 2, 21, tzinfo=UTC))])
    store.close()
    env = isolated(tmp_path)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "marketdesk", "serve", "--db", db_path, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        wait_until_serving(server, port)
        stream = Stream(f"http://127.0.0.1:{port}/editions/ca/live")
        first = stream.next(30)
        assert first is not None and first["strip"][0]["last"] == 21_000.0

        csv = tmp_path / "tsx.csv"
        csv.write_text("Date,Close\n2026-01-05T21:00:00+00:00,21123.5\n", encoding="utf-8")
        argv = ["quotes", "import", str(csv), "--instrument", "tsx", "--db", db_path]
        imported = subprocess.run(
            [sys.executable, "-m", "marketdesk", *argv],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
        assert imported.returncode == 0, imported.stderr
        # The import committed before its process exited; the poller looks once a second.
        event = stream.until_last(21_123.5, 5)
        assert event["strip"][0]["display"]["last"] == "21,123.50"

        server.send_signal(signal.SIGTERM)
        stream.until_end(10)  # the stream ends with the server
        assert server.wait(15) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
