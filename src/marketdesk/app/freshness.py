"""Whether a quote is current, from its instrument's exchange calendar, and its age as a reader
reads it ("as of Jul 5, 16:00", "2 days old").

A quote is current when nothing newer could exist yet: while the instrument's market is open,
one taken within ``FRESH`` of now (free quotes run 15 to 20 minutes late); while it is closed,
one taken at or after the last session's close, less ``FRESH`` (the last observation of the
day, or the close itself). So a Friday close is current all weekend, and stale on Monday
morning once the market opens. Where the calendar cannot say (an unknown code, an instant
beyond exchange_calendars' schedule), only the ``FRESH`` rule holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from marketdesk.errors import MarketdeskError
from marketdesk.markets.clock import MarketClock

__all__ = ["FRESH", "Freshness", "age_text", "freshness", "zone_of"]

FRESH = timedelta(minutes=20)
_AS_OF_UNDER = timedelta(days=2)  # older than this: "N days old" rather than a time


@dataclass(frozen=True, slots=True)
class Freshness:
    current: bool
    age: str | None  # None when current: "as of Jul 5, 16:00", "2 days old", "3 months old"


def zone_of(calendar: str) -> ZoneInfo:
    """The zone a page of this home calendar prints times in (UTC for round-the-clock ones)."""
    try:
        tz = MarketClock.for_calendar(calendar).tz
    except MarketdeskError:
        tz = None
    return tz if tz is not None else ZoneInfo("UTC")


def freshness(calendar: str, at: datetime, now: datetime, zone: ZoneInfo) -> Freshness:
    """Is a quote of an instrument on ``calendar`` taken ``at`` current ``now``; if not, its
    age, with times in ``zone``."""
    if at >= now - FRESH:
        return Freshness(True, None)  # within FRESH of now (or stamped ahead of it)
    try:
        clock = MarketClock.for_calendar(calendar)
        status = clock.status(now)
        last = None if status.is_open else clock.last_change(now)
    except MarketdeskError:
        last = None
    if last is not None and at >= last - FRESH:
        return Freshness(True, None)
    return Freshness(False, age_text(at, now, zone))


def age_text(at: datetime, now: datetime, zone: ZoneInfo) -> str:
    """ "as of Jul 5, 16:00" under two days; then "N days old", "N months old", "N years old"."""
    old = now - at
    if old < _AS_OF_UNDER:
        local = at.astimezone(zone)
        return f"as of {local:%b} {local.day}, {local:%H:%M}"
    days = old.days
    if days < 60:
        return f"{days} days old"
    if days < 730:
        return f"{days // 30} months old"
    return f"{days // 365} years old"
