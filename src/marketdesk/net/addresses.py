"""The address policy: which IP addresses are public, and a transport that connects only to them.

A host is resolved and every address it resolves to must be public; the pinned transport checks
again when it connects and connects to exactly the addresses it checked, so a DNS answer that
changes in between (DNS rebinding) cannot reach an internal address.

A caller may exempt exact origins, ``(host, port)`` pairs, for the duration of one request
(``exempt_origins``): a source the user added with ``--allow-private`` reaches its own host and
port, and nothing else that is private, also when a redirect or a link leads elsewhere. The
exemption lives in a context variable, so the transport, which connects in the caller's thread,
sees the same set as the fetcher's own checks.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

from marketdesk.errors import BlockedURLError, FetchError

__all__ = [
    "IPAddress",
    "Resolver",
    "address_problem",
    "exempt_origins",
    "pinned_transport",
    "resolve_public",
    "system_resolver",
]

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

Resolver = Callable[[str, int], Sequence[str]]
"""``(host, port) -> IP address strings``; raises OSError (socket.gaierror) when it cannot."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

Origin = tuple[str, int]  # (host as sent to DNS, lower case; port)

_EXEMPT: ContextVar[frozenset[Origin]] = ContextVar(
    "marketdesk_exempt_origins", default=frozenset()
)


@contextlib.contextmanager
def exempt_origins(origins: Iterable[Origin]) -> Iterator[None]:
    """Within the block, these exact (host, port) pairs pass the address rule."""
    token = _EXEMPT.set(_EXEMPT.get() | {(h.lower(), p) for h, p in origins})
    try:
        yield
    finally:
        _EXEMPT.reset(token)


def system_resolver(host: str, port: int) -> list[str]:
    """Every address ``getaddrinfo`` gives for host, in its order, without repeats."""
    seen: dict[str, None] = {}
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        seen.setdefault(str(sockaddr[0]), None)
    return list(seen)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> Iterator[tuple[ipaddress.IPv4Address, str]]:
    if ip.ipv4_mapped is not None:
        yield ip.ipv4_mapped, "IPv4-mapped"
    if ip.sixtofour is not None:
        yield ip.sixtofour, "6to4"
    if ip.teredo is not None:
        yield ip.teredo[1], "Teredo"
    if ip in _NAT64:
        yield ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), "NAT64"


def address_problem(address: str | IPAddress) -> str | None:
    """Why an address is not public ('loopback', 'private', ...), or None when it is.

    Raises ValueError when ``address`` is not an IP address.
    """
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        # The wrapped IPv4 address is where the packets go, so it decides.
        for inner, how in _embedded_ipv4(ip):
            problem = address_problem(inner)
            if problem is not None:
                return f"{problem} ({how})"
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("site-local", isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local),
        # Catches what the flags above miss, such as 100.64.0.0/10 (carrier-grade NAT).
        ("non-public", not ip.is_global),
    )
    for name, hit in checks:
        if hit:
            return name
    return None


def resolve_public(host: str, port: int, resolver: Resolver, action: str) -> list[str]:
    """The addresses of host, every one public (or the origin exempt), or an exception naming
    ``action``."""
    exempt = (host.lower(), port) in _EXEMPT.get()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        try:
            candidates = list(resolver(host, port))
        except (OSError, UnicodeError) as exc:
            raise FetchError(f"cannot {action}: cannot resolve host {host}") from exc
        if not candidates:
            raise FetchError(f"cannot {action}: cannot resolve host {host}") from None
    else:
        candidates = [host]
    for candidate in candidates:
        if exempt:
            break
        try:
            problem = address_problem(candidate)
        except ValueError:
            raise FetchError(f"cannot {action}: {host} resolved to {candidate!r}") from None
        if problem is not None:
            via = "" if candidate == host else f" resolves to {candidate}, which"
            raise BlockedURLError(
                f"refused to {action}: {host}{via} is a {problem} address; non-public "
                "addresses are refused unless allowed (marketdesk --allow-private, or "
                "MARKETDESK_ALLOW_PRIVATE_URLS=1)"
            )
    return candidates


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects only to checked addresses, and to exactly the addresses it checked."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolver = resolver
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve_public(host, port, self._resolver, f"connect to {host}:{port}")
        failure: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except httpcore.ConnectError as exc:
                failure = exc
        assert failure is not None  # resolve_public never returns an empty list
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("the fetcher does not use unix sockets")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def pinned_transport(resolver: Resolver = system_resolver) -> httpx.HTTPTransport:
    """An httpx transport that refuses non-public addresses at connect time.

    TLS still verifies the certificate against the host name (httpcore sends it as SNI).
    """
    transport = httpx.HTTPTransport()
    limits = httpx.Limits()
    # httpx has no public hook for the network backend, so its pool is replaced by an equal one
    # that has ours. httpx is pinned; test_default_transport_pins_checked_addresses guards this.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_PinnedBackend(resolver),
    )
    return transport
