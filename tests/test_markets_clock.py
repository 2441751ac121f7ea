"""The market clock: banner wording, holidays, early closes, breaks, and a property test against
exchange_calendars' own answers."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import exchange_calendars as xcals
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketdesk.errors import MarketdeskError, TimestampError
from marketdesk.markets.clock import ClockStatus, MarketClock, banner, parse_instant
from marketdesk.markets.registry import Edition, Registry

# exchange_calendars' own calls (the oracle) trip pandas deprecations that are not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning")

REG = Registry.bundled()
EDITIONS = {e.code: e for e in REG.editions()}
# The property tests also cover calendars whose sessions touch (CME Globex, round-the-clock FX),
# where the clock merges sessions into one opening.
PROPERTY_EDITIONS = {
    **EDITIONS,
    "cme": Edition("cme", "CME", "CMES", ()),
    "ice": Edition("ice", "ICE", "IEPA", ()),
    "fx": Edition("fx", "FX", "24/5", ()),
}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_reference_banner() -> None:
    assert banner(REG.edition("ca"), at("2024-07-05T15:41:00-04:00")) == (
        "Canada markets close in 19 minutes"
    )


@pytest.mark.parametrize(
    ("code", "when", "text"),
    [
        # TSX, 09:30-16:00 Toronto.
        ("ca", "2024-07-05T15:41:00-04:00", "Canada markets close in 19 minutes"),
        ("ca", "2024-07-05T15:40:01-04:00", "Canada markets close in 20 minutes"),  # rounds up
        ("ca", "2024-07-05T15:59:00-04:00", "Canada markets close in 1 minute"),
        ("ca", "2024-07-05T15:59:59-04:00", "Canada markets close in 1 minute"),
        ("ca", "2024-07-05T12:05:00-04:00", "Canada markets close in 3h 55m"),
        ("ca", "2024-07-05T15:00:00-04:00", "Canada markets close in 1h 0m"),
        ("ca", "2024-07-05T15:00:30-04:00", "Canada markets close in 1h 0m"),  # 59m30s -> 60
        ("ca", "2024-07-05T15:01:00-04:00", "Canada markets close in 59 minutes"),
        ("ca", "2024-07-05T09:30:00-04:00", "Canada markets close in 6h 30m"),  # opens inclusive
        ("ca", "2024-07-05T16:00:00-04:00", "Canada markets closed"),  # closes exclusive
        ("ca", "2024-07-05T09:05:00-04:00", "Canada markets open in 25 minutes"),
        ("ca", "2024-07-05T09:29:59-04:00", "Canada markets open in 1 minute"),
        ("ca", "2024-07-05T08:30:00-04:00", "Canada markets closed"),  # exactly an hour: closed
        # 59m59s rounds up to 60 minutes, which is not "under an hour".
        ("ca", "2024-07-05T08:30:01-04:00", "Canada markets closed"),
        ("ca", "2024-07-05T08:31:00-04:00", "Canada markets open in 59 minutes"),
        ("ca", "2024-07-06T12:00:00-04:00", "Canada markets closed"),  # Saturday
        # Canada Day 2024 (Monday): TSX closed all day; NYSE open.
        ("ca", "2024-07-01T11:00:00-04:00", "Canada markets closed"),
        ("us", "2024-07-01T11:00:00-04:00", "U.S. markets close in 5h 0m"),
        # NYSE early close 13:00 New York on 2024-07-03, closed on the 4th.
        ("us", "2024-07-03T12:30:00-04:00", "U.S. markets close in 30 minutes"),
        ("us", "2024-07-03T13:00:00-04:00", "U.S. markets closed"),
        ("us", "2024-07-04T09:00:00-04:00", "U.S. markets closed"),
        ("us", "2024-07-05T09:00:00-04:00", "U.S. markets open in 30 minutes"),
        # Hong Kong lunch break 12:00-13:00.
        ("hk", "2024-07-05T11:50:00+08:00", "Hong Kong markets close in 10 minutes"),
        ("hk", "2024-07-05T12:30:00+08:00", "Hong Kong markets open in 30 minutes"),
        ("hk", "2024-07-05T13:00:00+08:00", "Hong Kong markets close in 3h 0m"),
        # Tokyo lunch break 11:30-12:30, and the later 15:30 close from November 2024.
        ("jp", "2024-07-05T12:00:00+09:00", "Japan markets open in 30 minutes"),
        ("jp", "2024-11-05T15:10:00+09:00", "Japan markets close in 20 minutes"),
        ("uk", "2024-12-24T12:00:00+00:00", "U.K. markets close in 30 minutes"),  # early close
        ("in", "2024-07-05T15:00:00+05:30", "India markets close in 30 minutes"),
        ("au", "2024-07-05T09:45:00+10:00", "Australia markets open in 15 minutes"),
        ("eu", "2024-07-05T17:00:00+02:00", "Europe markets close in 30 minutes"),
    ],
)
def test_banner_examples(code: str, when: str, text: str) -> None:
    assert banner(REG.edition(code), at(when)) == text


def test_status_examples() -> None:
    xnys = MarketClock.for_calendar("XNYS")
    # After the early close on 2024-07-03 the next open skips Independence Day.
    assert xnys.status(at("2024-07-03T13:00:00-04:00")) == ClockStatus(
        False, datetime(2024, 7, 5, 13, 30, tzinfo=UTC)
    )
    assert xnys.status(at("2024-07-03T12:59:59.999999-04:00")) == ClockStatus(
        True, datetime(2024, 7, 3, 17, 0, tzinfo=UTC)
    )
    xtse = MarketClock.for_calendar("XTSE")
    status = xtse.status(at("2024-07-01T12:00:00-04:00"))
    assert status == ClockStatus(False, datetime(2024, 7, 2, 13, 30, tzinfo=UTC))
    assert xtse.is_open(at("2024-07-02T13:30:00+00:00"))
    xhkg = MarketClock.for_calendar("XHKG")
    assert xhkg.status(at("2024-07-05T12:00:00+08:00")) == ClockStatus(
        False, datetime(2024, 7, 5, 5, 0, tzinfo=UTC)
    )


def test_any_offset_gives_the_same_answer() -> None:
    ed = REG.edition("ca")
    moment = at("2024-07-05T15:41:00-04:00")
    for zone in ("+00:00", "+09:00", "-10:00"):
        other = moment.astimezone(datetime.fromisoformat(f"2000-01-01T00:00{zone}").tzinfo)
        assert banner(ed, other) == "Canada markets close in 19 minutes"


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(TimestampError, match="time zone"):
        banner(REG.edition("ca"), datetime(2024, 7, 5, 15, 41))
    with pytest.raises(TimestampError):
        MarketClock.for_calendar("XNYS").status(datetime(2024, 7, 5, 15, 41))


def test_outside_the_schedule_is_refused() -> None:
    clock = MarketClock.for_calendar("XNYS")
    with pytest.raises(TimestampError, match="outside"):
        clock.status(at("2010-01-05T15:00:00+00:00"))
    covers = clock.covers
    assert covers is not None
    with pytest.raises(TimestampError, match="outside"):
        clock.banner("U.S.", covers[1] + timedelta(days=1))
    assert covers[0] <= datetime(2019, 1, 3, tzinfo=UTC)


def test_round_the_clock_calendars() -> None:
    always = MarketClock.for_calendar("24/7")
    assert always.status(at("2024-07-06T03:00:00+00:00")) == ClockStatus(True, None)
    assert always.status(at("1999-01-01T00:00:00+00:00")).is_open  # no bounds
    assert always.covers is None
    crypto = Edition("cx", "Crypto", "24/7", ())
    assert banner(crypto, at("2024-07-06T03:00:00+00:00")) == "Crypto markets open"
    weekdays = MarketClock.for_calendar("24/5")
    assert weekdays.is_open(at("2024-07-05T23:00:00+00:00"))
    assert weekdays.status(at("2024-07-06T12:00:00+00:00")) == ClockStatus(
        False, datetime(2024, 7, 8, tzinfo=UTC)
    )
    # CME Globex sessions touch (17:00 to 17:00 Chicago): the week is one opening.
    cmes = MarketClock.for_calendar("CMES")
    assert cmes.status(at("2024-07-09T12:00:00-05:00")).next_change == datetime(
        2024, 7, 12, 22, 0, tzinfo=UTC
    )


def test_clocks_are_cached_and_unknown_codes_refused() -> None:
    assert MarketClock.for_calendar("XTSE") is MarketClock.for_calendar("XTSE")
    with pytest.raises(MarketdeskError, match="unknown exchange calendar"):
        MarketClock.for_calendar("XXXX")


def test_every_registry_calendar_builds_and_changes_state_at_next_change() -> None:
    moment = at("2024-07-05T12:00:00+00:00")
    codes = {i.calendar for i in REG.instruments()} | {e.calendar for e in REG.editions()}
    assert len(codes) > 5
    for code in sorted(codes):
        clock = MarketClock.for_calendar(code)
        status = clock.status(moment)
        if code == "24/7":
            assert status == ClockStatus(True, None)
            continue
        nxt = status.next_change
        assert nxt is not None and nxt > moment and nxt.tzinfo is not None, code
        # The state holds up to the change and flips at it.
        assert clock.is_open(nxt - timedelta(microseconds=1)) == status.is_open, code
        assert clock.is_open(nxt) != status.is_open, code


def test_session_close_and_nominal_close() -> None:
    xnys = MarketClock.for_calendar("XNYS")
    assert xnys.session_close(date(2024, 7, 3)) == datetime(2024, 7, 3, 17, 0, tzinfo=UTC)
    assert xnys.session_close(date(2024, 7, 4)) is None
    assert xnys.session_close(date(2010, 1, 4)) is None
    assert xnys.nominal_close(date(2010, 1, 4)) == datetime(2010, 1, 4, 21, 0, tzinfo=UTC)
    assert xnys.nominal_close(date(2010, 7, 1)) == datetime(2010, 7, 1, 20, 0, tzinfo=UTC)
    xtks = MarketClock.for_calendar("XTKS")
    assert xtks.nominal_close(date(2024, 1, 4)) == datetime(2024, 1, 4, 6, 0, tzinfo=UTC)
    assert xtks.nominal_close(date(2025, 1, 6)) == datetime(2025, 1, 6, 6, 30, tzinfo=UTC)
    assert MarketClock.for_calendar("24/5").session_close(date(2024, 7, 5)) is None
    assert MarketClock.for_calendar("24/7").nominal_close(date(2024, 7, 5)) is None


def test_open_mask_matches_status() -> None:
    clock = MarketClock.for_calendar("XHKG")
    start = int(pd.Timestamp("2024-07-04T00:00Z").value)
    instants = np.arange(start, start + 3 * 86_400 * 10**9, 7 * 60 * 10**9, dtype=np.int64)
    mask = clock.open_mask(instants)
    expected = [clock.is_open(datetime.fromtimestamp(int(t) // 10**9, tz=UTC)) for t in instants]
    assert mask.tolist() == expected


# -- parse_instant -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tz", "expected"),
    [
        ("2024-07-05T15:41:00-04:00", None, "2024-07-05T19:41:00+00:00"),
        ("2024-07-05T19:41:00Z", None, "2024-07-05T19:41:00+00:00"),
        ("2024-07-05T19:41Z", None, "2024-07-05T19:41:00+00:00"),
        ("2024-07-05 19:41:00.5z", None, "2024-07-05T19:41:00.500000+00:00"),
        ("2024-07-05T15:41:00", "America/Toronto", "2024-07-05T19:41:00+00:00"),
        ("2024-07-05", "Asia/Tokyo", "2024-07-04T15:00:00+00:00"),
        ("2024-07-05T15:41:00+01:00", "America/Toronto", "2024-07-05T14:41:00+00:00"),
    ],
)
def test_parse_instant(text: str, tz: str | None, expected: str) -> None:
    parsed = parse_instant(text, tz)
    assert parsed.tzinfo is not None
    assert parsed == datetime.fromisoformat(expected)


@pytest.mark.parametrize(
    ("text", "tz", "message"),
    [
        ("", None, "empty"),
        ("yesterday", None, "not an ISO 8601"),
        ("2024-13-05T10:00:00Z", None, "not an ISO 8601"),
        ("2024-07-05T15:41:00", None, "no UTC offset"),
        ("2024-07-05T15:41:00", "Mars/Olympus", "unknown time zone"),
        ("2024-03-10T02:30:00", "America/New_York", "does not exist"),
    ],
)
def test_parse_instant_errors(text: str, tz: str | None, message: str) -> None:
    with pytest.raises(TimestampError, match=message):
        parse_instant(text, tz)


def test_reference_banner_from_text() -> None:
    moment = parse_instant("2024-07-05T15:41:00", "America/Toronto")
    assert banner(REG.edition("ca"), moment) == "Canada markets close in 19 minutes"


# -- property test against exchange_calendars --------------------------------------------------

LO = pd.Timestamp("2020-01-01", tz=UTC)
HI = pd.Timestamp("2027-01-01", tz=UTC)
NS_PER_MINUTE = 60 * 10**9


@functools.cache
def calendar(code: str) -> Any:
    return xcals.get_calendar(code, start="2019-01-01")


@functools.cache
def schedule_edges(code: str) -> tuple[pd.DataFrame, list[int]]:
    sched = calendar(code).schedule
    sched = sched[sched["close"] > LO]  # keep later sessions: a change may fall after HI
    edges = sorted(
        {
            int(ts.value)
            for col in ("open", "break_start", "break_end", "close")
            for ts in sched[col]
            if not pd.isna(ts)
        }
    )
    return sched, edges


def oracle(code: str, t: pd.Timestamp) -> tuple[bool, int]:
    """(open?, next change in ns) from the calendar's own is_open_at_time and schedule table.

    The next change is the first schedule edge after t where is_open_at_time flips; edges where
    one session closes as the next opens do not flip, so they are not changes.
    """
    cal = calendar(code)
    is_open = bool(cal.is_open_at_time(t, side="left"))
    _, edges = schedule_edges(code)
    i = int(np.searchsorted(edges, t.value, side="right"))
    for edge in edges[i:]:
        if bool(cal.is_open_at_time(pd.Timestamp(edge, tz=UTC), side="left")) != is_open:
            return is_open, edge
    raise AssertionError("no change found")


def oracle_banner(label: str, is_open: bool, delta_ns: int) -> str:
    minutes = -(-delta_ns // NS_PER_MINUTE)
    unit = "minute" if minutes == 1 else "minutes"
    if is_open:
        if minutes < 60:
            return f"{label} markets close in {minutes} {unit}"
        return f"{label} markets close in {minutes // 60}h {minutes % 60}m"
    if minutes < 60:
        return f"{label} markets open in {minutes} {unit}"
    return f"{label} markets closed"


def check(ed: Edition, t: pd.Timestamp) -> None:
    moment = t.to_pydatetime()
    clock = MarketClock.for_calendar(ed.calendar)
    last_close = calendar(ed.calendar).schedule["close"].iloc[-1]
    if t >= last_close:
        # Past the calendar's recorded sessions (XBOM and XSHG stop at 2026-12-31): refuse.
        with pytest.raises(TimestampError, match="outside"):
            clock.status(moment)
        return
    is_open, change = oracle(ed.calendar, t)
    status = clock.status(moment)
    assert status.is_open == is_open, (ed.code, t)
    assert status.next_change == pd.Timestamp(change, tz=UTC).to_pydatetime(), (ed.code, t)
    assert banner(ed, moment) == oracle_banner(ed.label, is_open, change - t.value), (ed.code, t)


PROPERTY = settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(
    code=st.sampled_from(sorted(PROPERTY_EDITIONS)),
    micros=st.integers(0, (HI - LO) // pd.Timedelta(microseconds=1) - 1),
)
def test_status_matches_calendar_anywhere(code: str, micros: int) -> None:
    check(PROPERTY_EDITIONS[code], LO + pd.Timedelta(microseconds=micros))


@PROPERTY
@given(
    code=st.sampled_from(sorted(PROPERTY_EDITIONS)),
    data=st.data(),
    offset_s=st.integers(-2 * 3600, 2 * 3600),
    micro=st.sampled_from([0, 1, 999_999]),
)
def test_status_matches_calendar_near_edges(
    code: str, data: st.DataObject, offset_s: int, micro: int
) -> None:
    # Uniform instants rarely land near an open or a close; these do, to the microsecond.
    _, edges = schedule_edges(PROPERTY_EDITIONS[code].calendar)
    edge = data.draw(st.sampled_from(edges[1:-1]))
    t = pd.Timestamp(edge, tz=UTC) + pd.Timedelta(seconds=offset_s, microseconds=micro)
    if LO <= t < HI:
        check(PROPERTY_EDITIONS[code], t)


def test_last_change_is_the_session_open_or_the_last_close() -> None:
    tsx = MarketClock.for_calendar("XTSE")
    # Friday 2024-07-05 15:41 Toronto: open since 09:30.
    assert tsx.last_change(at("2024-07-05T15:41:00-04:00")) == at("2024-07-05T13:30:00+00:00")
    # Saturday: the Friday close; Monday before the open: still the Friday close.
    assert tsx.last_change(at("2024-07-06T12:00:00-04:00")) == at("2024-07-05T20:00:00+00:00")
    assert tsx.last_change(at("2024-07-08T09:29:00-04:00")) == at("2024-07-05T20:00:00+00:00")
    # Canada Day 2024 (a Monday) is a holiday: the close before it is Friday's.
    assert tsx.last_change(at("2024-07-01T12:00:00-04:00")) == at("2024-06-28T20:00:00+00:00")
    # Exactly at an edge, that edge.
    assert tsx.last_change(at("2024-07-05T16:00:00-04:00")) == at("2024-07-05T20:00:00+00:00")
    assert MarketClock.for_calendar("24/7").last_change(at("2024-07-06T12:00:00Z")) is None
    with pytest.raises(TimestampError):
        tsx.last_change(datetime(1990, 1, 1, tzinfo=UTC))
