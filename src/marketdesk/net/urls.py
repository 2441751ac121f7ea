"""URLs as the net layer takes them: parsing, the scheme rule, origins, and credentials.

A URL may carry credentials in its userinfo (``https://user:secret@host/feed``). The net layer
keeps them out of sight and sends them only where they were given:

* Shown: every message it makes (errors, log lines) shows a URL through :func:`redact`, which
  masks the password (``https://user:***@host/feed``) and a user name given alone, since a lone
  user name is usually a token (``https://***@host/feed``), as pip does. A string that is not a
  URL at all is masked from ``://`` to its last ``@``, as its parts cannot be told apart.
* Kept: every URL the fetcher hands back or keeps (FetchResult, RawDocument, FetchStatusError.url,
  the conditional-GET cache key) is :func:`without_userinfo`, and so is the URL given to httpx,
  whose own log lines print it.
* Sent: as HTTP Basic auth (what httpx and curl do with such a URL), to that URL's origin only.
  A redirect keeps them while it stays on the origin (or upgrades http to https on the same host,
  as httpx keeps Authorization); a hop anywhere else drops them for the rest of the chain, and
  userinfo in a Location header is never used. robots.txt is fetched without them.
"""

from __future__ import annotations

import re

import httpx

from marketdesk.errors import BlockedURLError, FetchError

__all__ = [
    "ALLOWED_SCHEMES",
    "check_scheme",
    "credentials_may_follow",
    "default_port",
    "origin",
    "parse_url",
    "redact",
    "redact_text",
    "without_userinfo",
]

ALLOWED_SCHEMES = frozenset({"http", "https"})
MASK = "***"

# The userinfo of an absolute URL: after "scheme://", up to the last "@" before the path.
_USERINFO = re.compile(r"^(?P<head>\s*[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^/?#]*)@")
# In a string that is no URL, "@" may stand anywhere after "://" (user:pa/ss@host).
_LOOSE_USERINFO = re.compile(r"^(?P<head>\s*[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>.*)@")


def redact(url: str | httpx.URL) -> str:
    """``url`` as messages show it: ``user:***@`` for user and password, ``***@`` for a user
    name alone, unchanged when it has no userinfo."""
    return _USERINFO.sub(_mask, str(url), count=1)


def redact_text(text: str) -> str:
    """A string that failed to parse as a URL, as messages show it: anything between ``://``
    and the last ``@`` is masked, since a password with ``/`` or ``#`` in it ends the
    authority early."""
    return _LOOSE_USERINFO.sub(lambda m: f"{m['head']}{MASK}@", text, count=1)


def _mask(match: re.Match[str]) -> str:
    userinfo = match["userinfo"]
    if not userinfo:
        return str(match["head"])  # a bare "@" hides nothing
    user, colon, _ = userinfo.partition(":")
    return f"{match['head']}{user}:{MASK}@" if colon else f"{match['head']}{MASK}@"


def without_userinfo(url: httpx.URL) -> httpx.URL:
    """``url`` without its credentials."""
    return url.copy_with(userinfo=b"") if url.userinfo else url


def credentials_may_follow(source: httpx.URL, target: httpx.URL) -> bool:
    """Whether a redirect from ``source`` to ``target`` may carry source's credentials: to the
    same origin, or from http to https on the same host with the default ports."""
    if source.host != target.host:
        return False
    if source.scheme == target.scheme:
        return default_port(source) == default_port(target)
    return (
        source.scheme == "http"
        and default_port(source) == 80
        and target.scheme == "https"
        and default_port(target) == 443
    )


def parse_url(raw: str) -> httpx.URL:
    """``raw`` as an absolute http or https URL; FetchError (BlockedURLError for a scheme) else."""
    text = raw.strip()
    # httpx would percent-encode a space inside the host rather than refuse it.
    if any(c.isspace() or ord(c) < 32 for c in text):
        raise FetchError(f"not a valid URL: {redact_text(raw)!r}")
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise FetchError(f"not a valid URL: {redact_text(raw)}") from None
    check_scheme(url, redact(raw))
    return url


def check_scheme(url: httpx.URL, shown: str) -> None:
    """Refuse a scheme other than http/https, or a URL without one or without a host.

    ``shown`` is how the URL appears in the message, already redacted.
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


def host_port(raw: str) -> tuple[str, int]:
    """The (host, port) origin of a URL as the address rule sees it (host lower case, IDNA)."""
    url = parse_url(raw)
    return url.raw_host.decode("ascii").lower(), default_port(url)
