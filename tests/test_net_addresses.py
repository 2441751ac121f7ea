"""The address policy: non-public addresses refused (also behind redirects and DNS rebinding),
and the pinned transport connecting to exactly the addresses it checked.
"""

from __future__ import annotations

import http.server
from collections.abc import Iterator

import pytest

from marketdesk.errors import BlockedURLError, FetchError
from marketdesk.net import Fetcher, FetchPolicy, address_problem
from marketdesk.net import addresses as addresses_module
from net_support import PUBLIC, Site, loopback_server, make, ok, redirect


@pytest.fixture(scope="module")
def server() -> Iterator[http.server.ThreadingHTTPServer]:
    with loopback_server() as httpd:
        yield httpd


def test_dns_failure_gives_a_human_message() -> None:
    site = Site()
    with pytest.raises(FetchError) as info:
        make(site).fetch("https://nowhere.invalid/news")
    assert str(info.value) == (
        "cannot fetch https://nowhere.invalid/news: cannot resolve host nowhere.invalid"
    )
    assert site.requests == []


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


def test_default_policy_refuses_loopback(server: http.server.ThreadingHTTPServer) -> None:
    server.paths.clear()  # type: ignore[attr-defined]
    port = server.server_address[1]
    with Fetcher() as fetcher:
        with pytest.raises(BlockedURLError, match=r"127\.0\.0\.1 is a loopback address"):
            fetcher.fetch(f"http://127.0.0.1:{port}/page")
        with pytest.raises(BlockedURLError, match=r"localhost resolves to .*loopback"):
            fetcher.fetch(f"http://localhost:{port}/page")
    assert server.paths == []  # type: ignore[attr-defined]


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
    monkeypatch.setattr(addresses_module, "address_problem", lambda address: None)
    server.paths.clear()  # type: ignore[attr-defined]
    policy = FetchPolicy(obey_robots=False, retries=0)
    with Fetcher(policy, resolver=lambda host, port: ["127.0.0.1"]) as fetcher:
        doc = fetcher.fetch(f"http://pinned.test:{server.server_address[1]}/page")
    assert doc.content == b"<h1>Markets</h1>"
    assert server.paths == ["/page"]  # type: ignore[attr-defined]
