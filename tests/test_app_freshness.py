"""Whether a quote is current, from its instrument's calendar, and its age as the desk prints it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from marketdesk.app.freshness import FRESH, Freshness, age_text, freshness, zone_of

TORONTO = ZoneInfo("America/Toronto")


def t(text: str) -> datetime:
    return datetime.fromisoformat(text)


FRIDAY_CLOSE = t("2024-07-05T16:00:00-04:00")


@pytest.mark.parametrize(
    ("calendar", "at", "now", "expected"),
    [
        # Open market: current within FRESH of now, else stale with its time.
        ("XTSE", "2024-07-05T15:30:00-04:00", "2024-07-05T15:41:00-04:00", Freshness(True, None)),
        (
            "XTSE",
            "2024-07-05T15:00:00-04:00",
            "2024-07-05T15:41:00-04:00",
            Freshness(False, "as of Jul 5, 15:00"),
        ),
        # Closed for the weekend: Friday's close, or the last look before it, stays current.
        ("XTSE", "2024-07-05T16:00:00-04:00", "2024-07-07T12:00:00-04:00", Freshness(True, None)),
        ("XTSE", "2024-07-05T15:41:00-04:00", "2024-07-07T12:00:00-04:00", Freshness(True, None)),
        (
            "XTSE",
            "2024-07-05T12:00:00-04:00",
            "2024-07-06T12:00:00-04:00",
            Freshness(False, "as of Jul 5, 12:00"),
        ),
        # Monday, open again: Friday's close is stale.
        (
            "XTSE",
            "2024-07-05T16:00:00-04:00",
            "2024-07-08T10:00:00-04:00",
            Freshness(False, "2 days old"),
        ),
        # Monday before the open: still the last close there is.
        ("XTSE", "2024-07-05T16:00:00-04:00", "2024-07-08T09:00:00-04:00", Freshness(True, None)),
        # Round the clock: only FRESH counts.
        ("24/7", "2024-07-06T11:50:00-04:00", "2024-07-06T12:00:00-04:00", Freshness(True, None)),
        (
            "24/7",
            "2024-07-06T11:00:00-04:00",
            "2024-07-06T12:00:00-04:00",
            Freshness(False, "as of Jul 6, 11:00"),
        ),
        # FX over the weekend: the last quote before the calendar's Friday close (midnight UTC)
        # stays current.
        ("24/5", "2024-07-05T19:50:00-04:00", "2024-07-07T12:00:00-04:00", Freshness(True, None)),
        # A calendar that cannot say (before its schedule): only FRESH counts.
        (
            "XTSE",
            "2010-01-04T16:00:00-05:00",
            "2010-01-09T12:00:00-05:00",
            Freshness(False, "4 days old"),
        ),
        ("NOPE", "2024-07-05T15:30:00-04:00", "2024-07-05T15:41:00-04:00", Freshness(True, None)),
    ],
)
def test_freshness(calendar: str, at: str, now: str, expected: Freshness) -> None:
    assert freshness(calendar, t(at), t(now), TORONTO) == expected


def test_a_quote_stamped_ahead_of_now_is_current() -> None:
    now = t("2024-07-08T10:00:00-04:00")
    assert freshness("XTSE", now + timedelta(minutes=1), now, TORONTO).current


def test_fresh_is_a_delayed_feeds_delay() -> None:
    assert timedelta(minutes=15) <= FRESH <= timedelta(minutes=30)


@pytest.mark.parametrize(
    ("old", "text"),
    [
        (timedelta(hours=3), "as of Jul 5, 13:00"),
        (timedelta(days=1, hours=23), "as of Jul 3, 17:00"),
        (timedelta(days=2), "2 days old"),
        (timedelta(days=59), "59 days old"),
        (timedelta(days=60), "2 months old"),
        (timedelta(days=729), "24 months old"),
        (timedelta(days=800), "2 years old"),
    ],
)
def test_age_text(old: timedelta, text: str) -> None:
    assert age_text(FRIDAY_CLOSE - old, FRIDAY_CLOSE, TORONTO) == text


def test_zone_of_a_home_calendar() -> None:
    assert zone_of("XTSE").key == "America/Toronto"
    assert zone_of("24/7").key == "UTC" and zone_of("NOPE").key == "UTC"
    assert age_text(datetime(2024, 7, 5, 20, tzinfo=UTC), FRIDAY_CLOSE, zone_of("XTKS")) == (
        "as of Jul 6, 05:00"
    )
