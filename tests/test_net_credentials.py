"""Credentials in a URL (``https://user:secret@host/``): never shown, sent only to their origin.

Shown: every message the net layer makes masks the password as ``user:***@`` (a user name alone
as ``***@``); each message path has a test here. Kept: no URL the fetcher returns, keeps or hands
to httpx carries them. Sent: HTTP Basic auth to the URL's origin, dropped on a redirect elsewhere.
"""

from __future__ import annotations

import base64
import http.server
import json
import logging
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from marketdesk import cli
from marketdesk.errors import BlockedURLError, FetchError, TooLargeError
from marketdesk.net import CachedResponse, Fetcher, FetchPolicy, FetchStatusError, MemoryCache
from net_support import (
    FakeClock,
    Site,
    base,
    closed_port,
    fail,
    loopback_server,
    make,
    ok,
    raise_from,
    redirect,
    resolve,
    status,
)

SECRET = "s3cret-pw"
USER = "alice"
CREDS = f"{USER}:{SECRET}"
SHOWN = f"{USER}:***"
BASIC = "Basic " + base64.b64encode(CREDS.encode()).decode()


def message_of(info: pytest.ExceptionInfo[BaseException]) -> str:
    text = str(info.value)
    assert SECRET not in text
    return text


def assert_no_secret_logged(caplog: pytest.LogCaptureFixture) -> None:
    assert caplog.records  # the lines looked at exist
    for record in caplog.records:
        assert SECRET not in record.getMessage(), record.getMessage()


@pytest.fixture(scope="module")
def server() -> Iterator[http.server.ThreadingHTTPServer]:
    with loopback_server() as httpd:
        yield httpd


# --- shown: every message path -----------------------------------------------------------------


def test_connection_refused_masks_the_password(caplog: pytest.LogCaptureFixture) -> None:
    port = closed_port()
    clock = FakeClock()
    policy = FetchPolicy(allow_private=True, obey_robots=False, retries=1)
    with (
        caplog.at_level(logging.INFO),
        Fetcher(policy, clock=clock, sleep=clock.sleep) as fetcher,
        pytest.raises(FetchError) as info,
    ):
        fetcher.fetch(f"http://{CREDS}@127.0.0.1:{port}/x")
    assert message_of(info) == (
        f"cannot fetch http://{SHOWN}@127.0.0.1:{port}/x: connection refused by 127.0.0.1:{port}"
        " (gave up after 2 attempts)"
    )
    assert_no_secret_logged(caplog)  # the "retrying in" line
    assert any(f"{SHOWN}@127.0.0.1" in r.getMessage() for r in caplog.records)


def test_status_errors_mask_the_password_in_message_and_log_lines(
    caplog: pytest.LogCaptureFixture,
) -> None:
    site = Site()
    site.route("https://news.example/down", status(503))
    fetcher = make(site, obey_robots=False, min_interval=0)
    with caplog.at_level(logging.INFO), pytest.raises(FetchStatusError) as info:
        fetcher.fetch(f"https://{CREDS}@news.example/down")
    assert message_of(info) == (
        f"HTTP 503 Service Unavailable for https://{SHOWN}@news.example/down (after 4 attempts)"
    )
    assert info.value.url == "https://news.example/down"
    # Our retry lines and httpx's own "HTTP Request: GET ..." lines.
    assert_no_secret_logged(caplog)
    assert {r.name for r in caplog.records} >= {"marketdesk.net.fetcher", "httpx"}


def test_an_invalid_redirect_masks_the_password() -> None:
    site = Site()
    site.route("https://news.example/go", redirect(f"http://bob:{SECRET}@cdn.example:abc/"))
    with pytest.raises(FetchError) as info:
        make(site, obey_robots=False, min_interval=0).fetch(f"https://{CREDS}@news.example/go")
    # httpx refuses the Location itself (RemoteProtocolError) before the fetcher sees it.
    assert message_of(info) == (
        f"cannot fetch https://{SHOWN}@news.example/go: news.example closed the connection or"
        " sent a malformed answer (gave up after 4 attempts)"
    )


def test_the_fetchers_own_invalid_redirect_message_masks_both_urls() -> None:
    # Reached only by a Location that httpx lets through and URL.join refuses; called
    # directly, as httpx currently refuses every such Location first (see above).
    with pytest.raises(FetchError) as info:
        Fetcher._redirect_target(
            httpx.URL(f"https://{CREDS}@news.example/go"), f"http://bob:{SECRET}@cdn.example:abc/"
        )
    assert message_of(info) == (
        f"https://{SHOWN}@news.example/go redirected to an invalid URL: http://***@cdn.example:abc/"
    )


