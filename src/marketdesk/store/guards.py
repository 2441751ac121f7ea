"""Argument checks every backend applies before it writes: the contract's ValueError cases."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from datetime import datetime

from marketdesk.model import Quote

__all__ = ["check_aware", "check_paging", "checked_quotes"]

_NUMBERS = ("last", "change", "change_pct", "prev_close", "open", "high", "low")


def check_aware(when: datetime, what: str) -> None:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, not {when.isoformat()}")


def check_paging(limit: int, offset: int) -> None:
    for name, value in (("limit", limit), ("offset", offset)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number of at least 0, not {value!r}")


def checked_quotes(quotes: Iterable[Quote]) -> Iterator[Quote]:
    """The quotes, each checked as it passes: aware time, finite numbers."""
    for q in quotes:
        check_aware(q.at, f"quote time of {q.name}")
        for name in _NUMBERS:
            value = getattr(q, name)
            if value is not None and not math.isfinite(value):
                raise ValueError(f"quote {q.name} at {q.at.isoformat()}: {name} is {value!r}")
        yield q
