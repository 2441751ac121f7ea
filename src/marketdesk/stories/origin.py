"""Who first published a story, from what its copies say.

In order: a syndication credit read from any copy's page (Article.origin: 'This article
originally appeared in ...', a wire dateline); else a canonical link that points to another
site than the copy's own (the site's publisher where a copy from that site is at hand, else
its host name); else the publisher of the earliest copy (published time, then fetch time).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit


@dataclass(frozen=True, slots=True)
class Copy:
    article_id: int
    url: str | None  # the page's (document's) address
    canonical: str | None  # the article's canonical address, as the page declares it
    publisher: str | None  # the site (Article.publisher)
    origin: str | None  # the credit read from the page (Article.origin)
    published: datetime | None
    fetched_at: datetime


def host(url: str | None) -> str | None:
    """The URL's host without 'www.', lower-case; None for no URL or one without a host."""
    if not url:
        return None
    try:
        name = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not name:
        return None
    return name.removeprefix("www.")


def story_origin(copies: Sequence[Copy]) -> str | None:
    """The original publisher of the story its copies make (see the module's docstring)."""
    if not copies:
        return None
    ordered = sorted(copies, key=_age)
    credits = Counter(c.origin for c in ordered if c.origin)
    if credits:
        # The credit most copies give; ties to the earliest copy's.
        top = max(credits.values())
        return next(c.origin for c in ordered if c.origin and credits[c.origin] == top)
    for c in ordered:
        target, own = host(c.canonical), host(c.url)
        if target and own and target != own:
            site = (o.publisher for o in ordered if o.publisher and host(o.url) == target)
            return next(site, None) or target
    return next((c.publisher for c in ordered if c.publisher), None)


def _age(c: Copy) -> tuple[datetime, datetime, int]:
    # Aware and naive times cannot be compared: a naive time is read as UTC.
    published = c.published or c.fetched_at
    return (_utc(published), _utc(c.fetched_at), c.article_id)


def _utc(t: datetime) -> datetime:
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t
