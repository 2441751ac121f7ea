"""The one outbound HTTP fetcher.

Every request marketdesk makes (web pages, feeds, robots.txt, market data providers) goes through
a :class:`Fetcher`, so the rules below hold everywhere. The network is reached through one seam, an
``httpx.BaseTransport``: by default a transport that connects only to addresses it has checked;
tests pass ``httpx.MockTransport`` or talk to a server on 127.0.0.1.

    with Fetcher() as fetcher:
        doc = fetcher.fetch("https://example.com/news/story.html")  # -> RawDocument

This module composes the rest of :mod:`marketdesk.net`, one module a concern: ``urls`` (parsing,
schemes), ``addresses`` (the address policy, the pinned transport), ``robots`` (robots.txt),
``cache`` (conditional GET), ``ratelimit`` (per-host spacing) and ``retry`` (backoff,
Retry-After, what is retryable).

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
  jitter (each wait is 50-100 % of that). A Retry-After header (seconds or an HTTP date, measured
  from the fetcher's wall clock ``now``) replaces the backoff; one asking for more than
  max_retry_after [120 s] ends the retries instead, since coming back sooner than asked would not
  honour it.
* Credentials in a URL (``https://user:secret@host/``): sent as HTTP Basic auth to that URL's
  origin only; a redirect elsewhere drops them. Never shown: messages and log lines mask them
  (``https://user:***@host/``), and no URL the fetcher returns or keeps carries them (see
  :mod:`marketdesk.net.urls`).
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

import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

import httpx

from marketdesk import __version__
from marketdesk.clock import Clock, system_clock
from marketdesk.errors import FetchError, TooLargeError
from marketdesk.model import RawDocument
from marketdesk.net.addresses import (
    Origin,
    Resolver,
    exempt_origins,
    pinned_transport,
    resolve_public,
    system_resolver,
)
from marketdesk.net.cache import CachedResponse, ConditionalCache, MemoryCache, conditional_headers
from marketdesk.net.ratelimit import HostSpacing
from marketdesk.net.retry import backoff, describe_failure, retry_after, retryable_status
from marketdesk.net.robots import ROBOTS_MAX_BYTES, RobotsAnswer, RobotsTxt
from marketdesk.net.urls import (
    check_scheme,
    credentials_may_follow,
    default_port,
    parse_url,
    redact,
    redact_text,
    without_userinfo,
)

__all__ = [
    "DEFAULT_USER_AGENT",
    "FetchPolicy",
    "FetchResult",
    "FetchStatusError",
    "Fetcher",
]

log = logging.getLogger(__name__)

MiB = 1024 * 1024
DEFAULT_USER_AGENT = f"marketdesk/{__version__} (+https://github.com/marketdesk)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


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


class Fetcher:
    """Fetches URLs under a :class:`FetchPolicy`. Thread-safe; close it when done.

    ``transport`` is the network seam (an ``httpx.MockTransport`` in tests); by default it is
    :func:`~marketdesk.net.addresses.pinned_transport`, or a plain ``httpx.HTTPTransport`` when
    private addresses are allowed. ``clock`` (monotonic seconds) and ``sleep`` drive rate limits,
    backoff and the total timeout; ``now`` is the wall clock (an aware datetime; aware UTC now by
    default) for the ``fetched_at`` stamps and Retry-After dates; ``resolver`` answers the address
    checks; ``cache`` keeps conditional GET validators (a new :class:`MemoryCache` by default);
    ``rng`` supplies the backoff jitter. Environment proxies and .netrc are ignored: a proxy would
    bypass the address checks.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        now: Clock = system_clock,
        resolver: Resolver = system_resolver,
        cache: ConditionalCache | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy if policy is not None else FetchPolicy()
        self._clock = clock
        self._sleep = sleep
        self._now = now
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
        self._spacing = HostSpacing(clock, sleep)
        self._robots = RobotsTxt(
            self._get_robots,
            user_agent=self.policy.user_agent,
            ttl=self.policy.robots_ttl,
            max_crawl_delay=self.policy.max_crawl_delay,
            clock=clock,
        )

    # public API

    def fetch(self, url: str) -> RawDocument:
        """The body at ``url`` as a RawDocument (``source`` is ``url`` as given, less any
        credentials)."""
        return self.fetch_response(url).to_document()

    def fetch_response(
        self,
        url: str,
        *,
        exempt: Iterable[Origin] = (),
        validators: CachedResponse | None = None,
    ) -> FetchResult:
        """Fetch ``url`` under the policy; raises as the module docstring says.

        ``exempt``: (host, port) origins that pass the address rule for this request only (a
        source the user allowed onto a private address); every other hop is checked as usual.
        ``validators``: the ETag / Last-Modified the caller kept (a source's stored state) to
        send with the first hop, overriding the fetcher's own cache; when the server answers 304
        the result has ``status`` 304, ``from_cache`` set and an empty body.
        """
        with exempt_origins(exempt):
            return self._fetch_response(url, validators)

    def _fetch_response(self, url: str, validators: CachedResponse | None) -> FetchResult:
        start = parse_url(url)
        # Credentials go out as Basic auth, never back to the caller or into the cache.
        requested = str(without_userinfo(start)) if start.userinfo else url
        conditional = self.policy.conditional_get
        reply, redirects = self._follow(
            start,
            robots=self.policy.obey_robots,
            conditional=conditional,
            max_bytes=self.policy.max_bytes,
            truncate=False,
            validators=validators,
        )
        final = str(without_userinfo(reply.url))
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
                fetched_at=self._wall_time(),
                requested_url=requested,
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
            fetched_at=self._wall_time(),
            requested_url=requested,
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

    def _wall_time(self) -> datetime:
        now = self._now()
        if now.utcoffset() is None:
            raise ValueError(f"Fetcher's now() must return an aware datetime, not {now!r}")
        return now.astimezone(UTC)

    # redirects, one checked hop at a time

    def _follow(
        self,
        url: httpx.URL,
        *,
        robots: bool,
        conditional: bool,
        max_bytes: int,
        truncate: bool,
        validators: CachedResponse | None = None,
    ) -> tuple[_Reply, tuple[str, ...]]:
        # ``url`` keeps its userinfo while the credentials may go with it (see
        # _redirect_target); everything shown passes redact(), everything kept or sent
        # passes without_userinfo().
        chain: list[httpx.URL] = []
        for _ in range(self.policy.max_redirects + 1):
            self._check_address(url)
            if robots:
                self._robots.check(url)
            key = str(without_userinfo(url))
            if validators is not None and not chain:
                cached: CachedResponse | None = validators
            else:
                cached = self._cache.get(key) if conditional else None
            reply = self._with_retries(url, conditional_headers(cached), max_bytes, truncate)
            location = reply.headers.get("location")
            if reply.status in _REDIRECTS and location:
                chain.append(url)
                url = self._redirect_target(url, location)
                continue
            redirects = tuple(str(without_userinfo(hop)) for hop in chain)
            return replace(reply, cached=cached), redirects
        raise _TooManyRedirects(
            f"cannot fetch {redact(chain[0])}: more than {self.policy.max_redirects} redirects"
        )

    @staticmethod
    def _redirect_target(url: httpx.URL, location: str) -> httpx.URL:
        try:
            target = url.join(location.strip())
        except (httpx.InvalidURL, TypeError, ValueError):
            raise FetchError(
                f"{redact(url)} redirected to an invalid URL: {redact_text(location)}"
            ) from None
        check_scheme(target, f"{redact(target)} (redirected from {redact(url)})")
        # Only the caller's credentials are ever sent, and only while the chain stays on
        # their origin: a Location's own userinfo is dropped, and so are they on leaving.
        keep = bool(url.userinfo) and credentials_may_follow(url, target)
        return target.copy_with(userinfo=url.userinfo if keep else b"")

    def _check_address(self, url: httpx.URL) -> None:
        if not self.policy.allow_private:
            host = url.raw_host.decode("ascii")  # IDNA-encoded, as DNS wants it
            resolve_public(host, default_port(url), self._resolver, f"fetch {redact(url)}")

    def _get_robots(self, url: httpx.URL) -> RobotsAnswer:
        try:
            reply, _ = self._follow(
                url,
                robots=False,
                conditional=False,
                max_bytes=ROBOTS_MAX_BYTES,
                truncate=True,
            )
        except _TooManyRedirects:
            return RobotsAnswer(None)
        return RobotsAnswer(reply.status, reply.content, _status_message(reply))

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
            if not retryable_status(reply.status) or attempt == attempts:
                return replace(reply, attempts=attempt)
            asked = retry_after(reply.headers.get("retry-after"), self._wall_time())
            if asked is not None and asked > self.policy.max_retry_after:
                note = (
                    f"the server asked to retry after {asked:.0f} s, more than the "
                    f"{self.policy.max_retry_after:g} s this fetcher waits"
                )
                return replace(reply, attempts=attempt, note=note)
            delay = self._backoff(attempt) if asked is None else asked
            log.info("HTTP %d for %s; retrying in %.1f s", reply.status, redact(url), delay)
            self._sleep(delay)
        raise AssertionError("unreachable")

    def _backoff(self, attempt: int) -> float:
        return backoff(attempt, self.policy.backoff_base, self.policy.backoff_max, self._rng)

    def _attempt(
        self, url: httpx.URL, headers: dict[str, str], max_bytes: int, truncate: bool
    ) -> _Reply:
        host = url.host
        interval = max(self.policy.min_interval, self._robots.crawl_delay(host))
        self._spacing.wait(host, interval)
        deadline = self._clock() + self.policy.timeout
        # httpx would turn userinfo into Basic auth itself, but also log the URL with it.
        auth = httpx.BasicAuth(url.username, url.password) if url.userinfo else None
        try:
            with self._client.stream(
                "GET", without_userinfo(url), headers=headers, auth=auth
            ) as response:
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
            message, retryable = describe_failure(
                exc,
                url,
                connect_timeout=self.policy.connect_timeout,
                timeout=self.policy.timeout,
            )
            raise _AttemptFailed(message, retryable) from exc

    def _read_body(
        self,
        response: httpx.Response,
        url: httpx.URL,
        max_bytes: int,
        truncate: bool,
        deadline: float,
    ) -> bytes:
        too_large = (
            f"{redact(url)} is larger than the {_size(max_bytes)} limit (FetchPolicy.max_bytes)"
        )
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
                    f"cannot fetch {redact(url)}: no complete answer within "
                    f"{self.policy.timeout:g} s",
                    retryable=True,
                )
        return bytes(body)


def _status_message(reply: _Reply) -> str:
    message = f"HTTP {reply.status} {reply.reason}".rstrip() + f" for {redact(reply.url)}"
    if reply.status in _REDIRECTS:
        message += " (a redirect without a Location header)"
    if reply.attempts > 1:
        message += f" (after {reply.attempts} attempts)"
    if reply.note:
        message += f"; {reply.note}"
    return message


def _media_type(headers: httpx.Headers) -> str | None:
    value = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return value or None


def _size(n: int) -> str:
    return f"{n // MiB} MiB" if n % MiB == 0 else f"{n} bytes"
