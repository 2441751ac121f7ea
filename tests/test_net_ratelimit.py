"""Per-host spacing: requests to one host start min_interval apart, across threads."""

from __future__ import annotations

import threading

import httpx

from marketdesk.net import Fetcher, FetchPolicy
from net_support import FakeClock, Site, make, ok, resolve


def test_requests_to_one_host_are_spaced() -> None:
    clock = FakeClock()
    site = Site(clock)
    for host in ("news.example", "other.example"):
        site.route(f"https://{host}/", ok())
    fetcher = make(site, clock, obey_robots=False, min_interval=1.0)
    for _ in range(3):
        fetcher.fetch("https://news.example/")
    fetcher.fetch("https://other.example/")
    assert site.times == [1000.0, 1001.0, 1002.0, 1002.0]
    assert clock.sleeps == [1.0, 1.0]


def test_spacing_holds_across_threads() -> None:
    sleeps: list[float] = []
    lock = threading.Lock()

    def record(seconds: float) -> None:
        with lock:
            sleeps.append(seconds)

    site = Site()
    site.route("https://news.example/", ok())
    fetcher = Fetcher(
        FetchPolicy(obey_robots=False, min_interval=2.0),
        httpx.MockTransport(site),
        clock=lambda: 0.0,  # time stands still, so every wait shows its reserved slot
        sleep=record,
        resolver=resolve,
    )
    threads = [
        threading.Thread(target=fetcher.fetch, args=("https://news.example/",)) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(sleeps) == [2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 14.0]
