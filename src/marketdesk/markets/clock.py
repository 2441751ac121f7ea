"""Market hours: is a market open at an instant, when does that change, and the banner text.

Each clock is built once per calendar code from exchange_calendars' schedule (holidays, early
closes and lunch breaks included) and flattened into one sorted array of edges,
``[open, close, open, close, ...]`` in integer nanoseconds since the epoch. A query is then a
binary search: an odd insertion point means "inside an open interval". That keeps a banner at a
few microseconds, where asking pandas each time would cost tens of microseconds or more.

Sessions that touch (a futures session closing at the instant the next one opens, the 24/5
calendar's back-to-back days) are merged, so a "close" is always a real pause in trading.
"""

from __future__ import annotations

import functools
import warnings
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from marketdesk.errors import MarketdeskError, TimestampError

if TYPE_CHECKING:
    from marketdesk.markets.registry import Edition

__all__ = ["ALWAYS_OPEN", "HISTORY_START", "ClockStatus", "MarketClock", "banner", "parse_instant"]

ALWAYS_OPEN = "24/7"
HISTORY_START = date(2019, 1, 1)  # first day whose sessions the clocks load

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_NS_PER_MINUTE = 60_000_000_000


@dataclass(frozen=True, slots=True)
class ClockStatus:
    """Whether a market is open at an instant, and when that next changes."""

    is_open: bool
    # UTC-aware: the next close when open, the next open when closed. None only for a market
    # that never closes (the "24/7" calendar).
    next_change: datetime | None


