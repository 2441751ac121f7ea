"""Helpers for tests: a Desk on a chosen store and clock, and services that reach 127.0.0.1."""

from __future__ import annotations

from datetime import datetime

from marketdesk.app.desk import Desk, Services
from marketdesk.clock import Clock, fixed_clock, system_clock
from marketdesk.config import Settings
from marketdesk.net import Fetcher, FetchPolicy
from marketdesk.store import Storage


def quick_fetcher(policy: FetchPolicy, clock: Clock) -> Fetcher:
    """The real fetcher, allowed onto 127.0.0.1, without waits or retries."""
    return Fetcher(FetchPolicy(allow_private=True, min_interval=0, retries=0), now=clock)


def services(now: datetime | None = None, **kw: object) -> Services:
    clock = fixed_clock(now) if now is not None else system_clock
    return Services(clock=clock, fetcher=quick_fetcher, **kw)  # type: ignore[arg-type]


def make_desk(
    db: str | Storage, *, now: datetime | None = None, edition: str = "ca", **settings: object
) -> Desk:
    """A Desk on a database location or an open Storage (which the test then owns)."""
    location = db if isinstance(db, str) else ":memory:"
    desk_settings = Settings(db=location, edition=edition, **settings)  # type: ignore[arg-type]
    storage = None if isinstance(db, str) else db
    return Desk(desk_settings, services=services(now), storage=storage)


# The reference workload below took this long on the development machine (2 cores, idle).
_REFERENCE_SECONDS = 0.04


def slowdown() -> float:
    """How much slower this machine runs pure Python right now than the development machine
    did, at least 1: a time bound times this holds on a loaded CI machine, while a change that
    makes the code quadratic still fails. The best of three runs of a fixed workload."""
    import time

    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        total = 0
        for i in range(400_000):
            total += i % 7
        best = min(best, time.perf_counter() - t0)
    return max(1.0, best / _REFERENCE_SECONDS)
