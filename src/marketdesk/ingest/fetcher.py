"""The one outbound HTTP fetcher.

Every request marketdesk makes (web pages, feeds, robots.txt, market data providers) goes through
a :class:`Fetcher`, so the rules below hold everywhere. The network is reached through one seam, an
``httpx.BaseTransport``: by default a transport that connects only to addresses it has checked;
tests pass ``httpx.MockTransport`` or talk to a server on 127.0.0.1.

    with Fetcher() as fetcher:
        doc = fetcher.fetch("https://example.com/news/story.html")  # -> RawDocument

Policy (:class:`FetchPolicy`; defaults in brackets)
---------------------------------------------------

* Schemes: ``http`` and ``https`` only.
* Addresses [allow_private=False]: the host is resolved with ``getaddrinfo`` and every address it
  resolves to must be public. Loopback, private, link-local, shared (100.64.0.0/10), multicast,
  reserved and unspecified addresses are refused, also when carried inside IPv6 (IPv4-mapped,
  6to4, Teredo, NAT64). The check runs on every redirect hop. The default transport checks again
  when it connects and connects to exactly the addresses it checked, so a DNS answer that changes
  in between (DNS rebinding) cannot reach an internal address.
* Redirects [max_redirects=5]: followed by the fetcher itself, one hop at a time; every hop is
  checked against the address rule and robots.txt.
* robots.txt [obey_robots=True]: fetched once per origin (scheme, host, port), kept for
  robots_ttl [24 h], read with ``urllib.robotparser`` under the product token of the User-Agent
  ("marketdesk"). As RFC 9309 says: a 2xx answer is parsed; 4xx means there are no rules; 5xx,
  429 and an unreachable server mean everything is disallowed (that verdict is kept 5 minutes).
  Redirects of robots.txt are followed (5 at most, else no rules). Only the first 500 KiB is read.
  A Crawl-delay for us raises the host's interval, up to max_crawl_delay [60 s]. Note that
  ``urllib.robotparser`` applies the first matching rule, not the longest as RFC 9309 does; it
  errs towards disallowing.
* Rate [min_interval=1 s]: requests to one host start at least this far apart, across threads.
* Timeouts [connect_timeout=10 s, timeout=30 s]: ``timeout`` bounds each socket read and the whole
  of one attempt, from sending the request to the last byte of the body.
* Size [max_bytes=20 MiB]: a Content-Length above the cap is refused before the body is read;
  otherwise the decoded body is streamed and the transfer stops as soon as it passes the cap.
* Retries [retries=3, so at most 4 attempts]: on connection errors, timeouts, 429 and 5xx, with
  exponential backoff (backoff_base [0.5 s] doubling per attempt, at most backoff_max [30 s]) and
  jitter (each wait is 50-100 % of that). A Retry-After header (seconds or an HTTP date) replaces
  the backoff; one asking for more than max_retry_after [120 s] ends the retries instead, since
  coming back sooner than asked would not honour it.
* Conditional GET [conditional_get=True]: the ETag and Last-Modified of a 2xx answer are kept with
  its body in a :class:`ConditionalCache` (:class:`MemoryCache` by default); the next request for
  that URL sends If-None-Match / If-Modified-Since, and a 304 answer gives back the kept body with
  ``FetchResult.from_cache`` (alias ``not_modified``) set.

Exceptions
----------

Every failure is one of the :mod:`marketdesk.errors` exceptions, with a message fit to show a user
as it is; the underlying httpx or socket exception, if any, is kept as ``__cause__``::

    MarketdeskError
    ├── FetchError              the request failed: not a valid URL, the host cannot be resolved,
    │   │                       connection refused, timeout, TLS failure, too many redirects,
    │   │                       robots.txt forbids the URL (or is unreachable)
    │   ├── FetchStatusError    the server answered with a status other than 2xx (after the
    │   │                       retries); has .status and .url
    │   └── BlockedURLError     refused by policy before any connection: a scheme other than
    │                           http/https, or a host with a non-public address
    └── InputError
        └── TooLargeError       the body is larger than max_bytes

``FetchPolicy(...)`` raises ``ValueError`` for a setting out of range.
"""

