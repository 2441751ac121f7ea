"""robots.txt: RFC 9309 verdicts per answer, the cache per origin, Crawl-delay, redirect hops."""

from __future__ import annotations

import httpx
import pytest

from marketdesk.errors import FetchError
from net_support import FakeClock, Route, Site, fail, make, ok, redirect, status

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