def test_a_redirect_to_another_scheme_masks_both_urls() -> None:
    site = Site()
    site.route("https://news.example/go", redirect(f"ftp://bob:{SECRET}@files.example/x"))
    with pytest.raises(BlockedURLError) as info:
        make(site, obey_robots=False).fetch(f"https://{CREDS}@news.example/go")
    assert message_of(info).startswith(
        f"refused to fetch ftp://bob:***@files.example/x "
        f"(redirected from https://{SHOWN}@news.example/go): the 'ftp' scheme is not allowed"
    )


def test_too_many_redirects_masks_the_password() -> None:
    site = Site()
    site.route("https://news.example/loop", redirect("/loop"))
    with pytest.raises(FetchError) as info:
        make(site, obey_robots=False, min_interval=0).fetch(f"https://{CREDS}@news.example/loop")
    assert (
        message_of(info) == f"cannot fetch https://{SHOWN}@news.example/loop: more than 5 redirects"
    )


def test_robots_forbidding_masks_the_password() -> None:
    site = Site()
    site.route(
        "https://news.example/robots.txt",
        lambda r: httpx.Response(200, text="User-agent: *\nDisallow: /private/\n"),
    )
    with pytest.raises(FetchError) as info:
        make(site).fetch(f"https://{CREDS}@news.example/private/memo")
    assert message_of(info) == (
        f"robots.txt of https://news.example forbids fetching https://{SHOWN}@news.example/private/memo"
    )


def test_unreachable_robots_masks_the_password() -> None:
    site = Site()
    site.route("https://news.example/robots.txt", status(503))
    with pytest.raises(FetchError) as info:
        make(site, min_interval=0).fetch(f"https://{CREDS}@news.example/story")
    text = message_of(info)
    assert text.startswith("robots.txt of https://news.example is unreachable (HTTP 503")
    assert text.endswith(f"RFC 9309 then forbids fetching https://{SHOWN}@news.example/story")


def test_too_large_masks_the_password() -> None:
    site = Site()
    site.route("https://news.example/big", ok(b"x" * 100))
    with pytest.raises(TooLargeError) as info:
        make(site, obey_robots=False, max_bytes=10).fetch(f"https://{CREDS}@news.example/big")
    assert message_of(info) == (
        f"https://{SHOWN}@news.example/big is larger than the 10 bytes limit (FetchPolicy.max_bytes)"
    )


def test_a_blocked_address_masks_the_password() -> None:
    with pytest.raises(BlockedURLError) as info:
        make(Site()).fetch(f"http://{CREDS}@10.0.0.7/admin")
    assert message_of(info).startswith(
        f"refused to fetch http://{SHOWN}@10.0.0.7/admin: 10.0.0.7 is a private address"
    )


def test_a_redirect_to_a_blocked_address_masks_the_password() -> None:
    site = Site()
    site.route("https://news.example/go", redirect(f"http://bob:{SECRET}@internal.example/"))
    with pytest.raises(BlockedURLError) as info:
        make(site, obey_robots=False).fetch(f"https://{CREDS}@news.example/go")
    # Leaving the origin dropped the credentials, and the Location's own are never used.
    assert message_of(info).startswith(
        "refused to fetch http://internal.example/: internal.example resolves to 10.0.0.7"
    )


def test_dns_failure_and_timeouts_mask_the_password() -> None:
    with pytest.raises(FetchError) as info:
        make(Site()).fetch(f"https://{CREDS}@nowhere.invalid/news")
    assert message_of(info) == (
        f"cannot fetch https://{SHOWN}@nowhere.invalid/news: cannot resolve host nowhere.invalid"
    )
    site = Site()
    site.route("https://news.example/", fail(httpx.ReadTimeout("timed out")))
    with pytest.raises(FetchError) as info:
        make(site, obey_robots=False, retries=0).fetch(f"https://{CREDS}@news.example/")
    assert message_of(info) == (
        f"cannot fetch https://{SHOWN}@news.example/: timed out waiting for news.example (30 s)"
    )