from __future__ import annotations

import email.utils
import ipaddress
import logging
import random
import socket
import ssl
import threading
import time
import urllib.robotparser
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Protocol, Self

import httpcore
import httpx

from marketdesk import __version__
from marketdesk.errors import BlockedURLError, FetchError, TooLargeError
from marketdesk.model import RawDocument

__all__ = [
    "ALLOWED_SCHEMES",
    "DEFAULT_USER_AGENT",
    "CachedResponse",
    "ConditionalCache",
    "FetchPolicy",
    "FetchResult",
    "FetchStatusError",
    "Fetcher",
    "MemoryCache",
    "Resolver",
    "address_problem",
    "pinned_transport",
    "system_resolver",
]

log = logging.getLogger(__name__)

MiB = 1024 * 1024
DEFAULT_USER_AGENT = f"marketdesk/{__version__} (+https://github.com/marketdesk)"
ALLOWED_SCHEMES = frozenset({"http", "https"})
ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB
_ROBOTS_FAILURE_TTL = 300.0  # an unreachable robots.txt is asked again after this, not a day
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

Resolver = Callable[[str, int], Sequence[str]]
"""``(host, port) -> IP address strings``; raises OSError (socket.gaierror) when it cannot."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """What the fetcher may do; see the module docstring for each rule."""

    connect_timeout: float = 10.0
    timeout: float = 30.0
    max_bytes: int = 20 * MiB
    user_agent: str = DEFAULT_USER_AGENT
    allow_private: bool = False
    max_redirects: int = 5
    obey_robots: bool = True
    robots_ttl: float = 24 * 3600.0
    max_crawl_delay: float = 60.0
    min_interval: float = 1.0
    retries: int = 3
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_retry_after: float = 120.0
    conditional_get: bool = True

    def __post_init__(self) -> None:
        for name in ("connect_timeout", "timeout", "max_bytes", "robots_ttl"):
            if not getattr(self, name) > 0:
                raise ValueError(f"FetchPolicy.{name} must be positive, not {getattr(self, name)}")
        for name in (
            "max_redirects",
            "max_crawl_delay",
            "min_interval",
            "retries",
            "backoff_base",
            "backoff_max",
            "max_retry_after",
        ):
            if not getattr(self, name) >= 0:
                raise ValueError(
                    f"FetchPolicy.{name} must not be negative, not {getattr(self, name)}"
                )
        if not self.user_agent.strip():
            raise ValueError("FetchPolicy.user_agent must not be empty")


class FetchStatusError(FetchError):
    """The server answered with a status other than 2xx, after any retries."""

    def __init__(self, message: str, *, status: int, url: str) -> None:
        super().__init__(message)
        self.status = status
        self.url = url


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One completed fetch. ``status`` is 2xx, or 304 when the body came from the cache."""

    url: str  # final URL, after redirects
    status: int
    headers: httpx.Headers
    content: bytes
    media_type: str | None  # Content-Type without parameters, lower case
    fetched_at: datetime  # aware, UTC
    requested_url: str
    redirects: tuple[str, ...] = ()  # every URL that answered with a redirect, in order
    from_cache: bool = False

    @property
    def not_modified(self) -> bool:
        return self.from_cache

    def to_document(self, source: str | None = None) -> RawDocument:
        return RawDocument(
            source=self.requested_url if source is None else source,
            content=self.content,
            fetched_at=self.fetched_at,
            media_type=self.media_type,
            url=self.url,
        )


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """What conditional GET keeps of a response."""

    content: bytes
    etag: str | None = None
    last_modified: str | None = None
    media_type: str | None = None


class ConditionalCache(Protocol):
    """Storage for conditional GET, keyed by URL. Implementations must be thread-safe."""

    def get(self, url: str) -> CachedResponse | None: ...

    def put(self, url: str, entry: CachedResponse) -> None: ...


