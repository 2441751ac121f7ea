"""Retries: which failures are retried, the backoff, Retry-After, and the messages when the
retries give up.
"""

from __future__ import annotations

import email.utils
import socket
import ssl
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from marketdesk.errors import FetchError
from marketdesk.net import FetchStatusError
from marketdesk.net.retry import retry_after
from net_support import FakeClock, Site, fail, make, ok, raise_from, status


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


# --- the injected wall clock -------------------------------------------------------------------

NOON = datetime(2024, 7, 5, 12, 0, tzinfo=UTC)


def http_date(when: datetime) -> str:
    return email.utils.format_datetime(when, usegmt=True)


def test_retry_after_reads_seconds_and_dates_relative_to_now() -> None:
    assert retry_after(None, NOON) is None
    assert retry_after(" 7 ", NOON) == 7.0
    assert retry_after(http_date(NOON + timedelta(seconds=20)), NOON) == 20.0
    assert retry_after(http_date(NOON - timedelta(hours=1)), NOON) == 0.0
    assert retry_after("Fri, 05 Jul 2024 12:00:30", NOON) == 30.0  # no zone: taken as UTC
    assert retry_after("soon", NOON) is None


def test_a_retry_after_date_is_measured_from_the_injected_now() -> None:
    # The date is years away from the real clock; only the injected now makes it 20 s.
    clock = FakeClock()
    site = Site()
    site.route(
        "https://api.example/q",
        status(503, **{"retry-after": http_date(NOON + timedelta(seconds=20))}),
        ok(b"{}"),
    )
    fetcher = make(site, clock, now=lambda: NOON, obey_robots=False, min_interval=0)
    assert fetcher.fetch("https://api.example/q").content == b"{}"
    assert clock.sleeps == [20.0]


def test_a_retry_after_date_in_the_past_of_the_injected_now_retries_at_once() -> None:
    clock = FakeClock()
    site = Site()
    site.route(
        "https://api.example/q",
        status(429, **{"retry-after": http_date(NOON - timedelta(minutes=5))}),
        ok(b"{}"),
    )
    fetcher = make(site, clock, now=lambda: NOON, obey_robots=False, min_interval=0)
    assert fetcher.fetch("https://api.example/q").content == b"{}"
    assert clock.sleeps == [0.0] and len(site.requests) == 2


def test_a_retry_after_date_far_past_the_injected_now_ends_the_retries() -> None:
    clock = FakeClock()
    site = Site()
    site.route(
        "https://api.example/q",
        status(503, **{"retry-after": http_date(NOON + timedelta(hours=1))}),
    )
    fetcher = make(site, clock, now=lambda: NOON, obey_robots=False, min_interval=0)
    with pytest.raises(FetchStatusError, match="retry after 3600 s"):
        fetcher.fetch("https://api.example/q")
    assert len(site.requests) == 1 and clock.sleeps == []