def test_tls_failures_mask_the_password() -> None:
    cert_error = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED]")
    cert_error.verify_message = "certificate has expired"
    site = Site()
    site.route("https://news.example/", raise_from(httpx.ConnectError("[SSL]"), cert_error))
    with pytest.raises(FetchError) as info:
        make(site, obey_robots=False).fetch(f"https://{CREDS}@news.example/")
    assert message_of(info).startswith(f"cannot fetch https://{SHOWN}@news.example/: the TLS")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"ftp://{CREDS}@files.example/x", f"refused to fetch ftp://{SHOWN}@files.example/x:"),
        (f"http://{CREDS}@a b.example/", "not a valid URL: 'http://***@a b.example/'"),
        # A "/" in the password ends the authority early, so the URL does not parse at all.
        (f"http://{USER}:pa/{SECRET}@news.example/", "not a valid URL: http://***@news.example/"),
        (f"http://{USER}:pa#{SECRET}@news.example/", "not a valid URL: http://***@news.example/"),
        (f"http://{CREDS}@/story", f"not a valid URL: http://{SHOWN}@/story"),
    ],
)
def test_refused_and_invalid_urls_mask_the_password(url: str, shown: str) -> None:
    with pytest.raises(FetchError) as info:
        make(Site()).fetch(url)
    assert message_of(info).startswith(shown)


def test_a_user_name_alone_is_masked_whole() -> None:
    # A lone user name is usually a token (https://TOKEN@host/).
    site = Site()
    site.route("https://news.example/x", status(404))
    with pytest.raises(FetchStatusError) as info:
        make(site, obey_robots=False).fetch(f"https://{SECRET}@news.example/x")
    assert message_of(info) == "HTTP 404 Not Found for https://***@news.example/x"


def test_the_cli_error_shows_the_fetchers_message_masked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The reproduction: neither the fetcher's message nor the source the CLI names
    # beside it shows the password.
    monkeypatch.delenv("MARKETDESK_ALLOW_PRIVATE_URLS", raising=False)
    (tmp_path / "empty.toml").write_text("")
    monkeypatch.setenv("MARKETDESK_CONFIG", str(tmp_path / "empty.toml"))
    assert cli.main(["extract", f"http://{CREDS}@127.0.0.1:9/x"]) == cli.EXIT_FAILED
    out, err = capsys.readouterr()
    assert SECRET not in out and SECRET not in err
    record = json.loads(out)
    assert record["source"] == f"http://{SHOWN}@127.0.0.1:9/x"
    assert record["error"].startswith(f"refused to fetch http://{SHOWN}@127.0.0.1:9/x: ")


# --- kept: nothing returned or stored carries them ---------------------------------------------


def test_results_documents_and_the_cache_carry_no_credentials() -> None:
    site = Site()
    site.route("https://news.example/old", redirect("/feed"))
    site.route("https://news.example/feed", ok(b"<rss/>", etag='"v1"'), status(304))
    cache = MemoryCache()
    clock = FakeClock()
    fetcher = Fetcher(
        FetchPolicy(obey_robots=False),
        httpx.MockTransport(site),
        clock=clock,
        sleep=clock.sleep,
        resolver=resolve,
        cache=cache,
    )
    result = fetcher.fetch_response(f"https://{CREDS}@news.example/old")
    assert result.url == "https://news.example/feed"
    assert result.requested_url == "https://news.example/old"
    assert result.redirects == ("https://news.example/old",)
    doc = fetcher.fetch(f"https://{CREDS}@news.example/feed")  # answered 304, from the cache
    assert doc.source == doc.url == "https://news.example/feed" and doc.content == b"<rss/>"
    assert cache.get("https://news.example/feed") == CachedResponse(
        b"<rss/>", '"v1"', None, "text/html"
    )
    assert len(cache) == 1
    # The transport, and so httpx's log lines, never saw the userinfo.
    assert all(not r.url.userinfo for r in site.requests)


def test_an_address_as_given_keeps_its_form_without_credentials() -> None:
    site = Site()
    site.route("https://news.example/a", ok())
    fetcher = make(site, obey_robots=False)
    assert fetcher.fetch(" https://news.example/a").source == " https://news.example/a"


# --- sent: Basic auth to their origin only -----------------------------------------------------


def authorizations(site: Site) -> list[tuple[str, str | None]]:
    return [(str(r.url), r.headers.get("authorization")) for r in site.requests]


def test_credentials_are_sent_as_basic_auth_to_their_origin() -> None:
    site = Site()
    site.route("https://news.example/private.xml", ok(b"<rss/>"))
    site.route("https://news.example/robots.txt", status(404))
    make(site).fetch(f"https://{CREDS}@news.example/private.xml")
    assert authorizations(site) == [
        ("https://news.example/robots.txt", None),  # robots.txt is asked without them
        ("https://news.example/private.xml", BASIC),
    ]


