"""The fetcher: each policy rule against httpx.MockTransport, then end to end on 127.0.0.1.

Nothing here reaches the internet: mock tests use a fake resolver, and the real-socket tests talk
only to a server this file starts on 127.0.0.1.
"""

from __future__ import annotations

import email.utils
import http.server
import random
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from marketdesk.errors import BlockedURLError, FetchError, TooLargeError
from marketdesk.ingest import fetcher as fetcher_module
from marketdesk.ingest.fetcher import (
    DEFAULT_USER_AGENT,
    CachedResponse,
    Fetcher,
    FetchPolicy,
    FetchStatusError,
    MemoryCache,
    address_problem,
)
from marketdesk.model import RawDocument

PUBLIC = "93.184.216.34"
Route = Callable[[httpx.Request], httpx.Response]


class FakeClock:
    """Monotonic time that moves only when something sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def resolve(host: str, port: int) -> list[str]:
    table = {
        "internal.example": ["10.0.0.7"],
        "metadata.example": ["169.254.169.254"],
        "mixed.example": [PUBLIC, "192.168.1.10"],
    }
    if host.endswith(".invalid"):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return table.get(host, [PUBLIC])


class Site:
    """A MockTransport handler: routes by full URL, records every request; others get 404."""

    def __init__(self, clock: FakeClock | None = None) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[httpx.Request] = []
        self.times: list[float] = []
        self.clock = clock

    def route(self, url: str, *responses: Route) -> None:
        """Answer url with the given responses in turn, repeating the last."""
        queue = list(responses)

        def answer(request: httpx.Request) -> httpx.Response:
            return (queue.pop(0) if len(queue) > 1 else queue[0])(request)

        self.routes[url] = answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.clock is not None:
            self.times.append(self.clock.now)
        route = self.routes.get(str(request.url))
        return route(request) if route else httpx.Response(404)

    def hits(self, url: str) -> list[httpx.Request]:
        return [r for r in self.requests if str(r.url) == url]


def ok(body: bytes = b"<p>hello</p>", /, **headers: str) -> Route:
    headers.setdefault("content-type", "text/html; charset=utf-8")
    return lambda request: httpx.Response(200, content=body, headers=headers)


def status(code: int, **headers: str) -> Route:
    return lambda request: httpx.Response(code, headers=headers)


def redirect(location: str, code: int = 302) -> Route:
    return lambda request: httpx.Response(code, headers={"location": location})


def fail(exc: Exception) -> Route:
    def raise_it(request: httpx.Request) -> httpx.Response:
        raise exc

    return raise_it


def make(site: Site, clock: FakeClock | None = None, **policy: Any) -> Fetcher:
    clock = clock or site.clock or FakeClock()
    return Fetcher(
        FetchPolicy(**policy),
        httpx.MockTransport(site),
        clock=clock,
        sleep=clock.sleep,
        resolver=resolve,
        rng=random.Random(7),
    )


# --- the basics ------------------------------------------------------------------------------


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


# --- size cap --------------------------------------------------------------------------------


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


# --- retries ---------------------------------------------------------------------------------


def test_5xx_is_retried_with_growing_jittered_backoff() -> None:
    clock = FakeClock()
    site = Site()
    site.route("https://news.example/", status(503), status(502), status(500), ok(b"finally"))
    fetcher = make(site, clock, obey_robots=False, min_interval=0)
    assert fetcher.fetch("https://news.example/").content == b"finally"
    assert len(site.requests) == 4
    first, second, third = clock.sleeps
    assert 0.25 <= first <= 0.5 and 0.5 <= second <= 1.0 and 1.0 <= third <= 2.0


def test_retry_after_in_seconds_is_honoured() -> None:
    clock = FakeClock()
    site = Site()
    site.route("https://api.example/q", status(429, **{"retry-after": "7"}), ok(b"{}"))
    fetcher = make(site, clock, obey_robots=False, min_interval=0)
    assert fetcher.fetch("https://api.example/q").content == b"{}"
    assert clock.sleeps == [7.0]


def test_retry_after_as_an_http_date_is_honoured() -> None:
    clock = FakeClock()
    when = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=20), usegmt=True)
    site = Site()
    site.route("https://api.example/q", status(503, **{"retry-after": when}), ok())
    make(site, clock, obey_robots=False, min_interval=0).fetch("https://api.example/q")
    assert len(clock.sleeps) == 1 and 17 <= clock.sleeps[0] <= 20


def test_retry_after_beyond_the_cap_ends_the_retries() -> None:
    clock = FakeClock()
    site = Site()
    site.route("https://api.example/q", status(429, **{"retry-after": "3600"}))
    fetcher = make(site, clock, obey_robots=False, min_interval=0)
    with pytest.raises(FetchStatusError, match="retry after 3600 s") as info:
        fetcher.fetch("https://api.example/q")
    assert info.value.status == 429
    assert len(site.requests) == 1 and clock.sleeps == []


def test_gives_up_after_the_retries_with_status_and_url() -> None:
    site = Site()
    site.route("https://news.example/down", status(500))
    with pytest.raises(FetchStatusError) as info:
        make(site, obey_robots=False, min_interval=0).fetch("https://news.example/down")
    message = str(info.value)
    assert "HTTP 500 Internal Server Error" in message
    assert "https://news.example/down" in message and "after 4 attempts" in message
    assert info.value.status == 500 and info.value.url == "https://news.example/down"
    assert isinstance(info.value, FetchError)
    assert len(site.requests) == 4


def test_client_errors_are_not_retried() -> None:
    site = Site()
    with pytest.raises(FetchStatusError, match=r"HTTP 404 Not Found for https://news\.example/x"):
        make(site, obey_robots=False).fetch("https://news.example/x")
    assert len(site.requests) == 1


def test_connect_errors_are_retried() -> None:
    site = Site()
    site.route(
        "https://news.example/",
        fail(httpx.ConnectError("boom")),
        fail(httpx.ConnectTimeout("slow")),
        ok(b"up"),
    )
    assert make(site, obey_robots=False, min_interval=0).fetch("https://news.example/").content
    assert len(site.requests) == 3


def test_timeouts_give_a_human_message() -> None:
    site = Site()
    site.route("https://news.example/", fail(httpx.ReadTimeout("The read operation timed out")))
    with pytest.raises(FetchError) as info:
        make(site, obey_robots=False, min_interval=0).fetch("https://news.example/")
    assert str(info.value) == (
        "cannot fetch https://news.example/: timed out waiting for news.example (30 s)"
        " (gave up after 4 attempts)"
    )
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)


def test_dns_failure_gives_a_human_message() -> None:
    site = Site()
    with pytest.raises(FetchError) as info:
        make(site).fetch("https://nowhere.invalid/news")
    assert str(info.value) == (
        "cannot fetch https://nowhere.invalid/news: cannot resolve host nowhere.invalid"
    )
    assert site.requests == []


def raise_from(exc: Exception, cause: BaseException) -> Route:
    def raise_it(request: httpx.Request) -> httpx.Response:
        raise exc from cause

    return raise_it


def test_resolver_failure_inside_the_transport_is_named_and_final() -> None:
    site = Site()
    gaierror = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    site.route("http://feeds.example/", raise_from(httpx.ConnectError("[Errno -2]"), gaierror))
    fetcher = make(site, allow_private=True, obey_robots=False)
    with pytest.raises(FetchError) as info:
        fetcher.fetch("http://feeds.example/")
    assert (
        str(info.value) == "cannot fetch http://feeds.example/: cannot resolve host feeds.example"
    )
    assert len(site.requests) == 1


def test_bad_certificates_are_named_and_final() -> None:
    cert_error = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED]")
    cert_error.verify_message = "certificate has expired"
    site = Site()
    site.route("https://news.example/", raise_from(httpx.ConnectError("[SSL]"), cert_error))
    with pytest.raises(FetchError) as info:
        make(site, obey_robots=False).fetch("https://news.example/")
    assert str(info.value) == (
        "cannot fetch https://news.example/: the TLS certificate of news.example is not valid"
        " (certificate has expired)"
    )
    assert len(site.requests) == 1


# --- robots.txt ------------------------------------------------------------------------------

ROBOTS = "https://news.example/robots.txt"


def robots(text: str) -> Route:
    return lambda r: httpx.Response(200, text=text, headers={"content-type": "text/plain"})


def test_robots_disallow_is_obeyed() -> None:
    site = Site()
    site.route(ROBOTS, robots("User-agent: *\nDisallow: /private/\n"))
    site.route("https://news.example/public", ok())
    fetcher = make(site)
    assert fetcher.fetch("https://news.example/public").content
    with pytest.raises(FetchError, match=r"robots\.txt of https://news\.example forbids fetching"):
        fetcher.fetch("https://news.example/private/memo")
    assert site.hits("https://news.example/private/memo") == []
    assert len(site.hits(ROBOTS)) == 1  # cached per origin


def test_robots_group_for_our_product_token_applies() -> None:
    site = Site()
    site.route(ROBOTS, robots("User-agent: marketdesk\nDisallow: /\n\nUser-agent: *\nAllow: /\n"))
    with pytest.raises(FetchError, match="forbids"):
        make(site).fetch("https://news.example/story")


@pytest.mark.parametrize("code", [401, 403, 404, 410])
def test_robots_4xx_means_allowed(code: int) -> None:
    site = Site()
    site.route(ROBOTS, status(code))
    site.route("https://news.example/story", ok(b"ok"))
    assert make(site).fetch("https://news.example/story").content == b"ok"


@pytest.mark.parametrize("code", [500, 503, 429])
def test_robots_5xx_means_disallowed(code: int) -> None:
    site = Site()
    site.route(ROBOTS, status(code))
    site.route("https://news.example/story", ok())
    with pytest.raises(
        FetchError, match=f"robots.txt of https://news.example is unreachable.*{code}"
    ):
        make(site, min_interval=0).fetch("https://news.example/story")
    assert site.hits("https://news.example/story") == []
    assert len(site.hits(ROBOTS)) == 4  # robots.txt gets the usual retries first


def test_unreachable_robots_means_disallowed() -> None:
    site = Site()
    site.route(ROBOTS, fail(httpx.ConnectError("refused")))
    with pytest.raises(FetchError, match="unreachable"):
        make(site, min_interval=0).fetch("https://news.example/story")
    assert site.hits("https://news.example/story") == []


def test_robots_are_kept_per_origin_and_expire() -> None:
    clock = FakeClock()
    site = Site()
    site.route(ROBOTS, robots("User-agent: *\nAllow: /\n"))
    site.route("https://news.example/a", ok())
    site.route("http://news.example/a", ok())
    fetcher = make(site, clock, robots_ttl=3600)
    fetcher.fetch("https://news.example/a")
    fetcher.fetch("https://news.example/a")
    fetcher.fetch("http://news.example/a")  # another origin, so its own robots.txt
    assert len(site.hits(ROBOTS)) == 1
    assert len(site.hits("http://news.example/robots.txt")) == 1
    clock.now += 3601
    fetcher.fetch("https://news.example/a")
    assert len(site.hits(ROBOTS)) == 2


def test_crawl_delay_widens_the_interval() -> None:
    clock = FakeClock()
    site = Site(clock)
    site.route(ROBOTS, robots("User-agent: *\nCrawl-delay: 5\n"))
    site.route("https://news.example/a", ok())
    fetcher = make(site, clock)
    fetcher.fetch("https://news.example/a")
    fetcher.fetch("https://news.example/a")
    assert [b - a for a, b in zip(site.times, site.times[1:], strict=False)] == [1.0, 5.0]


def test_robots_of_a_redirect_target_are_checked() -> None:
    site = Site()
    site.route("https://news.example/go", redirect("https://other.example/story"))
    site.route("https://other.example/robots.txt", robots("User-agent: *\nDisallow: /\n"))
    with pytest.raises(FetchError, match=r"robots\.txt of https://other\.example forbids"):
        make(site).fetch("https://news.example/go")
    assert site.hits("https://other.example/story") == []


# --- conditional GET -------------------------------------------------------------------------


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


# --- redirects and address checks ------------------------------------------------------------


def test_redirects_are_followed() -> None:
    site = Site()
    site.route("https://news.example/old", redirect("/mid", 301))
    site.route("https://news.example/mid", redirect("https://www.news.example/new", 308))
    site.route("https://www.news.example/new", ok(b"new"))
    result = make(site, obey_robots=False).fetch_response("https://news.example/old")
    assert result.url == "https://www.news.example/new" and result.content == b"new"
    assert result.redirects == ("https://news.example/old", "https://news.example/mid")
    assert result.to_document().source == "https://news.example/old"


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.7/admin",
        "http://127.0.0.1:8080/",
        "http://[::ffff:127.0.0.1]/",
        "http://internal.example/",
        "http://metadata.example/latest/meta-data/",
    ],
)
def test_a_redirect_to_a_private_address_is_refused(target: str) -> None:
    site = Site()
    site.route("https://news.example/go", redirect(target))
    with pytest.raises(BlockedURLError, match="--allow-private"):
        make(site, obey_robots=False).fetch("https://news.example/go")
    assert [str(r.url) for r in site.requests] == ["https://news.example/go"]


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


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.1.2.3/",
        "http://172.16.0.1/",
        "http://192.168.0.1/",
        "http://169.254.169.254/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
        "http://[::1]/",
        "http://[::]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[ff02::1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[2002:7f00:1::]/",
        "http://[64:ff9b::a00:1]/",
        "http://internal.example/",
        "http://mixed.example/",  # one private address among public ones is enough
    ],
)
def test_non_public_addresses_are_refused(url: str) -> None:
    site = Site()
    with pytest.raises(BlockedURLError, match="refused to fetch"):
        make(site).fetch(url)
    assert site.requests == []


def test_private_addresses_pass_when_allowed() -> None:
    site = Site()
    site.route("http://10.1.2.3/status", ok(b"fine"))
    fetcher = make(site, allow_private=True, obey_robots=False)
    assert fetcher.fetch("http://10.1.2.3/status").content == b"fine"


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        (PUBLIC, None),
        ("2606:2800:220:1:248:1893:25c8:1946", None),
        ("127.0.0.1", "loopback"),
        ("::ffff:127.0.0.1", "loopback (IPv4-mapped)"),
        ("10.0.0.1", "private"),
        ("169.254.1.1", "link-local"),
        ("239.1.1.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "non-public"),
    ],
)
def test_address_problem(address: str, problem: str | None) -> None:
    assert address_problem(address) == problem


@pytest.mark.parametrize("url", ["ftp://news.example/", "file:///etc/passwd", "javascript:x()"])
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(BlockedURLError, match="only http and https"):
        make(Site()).fetch(url)


@pytest.mark.parametrize("url", ["", "news.example/story", "http:///story", "http://a b.example/"])
def test_bad_urls_are_reported(url: str) -> None:
    with pytest.raises(FetchError, match=r"^not a valid URL: ") as info:
        make(Site()).fetch(url)
    assert not isinstance(info.value, BlockedURLError)


# --- rate limit ------------------------------------------------------------------------------


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


# --- end to end on 127.0.0.1 -----------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    paths: list[str]

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.server.paths.append(self.path)  # type: ignore[attr-defined]
        if self.path == "/robots.txt":
            self._send(200, b"User-agent: *\nDisallow: /secret\n", "text/plain")
        elif self.path == "/page":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                self.end_headers()
                return
            self._send(200, b"<h1>Markets</h1>", "text/html; charset=utf-8", etag='"v1"')
        elif self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/page")
            self.end_headers()
        elif self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"z" * 1024)
            except OSError:
                pass  # the fetcher hung up, as it should
        else:
            self._send(404, b"no", "text/plain")

    def _send(self, code: int, body: bytes, media_type: str, etag: str | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server() -> Iterator[http.server.ThreadingHTTPServer]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.paths = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def base(server: http.server.ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


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


def test_default_policy_refuses_loopback(server: http.server.ThreadingHTTPServer) -> None:
    server.paths.clear()  # type: ignore[attr-defined]
    port = server.server_address[1]
    with Fetcher() as fetcher:
        with pytest.raises(BlockedURLError, match=r"127\.0\.0\.1 is a loopback address"):
            fetcher.fetch(f"http://127.0.0.1:{port}/page")
        with pytest.raises(BlockedURLError, match=r"localhost resolves to .*loopback"):
            fetcher.fetch(f"http://localhost:{port}/page")
    assert server.paths == []  # type: ignore[attr-defined]


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


def test_default_transport_refuses_a_rebound_address(
    server: http.server.ThreadingHTTPServer,
) -> None:
    # DNS rebinding: public when the fetcher checks, loopback when the transport connects.
    answers = iter([[PUBLIC], ["127.0.0.1"]])
    server.paths.clear()  # type: ignore[attr-defined]
    policy = FetchPolicy(obey_robots=False, retries=0)
    with (
        Fetcher(policy, resolver=lambda host, port: next(answers)) as fetcher,
        pytest.raises(BlockedURLError, match=r"refused to connect to rebind\.test"),
    ):
        fetcher.fetch(f"http://rebind.test:{server.server_address[1]}/page")
    assert server.paths == []  # type: ignore[attr-defined]


def test_default_transport_pins_checked_addresses(
    server: http.server.ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the address rule relaxed, a name only our resolver knows still reaches the server:
    # the transport connects to the address that was checked, not to a second lookup.
    monkeypatch.setattr(fetcher_module, "address_problem", lambda address: None)
    server.paths.clear()  # type: ignore[attr-defined]
    policy = FetchPolicy(obey_robots=False, retries=0)
    with Fetcher(policy, resolver=lambda host, port: ["127.0.0.1"]) as fetcher:
        doc = fetcher.fetch(f"http://pinned.test:{server.server_address[1]}/page")
    assert doc.content == b"<h1>Markets</h1>"
    assert server.paths == ["/page"]  # type: ignore[attr-defined]