class MemoryCache:
    """A ConditionalCache in memory, least recently used first out.

    Bounded, so that a long-running ingest does not keep every page it ever saw.
    """

    def __init__(self, max_entries: int = 512) -> None:
        if max_entries < 1:
            raise ValueError("MemoryCache.max_entries must be at least 1")
        self._max = max_entries
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, url: str) -> CachedResponse | None:
        with self._lock:
            entry = self._entries.get(url)
            if entry is not None:
                self._entries.move_to_end(url)
            return entry

    def put(self, url: str, entry: CachedResponse) -> None:
        with self._lock:
            self._entries[url] = entry
            self._entries.move_to_end(url)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


# --- addresses -------------------------------------------------------------------------------


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


def _resolve_public(host: str, port: int, resolver: Resolver, action: str) -> list[str]:
    """The addresses of host, every one public, or an exception naming ``action``."""
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
        addresses = _resolve_public(host, port, self._resolver, f"connect to {host}:{port}")
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
        assert failure is not None  # _resolve_public never returns an empty list
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


# --- helpers ---------------------------------------------------------------------------------


def _parse_url(raw: str) -> httpx.URL:
    text = raw.strip()
    # httpx would percent-encode a space inside the host rather than refuse it.
    if any(c.isspace() or ord(c) < 32 for c in text):
        raise FetchError(f"not a valid URL: {raw!r}")
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise FetchError(f"not a valid URL: {raw}") from None
    _check_scheme(url, raw)
    return url


def _check_scheme(url: httpx.URL, shown: str) -> None:
    if url.scheme and url.scheme not in ALLOWED_SCHEMES:
        raise BlockedURLError(
            f"refused to fetch {shown}: the {url.scheme!r} scheme is not allowed "
            "(only http and https)"
        )
    if not url.scheme or not url.host:
        raise FetchError(f"not a valid URL: {shown} (an absolute http or https URL is needed)")


def _default_port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


def _origin(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.netloc.decode('ascii')}"


def _media_type(headers: httpx.Headers) -> str | None:
    value = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return value or None


def _size(n: int) -> str:
    return f"{n // MiB} MiB" if n % MiB == 0 else f"{n} bytes"


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for, or None when absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _describe(exc: httpx.RequestError, url: httpx.URL, policy: FetchPolicy) -> tuple[str, bool]:
    """A message for a transport failure, and whether another attempt may help."""
    host, port = url.host, _default_port(url)
    prefix = f"cannot fetch {url}"
    if isinstance(exc, httpx.ConnectTimeout):
        return f"{prefix}: timed out connecting to {host} ({policy.connect_timeout:g} s)", True
    if isinstance(exc, httpx.TimeoutException):
        return f"{prefix}: timed out waiting for {host} ({policy.timeout:g} s)", True
    if isinstance(exc, httpx.ConnectError):
        causes = list(_causes(exc))
        for cause in causes:
            if isinstance(cause, socket.gaierror):
                # EAI_AGAIN is the resolver saying "try again later"; a missing name is final.
                return f"{prefix}: cannot resolve host {host}", cause.errno == socket.EAI_AGAIN
        for cause in causes:
            if isinstance(cause, ConnectionRefusedError):
                return f"{prefix}: connection refused by {host}:{port}", True
            if isinstance(cause, ssl.SSLCertVerificationError):
                reason = cause.verify_message or "verification failed"
                return f"{prefix}: the TLS certificate of {host} is not valid ({reason})", False
            if isinstance(cause, ssl.SSLError):
                reason = cause.reason or "unknown reason"
                return f"{prefix}: the TLS handshake with {host} failed ({reason})", False
        for cause in causes:
            if isinstance(cause, OSError) and cause.strerror:
                return f"{prefix}: cannot connect to {host}:{port} ({cause.strerror})", True
        return f"{prefix}: cannot connect to {host}:{port}", True
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"{prefix}: {host} closed the connection or sent a malformed answer", True
    if isinstance(exc, httpx.NetworkError):
        return f"{prefix}: the connection to {host} broke off", True
    if isinstance(exc, httpx.DecodingError):
        return f"{prefix}: the body cannot be decoded (bad Content-Encoding)", False
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"not a valid URL: {url}", False
    return f"{prefix}: the request failed ({type(exc).__name__})", False


class _AttemptFailed(Exception):
    def __init__(self, message: str, retryable: bool) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable


class _TooManyRedirects(FetchError):
    pass


