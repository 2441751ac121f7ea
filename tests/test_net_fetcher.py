"""The Fetcher as a whole: what a fetch returns, the size cap, the total timeout, redirects,
and the whole policy end to end against a server on 127.0.0.1.
"""

from __future__ import annotations

import http.server
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from marketdesk.errors import BlockedURLError, FetchError, TooLargeError
from marketdesk.model import RawDocument
from marketdesk.net import DEFAULT_USER_AGENT, Fetcher, FetchPolicy, FetchStatusError
from net_support import FakeClock, Site, base, loopback_server, make, ok, redirect, status


@pytest.fixture(scope="module")
def server() -> Iterator[http.server.ThreadingHTTPServer]:
    with loopback_server() as httpd:
        yield httpd


def test_fetch_returns_a_raw_document() -> None:
    site = Site()
    site.route("https://news.example/story", ok(b"<p>story</p>"))
    with make(site, obey_robots=False) as fetcher:
        doc = fetcher.fetch("https://news.example/story")
    assert isinstance(doc, RawDocument)
    assert doc.content == b"<p>story</p>"
    assert doc.media_type == "text/html"
    assert doc.source == doc.url == "https://news.example/story"
    assert doc.fetched_at is not None and doc.fetched_at.utcoffset() == timedelta(0)
    assert abs((datetime.now(UTC) - doc.fetched_at).total_seconds()) < 60


def test_sends_the_marketdesk_user_agent() -> None:
    site = Site()
    site.route("https://news.example/", ok())
    make(site, obey_robots=False).fetch("https://news.example/")
    assert site.requests[0].headers["user-agent"] == DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT.startswith("marketdesk/0.")
    assert DEFAULT_USER_AGENT.endswith("(+https://github.com/marketdesk)")


def test_policy_rejects_settings_out_of_range() -> None:
    with pytest.raises(ValueError, match="max_bytes"):
        FetchPolicy(max_bytes=0)
    with pytest.raises(ValueError, match="retries"):
        FetchPolicy(retries=-1)


def test_size_cap_stops_the_transfer_while_streaming() -> None:
    sent: list[int] = []

    def endless() -> Iterator[bytes]:
        for _ in range(10_000):  # bounded, so a broken cap fails the test instead of hanging
            sent.append(1)
            yield b"x" * 1024

    site = Site()
    site.route("https://news.example/huge", lambda r: httpx.Response(200, content=endless()))
    fetcher = make(site, obey_robots=False, max_bytes=4096)
    with pytest.raises(TooLargeError, match="larger than the 4096 bytes limit"):
        fetcher.fetch("https://news.example/huge")
    assert len(sent) <= 6  # stopped just past the cap, not at the end of the body
    assert len(site.requests) == 1  # too large is final, not retried


def test_declared_length_over_the_cap_is_refused_before_reading() -> None:
    sent: list[int] = []

    def body() -> Iterator[bytes]:
        sent.append(1)
        yield b"x" * 10

    site = Site()
    site.route(
        "https://news.example/big",
        lambda r: httpx.Response(200, content=body(), headers={"content-length": "99999999"}),
    )
    with pytest.raises(TooLargeError, match="20 MiB"):
        make(site, obey_robots=False).fetch("https://news.example/big")
    assert sent == []


def test_body_exactly_at_the_cap_is_accepted() -> None:
    site = Site()
    site.route("https://news.example/", ok(b"y" * 100))
    assert make(site, obey_robots=False, max_bytes=100).fetch("https://news.example/").content


def test_a_trickling_server_hits_the_total_timeout() -> None:
    clock = FakeClock()

    def trickle() -> Iterator[bytes]:
        while True:
            clock.now += 10.0  # each byte takes ten seconds
            yield b"."

    site = Site()
    site.route("https://news.example/", lambda r: httpx.Response(200, content=trickle()))
    fetcher = make(site, clock, obey_robots=False, retries=0, timeout=30)
    with pytest.raises(FetchError, match="no complete answer within 30 s"):
        fetcher.fetch("https://news.example/")