class MarketClock:
    """Open/closed answers for one calendar. Get instances with :meth:`for_calendar`."""

    __slots__ = (
        "_closes",
        "_edge_list",
        "_standard_closes",
        "code",
        "edges",
        "tz",
    )

    def __init__(
        self,
        code: str,
        edges: npt.NDArray[np.int64],
        closes: dict[date, int],
        tz: ZoneInfo | None,
        standard_closes: tuple[tuple[date | None, time], ...],
    ) -> None:
        self.code = code
        # Alternating open, close, open, close ... strictly increasing; empty for "24/7".
        self.edges = edges
        # bisect on a plain list of ints beats numpy's searchsorted for one scalar by ~5x.
        self._edge_list: list[int] = edges.tolist()
        self._closes = closes  # session date -> close (ns), for stamping daily data
        self.tz = tz
        self._standard_closes = standard_closes

    @classmethod
    def for_calendar(cls, code: str) -> MarketClock:
        """The clock for an exchange_calendars code ("XTSE", "XNYS", ..., "24/5", "24/7").

        Built on first use (a fraction of a second) and cached for the process. An unknown code
        raises MarketdeskError.
        """
        return _clock_for(code)

    # -- queries ---------------------------------------------------------------------------------

    @property
    def covers(self) -> tuple[datetime, datetime] | None:
        """The span the clock can answer for, [first open, last close); None if unbounded."""
        if not self._edge_list:
            return None
        return _from_ns(self._edge_list[0]), _from_ns(self._edge_list[-1])

    def status(self, at: datetime) -> ClockStatus:
        """Open or closed at ``at`` (aware), and the next change. Opens are inclusive, closes not.

        Raises TimestampError for a naive datetime or an instant outside :attr:`covers`.
        """
        t = _to_ns(at)
        if self.code == ALWAYS_OPEN:
            return ClockStatus(True, None)
        i = self._index(t, at)
        return ClockStatus(bool(i & 1), _from_ns(self._edge_list[i]))

    def last_change(self, at: datetime) -> datetime | None:
        """The latest open or close at or before ``at`` (aware), UTC: the session's open while
        the market is open, the last close while it is closed. None for "24/7".

        Raises TimestampError for a naive datetime or an instant outside :attr:`covers`.
        """
        t = _to_ns(at)
        if self.code == ALWAYS_OPEN:
            return None
        return _from_ns(self._edge_list[self._index(t, at) - 1])

    def is_open(self, at: datetime) -> bool:
        """Whether the market is open at ``at`` (aware)."""
        return self.status(at).is_open

    def banner(self, label: str, at: datetime) -> str:
        """The market-status line for ``label`` at ``at``; see :func:`banner`."""
        t = _to_ns(at)
        if self.code == ALWAYS_OPEN:
            return f"{label} markets open"
        i = self._index(t, at)
        # Minutes round up: with 18m01s left the page says 19 minutes.
        minutes = -(-(self._edge_list[i] - t) // _NS_PER_MINUTE)
        if i & 1:
            if minutes < 60:
                return f"{label} markets close in {_minutes(minutes)}"
            return f"{label} markets close in {minutes // 60}h {minutes % 60}m"
        if minutes < 60:
            return f"{label} markets open in {_minutes(minutes)}"
        return f"{label} markets closed"

    def open_mask(self, instants_ns: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        """Vectorised :meth:`is_open` over epoch nanoseconds (no range check)."""
        if self.code == ALWAYS_OPEN:
            return np.ones(instants_ns.shape, dtype=np.bool_)
        idx = np.searchsorted(self.edges, instants_ns, side="right")
        return (idx & 1).astype(np.bool_)

    def session_close(self, day: date) -> datetime | None:
        """The close (UTC) of the session held on ``day``, or None if there was none loaded.

        Early closes are exact; this is how daily history gets its timestamp. Always None for
        round-the-clock calendars ("24/5", "24/7"), whose day boundaries are not closes.
        """
        ns = self._closes.get(day)
        return _from_ns(ns) if ns is not None else None

    def session(self, day: date) -> tuple[datetime, datetime] | None:
        """The (open, close) in UTC of the session held on ``day`` (a lunch break inside it),
        or None when there was none loaded or the calendar runs round the clock."""
        close = self._closes.get(day)
        if close is None or self.tz is None:
            return None
        edges = self._edge_list
        i = bisect_left(edges, close)
        if i >= len(edges) or edges[i] != close or i == 0:
            return None
        j = i - 1  # the open of the session's last interval; earlier ones the same day join it
        while j >= 2 and _from_ns(edges[j - 2]).astimezone(self.tz).date() == day:
            j -= 2
        return _from_ns(edges[j]), _from_ns(close)

    def nominal_close(self, day: date) -> datetime | None:
        """The exchange's regular closing time on ``day`` in UTC, session or not.

        For dates the clock has no schedule for (before 2019, holidays). None for round-the-clock
        calendars, which have no meaningful close.
        """
        if self.tz is None or not self._standard_closes:
            return None
        close_time = self._standard_closes[0][1]
        for since, t in self._standard_closes:
            if since is None or since <= day:
                close_time = t
        return datetime.combine(day, close_time, tzinfo=self.tz).astimezone(UTC)

    def _index(self, t: int, at: datetime) -> int:
        edges = self._edge_list
        i = bisect_right(edges, t)
        if i == 0 or i == len(edges):
            first, last = _from_ns(edges[0]), _from_ns(edges[-1])
            raise TimestampError(
                f"{at.isoformat()} is outside the {self.code} calendar's known schedule "
                f"({first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M} UTC); exchange_calendars "
                "records sessions only that far"
            )
        return i

    def __repr__(self) -> str:
        return f"MarketClock({self.code!r}, {len(self._edge_list) // 2} open intervals)"


def banner(edition: Edition, at: datetime) -> str:
    """The banner for an edition at an aware instant, worded as the reference page words it.

    - open, under an hour left:  "Canada markets close in 19 minutes" ("1 minute")
    - open, an hour or more:     "Canada markets close in 3h 55m"
    - closed, opens within 1h:   "Canada markets open in 25 minutes"
    - closed otherwise:          "Canada markets closed"

    Minutes are rounded up. A "24/7" home calendar says "<label> markets open".
    """
    return MarketClock.for_calendar(edition.calendar).banner(edition.label, at)


def parse_instant(text: str, assume_tz: str | None) -> datetime:
    """Parse an ISO 8601 instant ("2024-07-05T15:41:00-04:00", "...Z", "2024-07-05 19:41Z").

    Without an offset, the time is read in ``assume_tz`` (an IANA zone such as
    "America/Toronto"); with neither, TimestampError, because guessing the zone would silently
    shift every market hour. The result keeps the offset it was given. A local time that does
    not exist (inside a spring-forward gap) is refused; an ambiguous one takes the first
    occurrence.
    """
    s = text.strip()
    if not s:
        raise TimestampError("empty timestamp; expected ISO 8601 such as 2024-07-05T15:41:00-04:00")
    if s[-1] in "zZ":
        s = s[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        raise TimestampError(
            f"{text!r} is not an ISO 8601 timestamp; expected e.g. 2024-07-05T15:41:00-04:00"
        ) from None
    if dt.tzinfo is not None:
        return dt
    if assume_tz is None:
        raise TimestampError(
            f"{text!r} has no UTC offset; add one (e.g. -04:00 or Z) or give a time zone"
        )
    try:
        zone = ZoneInfo(assume_tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimestampError(f"unknown time zone {assume_tz!r}") from None
    local = dt.replace(tzinfo=zone)
    if local.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != dt:
        raise TimestampError(f"{text!r} does not exist in {assume_tz} (clocks moved forward)")
    return local


# -- internals -----------------------------------------------------------------------------------


def _minutes(n: int) -> str:
    return "1 minute" if n == 1 else f"{n} minutes"


def _to_ns(at: datetime) -> int:
    if at.tzinfo is None or at.utcoffset() is None:
        raise TimestampError(
            f"{at.isoformat()} has no time zone; market hours need an aware datetime"
        )
    # Integer arithmetic on the timedelta: exact to the microsecond, unlike timestamp().
    return ((at - _EPOCH) // _MICROSECOND) * 1000


def _from_ns(ns: int) -> datetime:
    return _EPOCH + timedelta(microseconds=ns // 1000)


@functools.cache
def _clock_for(code: str) -> MarketClock:
    import exchange_calendars as xcals  # deferred: importing it costs ~0.5 s

    if code == ALWAYS_OPEN:
        return MarketClock(code, np.empty(0, dtype=np.int64), {}, None, ())
    try:
        # exchange_calendars 4.13 trips pandas 3 deprecation warnings while it builds; they are
        # its to fix and say nothing to our users.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            cal = xcals.get_calendar(code, start=HISTORY_START.isoformat())
    except xcals.errors.InvalidCalendarName:
        names = ", ".join(sorted(xcals.get_calendar_names(include_aliases=False)))
        raise MarketdeskError(f"unknown exchange calendar {code!r}; known: {names}") from None
    sched = cal.schedule
    opens = _ns(sched["open"])
    closes = _ns(sched["close"])
    b_start = _ns(sched["break_start"])
    b_end = _ns(sched["break_end"])
    nat = np.iinfo(np.int64).min  # NaT's integer form
    has_break = (b_start != nat) & (b_end != nat) & (b_start < b_end)
    # Each session is [open, close), or [open, break_start) + [break_end, close) with a break.
    starts = np.concatenate([opens, b_end[has_break]])
    ends = np.concatenate([np.where(has_break, b_start, closes), closes[has_break]])
    order = np.argsort(starts, kind="stable")
    edges = _merge(starts[order], ends[order])
    # A round-the-clock "session" ends at UTC midnight by convention only: no close to stamp.
    round_the_clock = code in ("24/5", ALWAYS_OPEN)
    close_by_day = (
        {}
        if round_the_clock
        else {label.date(): c for label, c in zip(sched.index, closes.tolist(), strict=True)}
    )
    standard = (
        ()
        if round_the_clock
        else tuple((None if since is None else since.date(), t) for since, t in cal.close_times)
    )
    tz = None if round_the_clock else ZoneInfo(str(cal.tz))
    return MarketClock(code, edges, close_by_day, tz, standard)


def _ns(column: Any) -> npt.NDArray[np.int64]:
    # A tz-aware column's DatetimeArray holds UTC nanoseconds; NaT is the int64 minimum.
    return np.asarray(column.array.asi8, dtype=np.int64)


def _merge(starts: npt.NDArray[np.int64], ends: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    out: list[int] = []
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        if e <= s:
            continue  # an empty interval (e.g. a zero-length session) is not an opening
        if out and s <= out[-1]:
            out[-1] = max(out[-1], e)  # touching or overlapping: one continuous opening
        else:
            out.extend((s, e))
    return np.asarray(out, dtype=np.int64)
