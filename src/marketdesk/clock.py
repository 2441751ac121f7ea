"""Wall-clock time, injected: every part that needs "now" takes a Clock, so each can be tested at
any instant, and this is the one place that asks the system for the time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["Clock", "fixed_clock", "system_clock"]

Clock = Callable[[], datetime]
"""Returns the current instant, timezone-aware, in UTC."""


def system_clock() -> datetime:
    return datetime.now(UTC)


def fixed_clock(at: datetime) -> Clock:
    """A clock stopped at ``at`` (tests, and commands run "as of" an instant)."""
    if at.tzinfo is None:
        raise ValueError("a clock's instant must be timezone-aware")
    instant = at.astimezone(UTC)
    return lambda: instant