def test_redirects_are_followed() -> None:
    site = Site()
    site.route("https://news.example/old", redirect("/mid", 301))
    site.route("https://news.example/mid", redirect("https://www.news.example/new", 308))
    site.route("https://www.news.example/new", ok(b"new"))
    result = make(site, obey_robots=False).fetch_response("https://news.example/old")
    assert result.url == "https://www.news.example/new" and result.content == b"new"
    assert result.redirects == ("https://news.example/old", "https://news.example/mid")
    assert result.to_document().source == "https://news.example/old"


def test_a_redirect_to_another_scheme_is_refused() -> None:
    site = Site()
    site.route("https://news.example/go", redirect("file:///etc/passwd"))
    with pytest.raises(BlockedURLError, match="'file' scheme is not allowed"):
        make(site, obey_robots=False).fetch("https://news.example/go")


def test_too_many_redirects() -> None:
    site = Site()
    site.route("https://news.example/loop", redirect("/loop"))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        make(site, obey_robots=False, min_interval=0).fetch("https://news.example/loop")
    assert len(site.requests) == 6


def test_end_to_end_on_loopback_when_allowed(server: http.server.ThreadingHTTPServer) -> None:
    server.paths.clear()  # type: ignore[attr-defined]
    policy = FetchPolicy(allow_private=True, min_interval=0, max_bytes=10_000)
    with Fetcher(policy) as fetcher:
        doc = fetcher.fetch(base(server) + "/redirect")
        assert doc.content == b"<h1>Markets</h1>" and doc.media_type == "text/html"
        assert doc.url == base(server) + "/page"
        again = fetcher.fetch_response(base(server) + "/page")
        assert again.status == 304 and again.from_cache and again.content == doc.content
        with pytest.raises(FetchError, match=r"robots\.txt .* forbids"):
            fetcher.fetch(base(server) + "/secret")
        with pytest.raises(TooLargeError):
            fetcher.fetch(base(server) + "/big")
        with pytest.raises(FetchStatusError, match="HTTP 404"):
            fetcher.fetch(base(server) + "/missing")
    assert "/secret" not in server.paths  # type: ignore[attr-defined]
    assert server.paths.count("/robots.txt") == 1  # type: ignore[attr-defined]


def test_connection_refused_gives_a_human_message() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below, so nothing listens there
    clock = FakeClock()
    policy = FetchPolicy(allow_private=True, obey_robots=False, retries=1)
    with (
        Fetcher(policy, clock=clock, sleep=clock.sleep) as fetcher,
        pytest.raises(FetchError) as info,
    ):
        fetcher.fetch(f"http://127.0.0.1:{port}/")
    assert str(info.value) == (
        f"cannot fetch http://127.0.0.1:{port}/: connection refused by 127.0.0.1:{port}"
        " (gave up after 2 attempts)"
    )


# --- the injected wall clock -------------------------------------------------------------------

FIXED = datetime(2024, 7, 5, 19, 41, tzinfo=UTC)


def test_fetched_at_is_the_injected_now() -> None:
    site = Site()
    site.route("https://news.example/feed", ok(b"<rss/>", etag='"v1"'), status(304))
    fetcher = make(site, now=lambda: FIXED, obey_robots=False)
    first = fetcher.fetch_response("https://news.example/feed")
    second = fetcher.fetch_response("https://news.example/feed")  # from the cache, stamped anew
    assert first.fetched_at == FIXED and second.from_cache and second.fetched_at == FIXED
    assert fetcher.fetch("https://news.example/feed").fetched_at == FIXED


def test_an_injected_now_in_another_zone_is_stamped_in_utc() -> None:
    site = Site()
    site.route("https://news.example/", ok())
    toronto = FIXED.astimezone(timezone(timedelta(hours=-4)))
    doc = make(site, now=lambda: toronto, obey_robots=False).fetch("https://news.example/")
    assert doc.fetched_at == FIXED and doc.fetched_at.tzinfo is UTC


def test_a_naive_injected_now_is_refused() -> None:
    site = Site()
    site.route("https://news.example/", ok())
    fetcher = make(site, now=lambda: datetime(2024, 7, 5, 19, 41), obey_robots=False)
    with pytest.raises(ValueError, match="aware datetime"):
        fetcher.fetch("https://news.example/")