def test_percent_encoded_credentials_are_sent_decoded() -> None:
    site = Site()
    site.route("https://news.example/", ok())
    make(site, obey_robots=False).fetch("https://us%40er:p%3Ass@news.example/")
    expected = "Basic " + base64.b64encode(b"us@er:p:ss").decode()
    assert site.requests[0].headers["authorization"] == expected


def test_a_user_name_alone_is_sent_with_an_empty_password() -> None:
    site = Site()
    site.route("https://news.example/", ok())
    make(site, obey_robots=False).fetch("https://tok3n@news.example/")
    assert (
        site.requests[0].headers["authorization"] == "Basic " + base64.b64encode(b"tok3n:").decode()
    )


def test_retries_send_them_again() -> None:
    site = Site()
    site.route("https://news.example/", status(503), ok())
    make(site, obey_robots=False, min_interval=0).fetch(f"https://{CREDS}@news.example/")
    assert [auth for _, auth in authorizations(site)] == [BASIC, BASIC]


def test_a_redirect_within_the_origin_keeps_them() -> None:
    site = Site()
    site.route("https://news.example/a", redirect("/b"))
    site.route("https://news.example/b", redirect("https://news.example:443/c"))
    site.route("https://news.example/c", ok())
    make(site, obey_robots=False).fetch(f"https://{CREDS}@news.example/a")
    assert [auth for _, auth in authorizations(site)] == [BASIC, BASIC, BASIC]


def test_an_upgrade_to_https_on_the_same_host_keeps_them() -> None:
    site = Site()
    site.route("http://news.example/a", redirect("https://news.example/a"))
    site.route("https://news.example/a", ok())
    make(site, obey_robots=False).fetch(f"http://{CREDS}@news.example/a")
    assert [auth for _, auth in authorizations(site)] == [BASIC, BASIC]


@pytest.mark.parametrize(
    "location",
    [
        "https://cdn.example/a",  # another host
        "//cdn.example/a",  # another host, scheme-relative
        "http://news.example/a",  # a downgrade to plain http
        "https://news.example:8443/a",  # another port
        f"https://bob:{SECRET}@cdn.example/a",  # a Location's own userinfo is never used
    ],
)
def test_a_redirect_off_the_origin_drops_them(location: str) -> None:
    site = Site()
    site.route("https://news.example/go", redirect(location))
    for target in ("https://cdn.example/a", "http://news.example/a", "https://news.example:8443/a"):
        site.route(target, ok())
    result = make(site, obey_robots=False).fetch_response(f"https://{CREDS}@news.example/go")
    first, second = authorizations(site)
    assert first[1] == BASIC
    assert second == (result.url, None)
    assert SECRET not in result.url


def test_credentials_once_dropped_do_not_come_back() -> None:
    site = Site()
    site.route("https://news.example/a", redirect("https://cdn.example/b"))
    site.route("https://cdn.example/b", redirect("https://news.example/c"))
    site.route("https://news.example/c", ok())
    make(site, obey_robots=False).fetch(f"https://{CREDS}@news.example/a")
    assert [auth for _, auth in authorizations(site)] == [BASIC, None, None]


def test_a_same_origin_location_with_its_own_userinfo_sends_the_callers() -> None:
    site = Site()
    site.route("https://news.example/a", redirect("https://mallory:other@news.example/b"))
    site.route("https://news.example/b", ok())
    make(site, obey_robots=False).fetch(f"https://{CREDS}@news.example/a")
    assert [auth for _, auth in authorizations(site)] == [BASIC, BASIC]


def test_on_the_wire_only_the_origin_gets_them(server: http.server.ThreadingHTTPServer) -> None:
    server.paths.clear()  # type: ignore[attr-defined]
    server.authorizations.clear()  # type: ignore[attr-defined]
    url = base(server).replace("http://", f"http://{CREDS}@") + "/redirect"
    with Fetcher(FetchPolicy(allow_private=True, min_interval=0)) as fetcher:
        doc = fetcher.fetch(url)
    assert doc.content == b"<h1>Markets</h1>" and doc.source == base(server) + "/redirect"
    sent = list(zip(server.paths, server.authorizations, strict=True))  # type: ignore[attr-defined]
    assert sent == [("/robots.txt", None), ("/redirect", BASIC), ("/page", BASIC)]


def test_no_credentials_no_authorization_header() -> None:
    site = Site()
    site.route("https://news.example/", ok())
    make(site, obey_robots=False).fetch("https://news.example/")
    assert "authorization" not in site.requests[0].headers
