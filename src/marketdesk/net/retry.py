"""What is worth another attempt, and how long to wait first.

Connection errors, timeouts, 429 and 5xx are retried, with exponential backoff and jitter; a
Retry-After header (seconds or an HTTP date) replaces the backoff.
"""

from __future__ import annotations

import email.utils
import random
import socket
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx

from marketdesk.net.urls import default_port, redact

__all__ = ["backoff", "describe_failure", "retry_after", "retryable_status"]


def retryable_status(status: int) -> bool:
    """429 and 5xx may go away on their own; other answers will not."""
    return status == 429 or status >= 500


def backoff(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """The wait after failed attempt number ``attempt`` (1-based): base doubling, at most cap."""
    full = min(cap, base * 2.0 ** (attempt - 1))
    # Jitter spreads out clients that failed together so they do not retry together.
    return full / 2 + rng.uniform(0, full / 2)


def retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds a Retry-After header asks for, or None when absent or unreadable.

    An HTTP date is measured from ``now`` (aware); one in the past asks for 0 s.
    """
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
    return max(0.0, (when - now).total_seconds())


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def describe_failure(
    exc: httpx.RequestError, url: httpx.URL, *, connect_timeout: float, timeout: float
) -> tuple[str, bool]:
    """A message for a transport failure, and whether another attempt may help."""
    host, port = url.host, default_port(url)
    prefix = f"cannot fetch {redact(url)}"
    if isinstance(exc, httpx.ConnectTimeout):
        return f"{prefix}: timed out connecting to {host} ({connect_timeout:g} s)", True
    if isinstance(exc, httpx.TimeoutException):
        return f"{prefix}: timed out waiting for {host} ({timeout:g} s)", True
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
        return f"not a valid URL: {redact(url)}", False
    return f"{prefix}: the request failed ({type(exc).__name__})", False
