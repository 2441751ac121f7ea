"""The daemon: every active source polled when it is due, pages processed concurrently.

``run_once`` polls every active source once, due or not, and returns when all are done;
``run_forever`` polls sources as they fall due until ``stop`` is set. Each source is polled by one
worker at a time; the pages of all polls share one pool, and the HTTP layer keeps its per-host
spacing across them, so two sources on one host do not double its load. Setting ``stop`` (the
command line does on SIGTERM and Ctrl-C) lets each page being stored finish and drops the rest:
an interrupted poll is not recorded, so it is repeated next time and stores nothing twice.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from marketdesk.app.desk import Desk
from marketdesk.app.poll import Log, Poller, PollOutcome
from marketdesk.app.sources import sync_config_sources
from marketdesk.model import Source

__all__ = ["Daemon", "RunReport"]

IDLE_WAIT = 5.0  # seconds between looks at the store for due sources (and the config's)


@dataclass(frozen=True, slots=True)
class RunReport:
    outcomes: tuple[PollOutcome, ...]
    interrupted: bool

    @property
    def ok(self) -> bool:
        return not self.interrupted and all(o.ok for o in self.outcomes)


class Daemon:
    def __init__(
        self,
        desk: Desk,
        *,
        log: Log = lambda event: None,
        stop: threading.Event | None = None,
        sources: int = 4,
        pages: int = 4,
    ) -> None:
        self.desk = desk
        self.log = log
        self.stop = stop or threading.Event()
        self._source_workers = sources
        self._page_workers = pages

    def _sync_config(self) -> None:
        for location, problem in sync_config_sources(self.desk):
            self.log({"event": "error", "url": location, "error": f"[[sources]]: {problem}"})

    def run_once(self) -> RunReport:
        """Poll every active source once, due or not."""
        self._sync_config()
        active = [s for s in self.desk.storage.sources() if not s.paused]
        with self._pools() as (poller, pool):
            futures = [pool.submit(poller.poll, s) for s in active]
            outcomes = tuple(f.result() for f in futures)
        return RunReport(outcomes, self.stop.is_set())

    def run_forever(self) -> RunReport:
        """Poll sources as they fall due until ``stop`` is set."""
        self._sync_config()
        last: dict[int, PollOutcome] = {}  # each source's latest: a daemon runs for months
        running: dict[int, Future[PollOutcome]] = {}
        with self._pools() as (poller, pool):
            while not self.stop.is_set():
                for sid, f in list(running.items()):
                    if f.done():
                        last[sid] = f.result()
                        del running[sid]
                for source in self.desk.storage.due_sources(self.desk.clock()):
                    if source.id not in running:
                        running[source.id] = pool.submit(poller.poll, source)
                self.stop.wait(IDLE_WAIT)
            last.update((sid, f.result()) for sid, f in running.items())
        return RunReport(tuple(last.values()), True)

    def _pools(self) -> _Pools:
        return _Pools(self)

    def poll(self, source: Source) -> PollOutcome:
        with self._pools() as (poller, _):
            return poller.poll(source)


class _Pools:
    """The fetcher and the two thread pools of one run, closed together."""

    def __init__(self, daemon: Daemon) -> None:
        self.daemon = daemon

    def __enter__(self) -> tuple[Poller, ThreadPoolExecutor]:
        d = self.daemon
        self.fetcher = d.desk.fetcher()
        self.pages = ThreadPoolExecutor(d._page_workers, thread_name_prefix="marketdesk-page")
        self.sources = ThreadPoolExecutor(d._source_workers, thread_name_prefix="marketdesk-src")
        return Poller(d.desk, self.fetcher, self.pages, log=d.log, stop=d.stop), self.sources

    def __exit__(self, *exc: object) -> None:
        self.sources.shutdown(wait=True)
        self.pages.shutdown(wait=True)
        self.fetcher.close()
