"""The instrument page: a chart over a named range (1D to Max), the key numbers (previous close,
open, day range, 52-week range), today's session from the exchange calendar, the stories that
touch the instrument, and its history a page at a time; the history as CSV rows, read a year at
a time so that a download of decades never sits in memory at once.

Ranges end at the latest stored quote, not at the wall clock: a series whose newest point is
months old (bundled history) still shows its last month on "1M". A series' resolution is read
from its points (the typical gap between them), so monthly data is called monthly.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

from marketdesk.app import urls
from marketdesk.app.chart import (
    STORY_WINDOW,
    ChartMark,
    ChartPoint,
    StoryChart,
    line_chart_svg,
    story_chart,
)
from marketdesk.app.desk import Desk
from marketdesk.app.paging import Paging
from marketdesk.app.ranges import MAX_RANGE_DAYS, DateRange, check_resolution
from marketdesk.errors import InputError, MarketdeskError
from marketdesk.markets.charts import daily
from marketdesk.markets.clock import ALWAYS_OPEN, MarketClock
from marketdesk.model import Instrument, Quote, Story
from marketdesk.store import StoryPage, story_moment

__all__ = [
    "DEFAULT_RANGE",
    "HISTORY_ROWS",
    "RANGES",
    "InstrumentPage",
    "KeyStats",
    "Session",
    "csv_rows",
    "detect_resolution",
    "instrument_page",
    "key_stats",
    "range_start",
    "session",
    "story_charts",
    "story_time",
]

# (code, label): the buttons above the chart, in their order.
RANGES: tuple[tuple[str, str], ...] = (
    ("1d", "1D"),
    ("5d", "5D"),
    ("1m", "1M"),
    ("6m", "6M"),
    ("ytd", "YTD"),
    ("1y", "1Y"),
    ("5y", "5Y"),
    ("max", "Max"),
)
DEFAULT_RANGE = "1y"
HISTORY_ROWS = 30  # rows of the history table a page
STORY_ROWS = 20  # stories on the timeline
_INTRADAY_RANGES = ("1d", "5d")
_CSV_CHUNK = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class KeyStats:
    """The numbers beside the chart; None where the stored quotes cannot say."""

    day: date | None  # the trading day of the latest quote (UTC)
    previous_close: float | None
    open: float | None
    day_low: float | None
    day_high: float | None
    year_low: float | None  # the 52 weeks up to the latest quote
    year_high: float | None


@dataclass(frozen=True, slots=True)
class Session:
    """Market hours from the exchange calendar, now."""

    calendar: str
    zone: str | None  # the exchange's time zone; None for round-the-clock calendars
    is_open: bool | None  # None when the calendar cannot say (outside its schedule)
    opens: datetime | None  # today's session (UTC); None when there is none today
    closes: datetime | None
    next_change: datetime | None  # the next open or close
    note: str  # one line for people: "Open until 16:00 EDT", "Trades around the clock"
    hours: str | None = None  # today's session in the exchange's zone: "09:30–16:00 EDT"


@dataclass(frozen=True, slots=True)
class InstrumentPage:
    instrument: Instrument
    latest: Quote | None
    range_code: str  # one of RANGES' codes, or "custom" for ?from=&to=
    span: DateRange
    chart_resolution: str  # 'daily' (last quote of each day) or 'intraday' (every quote)
    series: tuple[Quote, ...]  # what the chart draws, oldest first
    series_resolution: str  # read from the points: intraday, daily, weekly, monthly, or ''
    stats: KeyStats
    session: Session
    stories: tuple[Story, ...]  # newest first
    rows: tuple[Quote, ...]  # this page of the history table, newest first
    paging: Paging
    chart_svg: str  # "" with fewer than two points

    @property
    def resolution(self) -> str:
        """The requested resolution (the ``resolution`` JSON field, kept from the older view)."""
        return self.chart_resolution


def detect_resolution(quotes: Sequence[Quote]) -> str:
    """What a series is, from the median gap between its points: 'intraday' (under 20 hours),
    'daily' (under 5 days: weekends and holidays are gaps too), 'weekly' (under 25 days) or
    'monthly'; '' with fewer than two points."""
    if len(quotes) < 2:
        return ""
    gaps = [(b.at - a.at).total_seconds() for a, b in pairwise(quotes)]
    gap = statistics.median(gaps) / 86_400
    if gap < 20 / 24:
        return "intraday"
    if gap < 5:
        return "daily"
    if gap < 25:
        return "weekly"
    return "monthly"


def _months_back(t: datetime, months: int) -> datetime:
    m = t.month - 1 - months
    year, month = t.year + m // 12, m % 12 + 1
    for day in (t.day, 30, 29, 28):
        try:
            return t.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def range_start(code: str, end: datetime, zone: object | None = None) -> datetime:
    """Where a named range starts when it ends at ``end``: 1D is the day of ``end`` (in the
    exchange's zone where it has one), 5D a week back (five sessions), the others calendar months
    and years back; YTD starts on 1 January (UTC); Max as far back as a range may go."""
    if code == "1d":
        local = end.astimezone(zone) if zone is not None else end  # type: ignore[arg-type]
        return datetime.combine(local.date(), time.min, local.tzinfo).astimezone(UTC)
    months = {"1m": 1, "6m": 6, "1y": 12, "5y": 60}
    if code == "5d":
        return end - timedelta(days=7)
    if code in months:
        return _months_back(end, months[code])
    if code == "ytd":
        return datetime(end.year, 1, 1, tzinfo=UTC)
    if code == "max":
        return end - timedelta(days=MAX_RANGE_DAYS)
    codes = ", ".join(c for c, _ in RANGES)
    raise InputError(f"range must be one of {codes}, not {code[:20]!r}")


def instrument_page(
    desk: Desk,
    key: str,
    *,
    range_code: str | None = None,
    start: str | None = None,
    end: str | None = None,
    resolution: str | None = None,
    page: int = 1,
) -> InstrumentPage:
    """The page of ``key``: a named range (``range_code``, default 1Y) or ``start``/``end`` as
    users give them (app/ranges.py), which win over a named range."""
    inst = desk.instrument(key)
    paging = Paging.check(page, HISTORY_ROWS)
    latest = desk.storage.latest_quote(inst.key)
    now = desk.clock()
    anchor = min(latest.at, now) if latest is not None else now
    clock = _clock(inst.calendar)
    zone = clock.tz if clock is not None else None
    if start or end:
        code = "custom"
        span = DateRange.parse(start, end, anchor)
    else:
        code = (range_code or DEFAULT_RANGE).strip().casefold()
        span = DateRange(range_start(code, anchor, zone), anchor)
    chart_res = check_resolution(
        resolution or ("intraday" if code in _INTRADAY_RANGES else "daily")
    )
    quotes = desk.storage.history(inst.key, span.start, span.end)
    if code == "max" and quotes:
        span = DateRange(quotes[0].at, span.end)
    series = quotes if chart_res == "intraday" else daily(quotes)
    if code == "5d":
        series = _last_days(series, 5)
        if series:
            span = DateRange(series[0].at, span.end)
    year = daily(desk.storage.history(inst.key, _months_back(anchor, 12), anchor))
    stats = key_stats(latest, year, quotes)
    stories = tuple(desk.storage.stories(limit=STORY_ROWS, instrument=inst.key, since=span.start))
    newest_first = series[::-1]
    rows = tuple(newest_first[paging.offset : paging.offset + HISTORY_ROWS + 1])
    paging = paging.seen(len(rows))
    detected = detect_resolution(series)
    svg = line_chart_svg(
        [ChartPoint(q.at, q.last) for q in series],
        decimals=inst.decimals,
        label=inst.name,
        start=span.start if code != "max" else None,
        end=span.end,
        marks=[_mark(s) for s in stories],
        date_format="%Y-%m-%d %H:%M" if detected == "intraday" else "%Y-%m-%d",
        baseline=stats.previous_close if code == "1d" else None,
    )
    return InstrumentPage(
        inst,
        latest,
        code,
        span,
        chart_res,
        tuple(series),
        detected,
        stats,
        session(desk, inst.calendar),
        stories,
        rows[:HISTORY_ROWS],
        paging,
        svg,
    )


def _mark(s: Story) -> ChartMark:
    at = story_time(s)
    href = urls.story(s.copies[0].article_id) if s.copies else None
    return ChartMark(at, f"{at:%Y-%m-%d}: {s.title or '(untitled)'}", href)


def story_time(s: Story) -> datetime:
    """When a story happened: its earliest publication time, else when it was first seen."""
    if s.published is not None and s.published.tzinfo is not None:
        return s.published.astimezone(UTC)
    return s.first_seen


def _last_days(series: Sequence[Quote], days: int) -> list[Quote]:
    seen: list[date] = []
    for q in reversed(series):
        d = q.at.date()
        if d not in seen:
            if len(seen) == days:
                break
            seen.append(d)
    keep = set(seen)
    return [q for q in series if q.at.date() in keep]


def key_stats(latest: Quote | None, year: Sequence[Quote], recent: Sequence[Quote]) -> KeyStats:
    """The key numbers of the latest quote: its previous close (the quote's own, else the last
    daily value before its day), open, day range (the quote's own high and low, else the spread
    of that day's stored quotes when there are several) and the 52-week range (daily values'
    lows and highs where given)."""
    if latest is None:
        return KeyStats(None, None, None, None, None, None, None)
    day = latest.at.astimezone(UTC).date()
    prev = latest.prev_close
    if prev is None:
        before = [q for q in year if q.at.astimezone(UTC).date() < day]
        prev = before[-1].last if before else None
    low, high = latest.low, latest.high
    if low is None or high is None:
        same_day = [q.last for q in recent if q.at.astimezone(UTC).date() == day]
        if len(set(same_day)) > 1:  # one value seen twice is no range
            low, high = min(same_day), max(same_day)
        else:
            low = high = None
    lows = [q.low if q.low is not None else q.last for q in year]
    highs = [q.high if q.high is not None else q.last for q in year]
    return KeyStats(
        day,
        prev,
        latest.open,
        low,
        high,
        min(lows) if lows else None,
        max(highs) if highs else None,
    )


def _clock(calendar: str) -> MarketClock | None:
    try:
        return MarketClock.for_calendar(calendar)
    except MarketdeskError:
        return None


def session(desk: Desk, calendar: str) -> Session:
    """Today's session and the market's state now, from exchange_calendars."""
    if calendar == ALWAYS_OPEN:
        return Session(calendar, None, True, None, None, None, "Trades around the clock")
    clock = _clock(calendar)
    if clock is None:
        return Session(calendar, None, None, None, None, None, f"No calendar {calendar!r}")
    now = desk.clock()
    try:
        status = clock.status(now)
    except MarketdeskError:
        return Session(
            calendar, _zone(clock), None, None, None, None, "Outside the calendar's schedule"
        )
    zone = clock.tz
    if zone is None:  # 24/5: open from Sunday evening to Friday evening
        note = "Open" if status.is_open else "Closed"
        if status.next_change is not None:
            verb = "until" if status.is_open else "opens"
            note += f" ({verb} {status.next_change:%a %Y-%m-%d %H:%M} UTC)"
        return Session(calendar, None, status.is_open, None, None, status.next_change, note)
    today = now.astimezone(zone).date()
    hours = clock.session(today)
    nxt = status.next_change.astimezone(zone) if status.next_change else None
    if status.is_open and nxt is not None:
        note = f"Open until {nxt:%H:%M %Z}"
    elif nxt is not None:
        when = f"{nxt:%H:%M %Z}" if nxt.date() == today else f"{nxt:%a %Y-%m-%d %H:%M %Z}"
        note = f"Closed; opens {when}"
    else:
        note = "Closed"
    opens, closes = hours if hours is not None else (None, None)
    shown = None
    if opens is not None and closes is not None:
        shown = f"{opens.astimezone(zone):%H:%M}–{closes.astimezone(zone):%H:%M %Z}"
    elif not status.is_open:
        shown = "no session today"
    return Session(
        calendar, _zone(clock), status.is_open, opens, closes, status.next_change, note, shown
    )


def _zone(clock: MarketClock) -> str | None:
    return clock.tz.key if clock.tz is not None else None


def csv_rows(
    desk: Desk,
    key: str,
    *,
    start: str | None = None,
    end: str | None = None,
    resolution: str = "daily",
) -> tuple[Instrument, DateRange, Iterator[Quote]]:
    """The instrument, the range (default: all stored history up to now) and its quotes oldest
    first, read a year at a time; the checks run before the first row, so a bad request fails
    with a message rather than halfway through a download."""
    inst = desk.instrument(key)
    check_resolution(resolution)
    span = DateRange.parse(start, end, desk.clock(), default_days=MAX_RANGE_DAYS)

    def rows() -> Iterator[Quote]:
        at = span.start
        prev: Quote | None = None
        while at <= span.end:
            # Chunks end at UTC midnight: a day is never split between two of them.
            stop = min(datetime.combine((at + _CSV_CHUNK).date(), time.min, UTC), span.end)
            chunk = desk.storage.history(inst.key, at, stop)
            chunk = [q for q in chunk if q.at >= at and (q.at < stop or stop == span.end)]
            if resolution == "daily" and chunk:
                # The previous chunk's last day leads, so day-over-day changes carry across.
                joined = daily(([prev] if prev is not None else []) + chunk)
                chunk = joined[1:] if prev is not None else joined
            yield from chunk
            if chunk:
                prev = chunk[-1]
            if stop == span.end:
                break
            at = stop

    return inst, span, rows()


def story_charts(
    desk: Desk, page: StoryPage, keys: Sequence[str], limit: int = 6
) -> tuple[StoryChart, ...]:
    """A small chart and the move since publication for each instrument a story touches (the
    first ``limit`` of ``keys`` that have quotes): points from the day before to the day after
    the story's moment, led by the last value before the window where the window starts
    without one."""
    at = story_moment(page.article)
    if at is None:
        return ()
    found = {key: inst for key in keys if (inst := desk.registry.find(key)) is not None}
    # The page's read holds the quotes of the instruments the stored annotations link; those
    # worked out again on show (annotations stored before they were kept) cost one more read.
    around = (
        page.quotes
        if set(found) <= set(page.instruments)
        else desk.storage.quotes_around(list(found), at - STORY_WINDOW, at + STORY_WINDOW)
    )
    out: list[StoryChart] = []
    for key in [key for key in found if key in around][:limit]:
        inst, quotes = found[key], around[key]
        latest, before, window = quotes.newest, quotes.before, list(quotes.window)
        if before is not None and (not window or window[0].at > before.at):
            window = [before, *window]
        # The value at publication: the last point at or before ``at`` (``before`` leads the
        # window wherever the window has none that early).
        base = next((q for q in reversed(window) if q.at <= at), None)
        out.append(
            story_chart(
                key,
                inst.name,
                at,
                [ChartPoint(q.at, q.last) for q in window],
                base=base.last if base is not None else None,
                latest=ChartPoint(latest.at, latest.last),
                decimals=inst.decimals,
            )
        )
    return tuple(out)
