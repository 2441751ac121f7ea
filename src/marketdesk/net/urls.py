"""URLs as the net layer takes them: parsing, the scheme rule, ports and origins."""

from __future__ import annotations

import httpx

from marketdesk.errors import BlockedURLError, FetchError

__all__ = ["ALLOWED_SCHEMES", "check_scheme", "default_port", "origin", "parse_url"]

ALLOWED_SCHEMES = frozenset({"http", "https"})


def parse_url(raw: str) -> httpx.URL:
    """``raw`` as an absolute http or https URL; FetchError (BlockedURLError for a scheme) else."""
    text = raw.strip()
    # httpx would percent-encode a space inside the host rather than refuse it.
    if any(c.isspace() or ord(c) < 32 for c in text):
        raise FetchError(f"not a valid URL: {raw!r}")
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise FetchError(f"not a valid URL: {raw}") from None
    check_scheme(url, raw)
    return url


def check_scheme(url: httpx.URL, shown: str) -> None:
    """Refuse a scheme other than http/https, or a URL without one or without a host.

    ``shown`` is how the URL appears in the message.
    """
    if url.scheme and url.scheme not in ALLOWED_SCHEMES:
        raise BlockedURLError(
            f"refused to fetch {shown}: the {url.scheme!r} scheme is not allowed "
            "(only http and https)"
        )
    if not url.scheme or not url.host:
        raise FetchError(f"not a valid URL: {shown} (an absolute http or https URL is needed)")


def default_port(url: httpx.URL) -> int:
    return url.port or (443 if url.scheme == "https" else 80)


def origin(url: httpx.URL) -> str:
    """``scheme://host[:port]``, as robots.txt is kept per origin (never with userinfo)."""
    return f"{url.scheme}://{url.netloc.decode('ascii')}"