@dataclass(frozen=True, slots=True)
class _Reply:
    url: httpx.URL
    status: int
    reason: str
    headers: httpx.Headers
    content: bytes
    attempts: int = 1
    note: str = ""  # why the retries stopped early, for the error message
    cached: CachedResponse | None = None  # the entry whose validators were sent


@dataclass(frozen=True, slots=True)
class _RobotsRules:
    parser: urllib.robotparser.RobotFileParser | None  # None: a blanket verdict, see allow_all
    allow_all: bool
    reason: str
    expires: float


class _HostSpacing:
    """Start times per host, at least ``interval`` apart, shared by all threads."""

    def __init__(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str, interval: float) -> None:
        # Reserve a slot under the lock and sleep outside it, so waiting for one host never
        # holds up another.
        with self._lock:
            now = self._clock()
            if len(self._next) > 4096:  # forget hosts whose slot has passed: a crawl meets many
                self._next = {h: t for h, t in self._next.items() if t > now}
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + interval
        if slot > now:
            self._sleep(slot - now)


# --- the fetcher -----------------------------------------------------------------------------


class Fetcher:
    """Fetches URLs under a :class:`FetchPolicy`. Thread-safe; close it when done.

    ``transport`` is the network seam (an ``httpx.MockTransport`` in tests); by default it is
    :func:`pinned_transport`, or a plain ``httpx.HTTPTransport`` when private addresses are
    allowed. ``clock`` (monotonic seconds) and ``sleep`` drive rate limits, backoff and the
    total timeout; ``resolver`` answers the address checks; ``cache`` keeps conditional GET
    validators (a new :class:`MemoryCache` by default); ``rng`` supplies the backoff jitter.
    Environment proxies and .netrc are ignored: a proxy would bypass the address checks.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        resolver: Resolver = system_resolver,
        cache: ConditionalCache | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy if policy is not None else FetchPolicy()
        self._clock = clock
        self._sleep = sleep
        self._resolver = resolver
        self._cache: ConditionalCache = cache if cache is not None else MemoryCache()
        self._rng = rng if rng is not None else random.Random()
        if transport is None:
            transport = (
                httpx.HTTPTransport() if self.policy.allow_private else pinned_transport(resolver)
            )
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(self.policy.timeout, connect=self.policy.connect_timeout),
            headers={"User-Agent": self.policy.user_agent},
            follow_redirects=False,
            trust_env=False,
        )
        self._spacing = _HostSpacing(clock, sleep)
        self._lock = threading.Lock()
        self._crawl_delay: dict[str, float] = {}
        self._robots: dict[str, _RobotsRules] = {}
        self._robots_locks: dict[str, threading.Lock] = {}

    # public API

    def fetch(self, url: str) -> RawDocument:
        """The body at ``url`` as a RawDocument (``source`` is ``url`` as given)."""
        return self.fetch_response(url).to_document(url)

    def fetch_response(self, url: str) -> FetchResult:
        """Fetch ``url`` under the policy; raises as the module docstring says."""
        start = _parse_url(url)
        conditional = self.policy.conditional_get
        reply, redirects = self._follow(
            start,
            robots=self.policy.obey_robots,
            conditional=conditional,
            max_bytes=self.policy.max_bytes,
            truncate=False,
        )
        final = str(reply.url)
        etag = reply.headers.get("etag")
        last_modified = reply.headers.get("last-modified")
        if reply.status == 304 and reply.cached is not None:
            kept = reply.cached
            if etag or last_modified:
                kept = replace(
                    kept,
                    etag=etag or kept.etag,
                    last_modified=last_modified or kept.last_modified,
                )
                self._cache.put(final, kept)
            return FetchResult(
                url=final,
                status=304,
                headers=reply.headers,
                content=kept.content,
                media_type=kept.media_type,
                fetched_at=datetime.now(UTC),
                requested_url=url,
                redirects=redirects,
                from_cache=True,
            )
        if not 200 <= reply.status < 300:
            raise FetchStatusError(_status_message(reply), status=reply.status, url=final)
        media_type = _media_type(reply.headers)
        no_store = "no-store" in reply.headers.get("cache-control", "").lower()
        if conditional and (etag or last_modified) and not no_store:
            self._cache.put(
                final,
                CachedResponse(reply.content, etag, last_modified, media_type),
            )
        return FetchResult(
            url=final,
            status=reply.status,
            headers=reply.headers,
            content=reply.content,
            media_type=media_type,
            fetched_at=datetime.now(UTC),
            requested_url=url,
            redirects=redirects,
        )

    def close(self) -> None:
        """Close the connection pool (and the transport it was given)."""
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # redirects, one checked hop at a time

    def _follow(
        self,
        url: httpx.URL,
        *,
        robots: bool,
        conditional: bool,
        max_bytes: int,
        truncate: bool,
    ) -> tuple[_Reply, tuple[str, ...]]:
        chain: list[str] = []
        for _ in range(self.policy.max_redirects + 1):
            self._check_address(url)
            if robots:
                self._check_robots(url)
            cached = self._cache.get(str(url)) if conditional else None
            headers: dict[str, str] = {}
            if cached is not None and cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached is not None and cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
            reply = self._with_retries(url, headers, max_bytes, truncate)
            location = reply.headers.get("location")
            if reply.status in _REDIRECTS and location:
                chain.append(str(url))
                url = self._redirect_target(url, location)
                continue
            return replace(reply, cached=cached), tuple(chain)
        raise _TooManyRedirects(
            f"cannot fetch {chain[0]}: more than {self.policy.max_redirects} redirects"
        )

    @staticmethod
    def _redirect_target(url: httpx.URL, location: str) -> httpx.URL:
        try:
            target = url.join(location.strip())
        except (httpx.InvalidURL, TypeError, ValueError):
            raise FetchError(f"{url} redirected to an invalid URL: {location}") from None
        _check_scheme(target, f"{target} (redirected from {url})")
        return target

    def _check_address(self, url: httpx.URL) -> None:
        if not self.policy.allow_private:
            host = url.raw_host.decode("ascii")  # IDNA-encoded, as DNS wants it
            _resolve_public(host, _default_port(url), self._resolver, f"fetch {url}")

    # retries and single attempts

    def _with_retries(
        self, url: httpx.URL, headers: dict[str, str], max_bytes: int, truncate: bool
    ) -> _Reply:
        attempts = self.policy.retries + 1
        for attempt in range(1, attempts + 1):
            try:
                reply = self._attempt(url, headers, max_bytes, truncate)
            except _AttemptFailed as exc:
                if not exc.retryable or attempt == attempts:
                    tried = f" (gave up after {attempt} attempts)" if attempt > 1 else ""
                    raise FetchError(exc.message + tried) from exc.__cause__
                delay = self._backoff(attempt)
                log.info("%s; retrying in %.1f s", exc.message, delay)
                self._sleep(delay)
                continue
            if not (reply.status == 429 or reply.status >= 500) or attempt == attempts:
                return replace(reply, attempts=attempt)
            asked = _retry_after(reply.headers.get("retry-after"))
            if asked is not None and asked > self.policy.max_retry_after:
                note = (
                    f"the server asked to retry after {asked:.0f} s, more than the "
                    f"{self.policy.max_retry_after:g} s this fetcher waits"
                )
                return replace(reply, attempts=attempt, note=note)
            delay = self._backoff(attempt) if asked is None else asked
            log.info("HTTP %d for %s; retrying in %.1f s", reply.status, url, delay)
            self._sleep(delay)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        full = min(self.policy.backoff_max, self.policy.backoff_base * 2.0 ** (attempt - 1))
        # Jitter spreads out clients that failed together so they do not retry together.
        return full / 2 + self._rng.uniform(0, full / 2)

    def _attempt(
        self, url: httpx.URL, headers: dict[str, str], max_bytes: int, truncate: bool
    ) -> _Reply:
        host = url.host
        with self._lock:
            interval = max(self.policy.min_interval, self._crawl_delay.get(host, 0.0))
        self._spacing.wait(host, interval)
        deadline = self._clock() + self.policy.timeout
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                content = b""
                if 200 <= response.status_code < 300:
                    content = self._read_body(response, url, max_bytes, truncate, deadline)
                return _Reply(
                    url=url,
                    status=response.status_code,
                    reason=response.reason_phrase,
                    headers=response.headers,
                    content=content,
                )
        except httpx.RequestError as exc:
            message, retryable = _describe(exc, url, self.policy)
            raise _AttemptFailed(message, retryable) from exc

    def _read_body(
        self,
        response: httpx.Response,
        url: httpx.URL,
        max_bytes: int,
        truncate: bool,
        deadline: float,
    ) -> bytes:
        too_large = f"{url} is larger than the {_size(max_bytes)} limit (FetchPolicy.max_bytes)"
        declared = response.headers.get("content-length", "").strip()
        if not truncate and declared.isdigit() and int(declared) > max_bytes:
            raise TooLargeError(too_large)
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > max_bytes:
                if truncate:
                    return bytes(body[:max_bytes])
                raise TooLargeError(too_large)
            # httpx's read timeout is per read: a server trickling bytes would never hit it.
            if self._clock() > deadline:
                raise _AttemptFailed(
                    f"cannot fetch {url}: no complete answer within {self.policy.timeout:g} s",
                    retryable=True,
                )
        return bytes(body)

    # robots.txt

    def _check_robots(self, url: httpx.URL) -> None:
        origin = _origin(url)
        rules = self._robots_rules(origin)
        if rules.parser is None:
            if rules.allow_all:
                return
            raise FetchError(
                f"robots.txt of {origin} is unreachable ({rules.reason}); "
                f"RFC 9309 then forbids fetching {url}"
            )
        if not rules.parser.can_fetch(self.policy.user_agent, str(url)):
            raise FetchError(f"robots.txt of {origin} forbids fetching {url}")

    def _robots_rules(self, origin: str) -> _RobotsRules:
        with self._lock:
            rules = self._robots.get(origin)
            if rules is not None and rules.expires > self._clock():
                return rules
            origin_lock = self._robots_locks.setdefault(origin, threading.Lock())
        # One thread fetches an origin's robots.txt; the others wait for its answer.
        with origin_lock:
            with self._lock:
                rules = self._robots.get(origin)
                if rules is not None and rules.expires > self._clock():
                    return rules
            rules = self._load_robots(origin)
            with self._lock:
                self._robots[origin] = rules
            return rules

    def _load_robots(self, origin: str) -> _RobotsRules:
        robots_url = httpx.URL(origin + "/robots.txt")
        host = robots_url.host
        failure_expiry = self._clock() + min(self.policy.robots_ttl, _ROBOTS_FAILURE_TTL)
        try:
            reply, _ = self._follow(
                robots_url,
                robots=False,
                conditional=False,
                max_bytes=ROBOTS_MAX_BYTES,
                truncate=True,
            )
        except _TooManyRedirects:
            # RFC 9309 2.3.1.2: after five redirects robots.txt may be taken as unavailable.
            return _RobotsRules(
                None, True, "too many redirects", self._clock() + self.policy.robots_ttl
            )
        except FetchError as exc:
            return _RobotsRules(None, False, str(exc), failure_expiry)
        expires = self._clock() + self.policy.robots_ttl
        if 200 <= reply.status < 300:
            parser = urllib.robotparser.RobotFileParser(str(robots_url))
            parser.parse(reply.content.decode("utf-8", errors="replace").splitlines())
            delay = parser.crawl_delay(self.policy.user_agent)
            if delay is not None:
                with self._lock:
                    self._crawl_delay[host] = min(float(delay), self.policy.max_crawl_delay)
            return _RobotsRules(parser, False, "", expires)
        if 400 <= reply.status < 500 and reply.status != 429:
            return _RobotsRules(None, True, f"HTTP {reply.status}", expires)
        return _RobotsRules(None, False, _status_message(reply), failure_expiry)


def _status_message(reply: _Reply) -> str:
    message = f"HTTP {reply.status} {reply.reason}".rstrip() + f" for {reply.url}"
    if reply.status in _REDIRECTS:
        message += " (a redirect without a Location header)"
    if reply.attempts > 1:
        message += f" (after {reply.attempts} attempts)"
    if reply.note:
        message += f"; {reply.note}"
    return message
