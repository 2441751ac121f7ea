"""The one HTTP layer: every outbound request marketdesk makes goes through :class:`Fetcher`.

One module a concern; :mod:`marketdesk.net.fetcher` composes them and documents the policy and
the exceptions at its top.

* ``urls``: parsing and the scheme rule, origins; credentials: ``redact`` for every URL shown
* ``addresses``: which addresses are public; the transport that connects only to checked ones
* ``robots``: robots.txt fetched, kept and read per origin (RFC 9309), crawl-delay
* ``cache``: conditional GET (``ConditionalCache``, ``CachedResponse``, ``MemoryCache``)
* ``ratelimit``: per-host spacing across threads
* ``retry``: backoff with jitter, Retry-After, what is retryable
* ``fetcher``: ``Fetcher``, ``FetchPolicy``, ``FetchResult``, ``FetchStatusError``

This package imports nothing of marketdesk but ``errors``, ``model`` and the version (a rule
import-linter checks), so every other package may use it.
"""

from marketdesk.net.addresses import Resolver, address_problem, pinned_transport, system_resolver
from marketdesk.net.cache import CachedResponse, ConditionalCache, MemoryCache
from marketdesk.net.fetcher import (
    DEFAULT_USER_AGENT,
    Fetcher,
    FetchPolicy,
    FetchResult,
    FetchStatusError,
)
from marketdesk.net.urls import ALLOWED_SCHEMES, host_port, redact

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
    "host_port",
    "pinned_transport",
    "redact",
    "system_resolver",
]
