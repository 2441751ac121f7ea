"""The original publisher of a story (interim)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Copy:
    article_id: int
    url: str | None
    canonical: str | None
    publisher: str | None
    origin: str | None
    published: datetime | None
    fetched_at: datetime


def story_origin(copies: Sequence[Copy]) -> str | None:
    for c in copies:
        if c.origin:
            return c.origin
    if not copies:
        return None
    return min(copies, key=lambda c: c.fetched_at).publisher
