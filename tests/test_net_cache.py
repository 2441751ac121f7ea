"""Conditional GET: validators sent, the kept body given back on 304, what is not kept."""

from __future__ import annotations

import httpx

from marketdesk.net import CachedResponse, Fetcher, FetchPolicy, MemoryCache
from net_support import FakeClock, Site, make, ok, resolve, status


def test_conditional_get_returns_the_kept_body_on_304() -> None:
    site = Site()
    validators = {"etag": '"v1"', "last-modified": "Fri, 05 Jul 2024 19:41:00 GMT"}
    site.route("https://news.example/feed", ok(b"<rss/>", **validators), status(304))
    fetcher = make(site, obey_robots=False)
    first = fetcher.fetch_response("https://news.example/feed")
    assert first.status == 200 and not first.from_cache
    second = fetcher.fetch_response("https://news.example/feed")
    sent = site.requests[1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Fri, 05 Jul 2024 19:41:00 GMT"
    assert second.status == 304 and second.from_cache and second.not_modified
    assert second.content == b"<rss/>" and second.media_type == "text/html"
    assert fetcher.fetch("https://news.example/feed").content == b"<rss/>"


def test_no_store_answers_are_not_kept() -> None:
    site = Site()
    site.route("https://news.example/", ok(etag='"v1"', **{"cache-control": "no-store"}))
    fetcher = make(site, obey_robots=False)
    fetcher.fetch("https://news.example/")
    fetcher.fetch("https://news.example/")
    assert "if-none-match" not in site.requests[1].headers


def test_conditional_get_can_be_switched_off() -> None:
    site = Site()
    site.route("https://news.example/", ok(etag='"v1"'))
    fetcher = make(site, obey_robots=False, conditional_get=False)
    fetcher.fetch("https://news.example/")
    fetcher.fetch("https://news.example/")
    assert "if-none-match" not in site.requests[1].headers


def test_a_caller_supplied_cache_is_used() -> None:
    class Store:
        def __init__(self) -> None:
            self.data: dict[str, CachedResponse] = {
                "https://news.example/": CachedResponse(b"kept", etag='"old"')
            }

        def get(self, url: str) -> CachedResponse | None:
            return self.data.get(url)

        def put(self, url: str, entry: CachedResponse) -> None:
            self.data[url] = entry

    site = Site()
    site.route("https://news.example/", status(304))
    clock = FakeClock()
    fetcher = Fetcher(
        FetchPolicy(obey_robots=False),
        httpx.MockTransport(site),
        clock=clock,
        sleep=clock.sleep,
        resolver=resolve,
        cache=Store(),
    )
    assert fetcher.fetch("https://news.example/").content == b"kept"


def test_memory_cache_is_bounded() -> None:
    cache = MemoryCache(max_entries=2)
    for name in "abc":
        cache.put(name, CachedResponse(name.encode()))
    assert cache.get("a") is None and cache.get("c") is not None and len(cache) == 2
