"""The market-status banner of an edition's home exchange at an instant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketdesk.app.desk import Desk
from marketdesk.errors import MarketdeskError, TimestampError
from marketdesk.markets.clock import MarketClock, parse_instant
from marketdesk.markets.registry import Edition

__all__ = ["MarketStatus", "front_banner", "market_status", "parse_at"]


@dataclass(frozen=True, slots=True)
class MarketStatus:
    edition: Edition
    at: datetime
    banner: str
    is_open: bool
    next_change: datetime | None
    assumed_zone: str | None = None  # set when the instant was given without an offset


def parse_at(text: str | None) -> datetime | None:
    """An instant a user gave (``--at``, ``--fetched-at``): ISO 8601 with an offset."""
    return None if text is None else parse_instant(text, None)


def market_status(desk: Desk, edition: str | None = None, at: str | None = None) -> MarketStatus:
    """The banner at ``at`` (default now). Without an offset, ``at`` is read in the exchange's
    own zone, and the result says so (``assumed_zone``)."""
    ed = desk.edition(edition)
    clock = MarketClock.for_calendar(ed.calendar)
    zone = clock.tz.key if clock.tz is not None else "UTC"
    assumed = None
    if at is None:
        when = desk.clock()
    else:
        try:
            when = parse_instant(at, None)
        except TimestampError:
            when = parse_instant(at, zone)  # malformed input raises again, with its message
            assumed = zone
    status = clock.status(when)
    return MarketStatus(
        ed, when, clock.banner(ed.label, when), status.is_open, status.next_change, assumed
    )


def front_banner(desk: Desk, edition: Edition) -> str | None:
    """The banner for a page shown now, or None where the calendar cannot say (its data ends):
    a page shows no banner rather than fail."""
    try:
        return MarketClock.for_calendar(edition.calendar).banner(edition.label, desk.clock())
    except MarketdeskError:
        return None
