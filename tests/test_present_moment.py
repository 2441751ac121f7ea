"""How the desk writes a story's moments: with the zone the page gave, or saying it gave none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from marketdesk.app.present import moment


def test_moments_keep_the_zone_the_page_gave() -> None:
    assert moment(datetime(2026, 11, 22, 4, 43, 36, tzinfo=UTC)) == "2026-11-22 04:43 UTC"
    plus_two = timezone(timedelta(hours=2))
    assert moment(datetime(2026, 11, 22, 9, 30, tzinfo=plus_two)) == "2026-11-22 09:30 +02:00"
    minus = timezone(-timedelta(hours=5, minutes=30))
    assert moment(datetime(2026, 11, 22, 9, 30, tzinfo=minus)) == "2026-11-22 09:30 -05:30"


def test_a_time_without_a_zone_says_so_and_a_date_stays_a_date() -> None:
    assert moment(datetime(2026, 11, 22, 9, 30)) == "2026-11-22 09:30, zone not given"
    assert moment(datetime(2026, 11, 22)) == "2026-11-22"
    assert moment(None) == ""
