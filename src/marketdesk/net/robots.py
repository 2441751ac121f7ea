"""robots.txt: fetched once per origin, kept for a while, read as RFC 9309 says.

A 2xx answer is parsed; 4xx means there are no rules; 5xx, 429 and an unreachable server mean
everything is disallowed (that verdict is kept only :data:`FAILURE_TTL` seconds). Redirects of
robots.txt are followed by whoever fetches it (5 at most, else no rules). A Crawl-delay for our
product token raises the host's interval, up to ``max_crawl_delay``. ``urllib.robotparser``
applies the first matching rule, not the longest as RFC 9309 does; it errs towards disallowing.
"""

from __future__ import annotations

import threading
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from marketdesk.errors import FetchError
from marketdesk.net.urls import origin, redact, without_userinfo

__all__ = ["FAILURE_TTL", "ROBOTS_MAX_BYTES", "RobotsAnswer", "RobotsRules", "RobotsTxt"]

ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB
FAILURE_TTL = 300.0  # an unreachable robots.txt is asked again after this, not a day


@dataclass(frozen=True, slots=True)
class RobotsAnswer:
    """What fetching robots.txt gave. ``status`` is None when the redirects ran out;
    ``summary`` describes the answer for the unreachable verdict ("HTTP 503 ... for URL")."""

    status: int | None
    content: bytes = b""
    summary: str = ""


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """One origin's verdict until ``expires`` (on the monotonic clock)."""

    parser: urllib.robotparser.RobotFileParser | None  # None: a blanket verdict, see allow_all
    allow_all: bool
    reason: str
    expires: float


class RobotsTxt:
    """robots.txt verdicts per origin, shared by all threads.

    ``get`` fetches one robots.txt URL (following its redirects, reading at most
    :data:`ROBOTS_MAX_BYTES`) and raises FetchError when it cannot.
    """

    def __init__(
        self,
        get: Callable[[httpx.URL], RobotsAnswer],
        *,
        user_agent: str,
        ttl: float,
        max_crawl_delay: float,
        clock: Callable[[], float],
    ) -> None:
        self._get = get
        self._user_agent = user_agent
        self._ttl = ttl
        self._max_crawl_delay = max_crawl_delay
        self._clock = clock
        self._lock = threading.Lock()
        self._rules: dict[str, RobotsRules] = {}
        self._origin_locks: dict[str, threading.Lock] = {}
        self._crawl_delay: dict[str, float] = {}

    def check(self, url: httpx.URL) -> None:
        """Raise FetchError unless the robots.txt of url's origin lets us fetch it."""
        where = origin(url)
        rules = self._rules_for(where)
        if rules.parser is None:
            if rules.allow_all:
                return
            raise FetchError(
                f"robots.txt of {where} is unreachable ({rules.reason}); "
                f"RFC 9309 then forbids fetching {redact(url)}"
            )
        if not rules.parser.can_fetch(self._user_agent, str(without_userinfo(url))):
            raise FetchError(f"robots.txt of {where} forbids fetching {redact(url)}")

    def crawl_delay(self, host: str) -> float:
        """The Crawl-delay a robots.txt of host asked of us (capped), 0 when none did."""
        with self._lock:
            return self._crawl_delay.get(host, 0.0)

    def _rules_for(self, where: str) -> RobotsRules:
        with self._lock:
            rules = self._rules.get(where)
            if rules is not None and rules.expires > self._clock():
                return rules
            origin_lock = self._origin_locks.setdefault(where, threading.Lock())
        # One thread fetches an origin's robots.txt; the others wait for its answer.
        with origin_lock:
            with self._lock:
                rules = self._rules.get(where)
                if rules is not None and rules.expires > self._clock():
                    return rules
            rules = self._load(where)
            with self._lock:
                self._rules[where] = rules
            return rules

    def _load(self, where: str) -> RobotsRules:
        robots_url = httpx.URL(where + "/robots.txt")
        failure_expiry = self._clock() + min(self._ttl, FAILURE_TTL)
        try:
            answer = self._get(robots_url)
        except FetchError as exc:
            return RobotsRules(None, False, str(exc), failure_expiry)
        expires = self._clock() + self._ttl
        if answer.status is None:
            # RFC 9309 2.3.1.2: after five redirects robots.txt may be taken as unavailable.
            return RobotsRules(None, True, "too many redirects", expires)
        if 200 <= answer.status < 300:
            parser = urllib.robotparser.RobotFileParser(str(robots_url))
            parser.parse(answer.content.decode("utf-8", errors="replace").splitlines())
            delay = parser.crawl_delay(self._user_agent)
            if delay is not None:
                with self._lock:
                    self._crawl_delay[robots_url.host] = min(float(delay), self._max_crawl_delay)
            return RobotsRules(parser, False, "", expires)
        if 400 <= answer.status < 500 and answer.status != 429:
            return RobotsRules(None, True, f"HTTP {answer.status}", expires)
        return RobotsRules(None, False, answer.summary, failure_expiry)
