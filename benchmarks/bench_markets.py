"""Markets hot paths, timed in process: the strip and the clock for an edition once warm, and a
10-year daily history query on SQLite. Issue 3's targets: strip and clock under 1 ms, history
under 10 ms. No network and no ../shared: the data is synthetic and made here.

.venv/bin/python benchmarks/bench_markets.py
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from marketdesk.app.desk import Desk, Services
from marketdesk.app.strip import strip
from marketdesk.clock import fixed_clock
from marketdesk.config import Settings
from marketdesk.markets.charts import daily
from marketdesk.markets.clock import MarketClock
from marketdesk.model import Quote
from marketdesk.store.sqlite import SQLiteStorage
from timing import timeit

AT = datetime(2024, 7, 5, 19, 41, tzinfo=UTC)
TARGETS = {"strip": 1e-3, "clock": 1e-3, "history": 10e-3}


def ten_years(key: str, name: str) -> list[Quote]:
    """About 2,520 weekday closes ending at AT, with a second instrument's noise in between."""
    out: list[Quote] = []
    day = AT - timedelta(days=3653)
    last = 2000.0
    while day <= AT:
        if day.weekday() < 5:
            prev, last = last, last * (1.0003 if day.day % 3 else 0.9995)
            out.append(
                Quote(key, name, day, last, last - prev, (last / prev - 1) * 100, "bench", prev)
            )
        day += timedelta(days=1)
    return out


def main() -> int:
    failed = []
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStorage(str(Path(tmp) / "bench.db"))
        desk = Desk(
            Settings(db=store.path), services=Services(clock=fixed_clock(AT)), storage=store
        )
        edition = desk.edition("ca")
        clock = MarketClock.for_calendar(edition.calendar)
        # Every instrument of the edition gets ten years, so the strip's index lookups are real.
        for key, shown in edition.strip:
            store.add_quotes(ten_years(key, shown))
        rows = store.counts().quotes
        print(f"SQLite with {rows} quotes ({len(edition.strip)} instruments x 10 years daily)")
        med = timeit(
            "strip ca, 15 quotes from SQLite (warm)",
            lambda: strip(desk, "ca").lines(),
            500,
        )
        failed += [] if med < TARGETS["strip"] else ["strip"]
        med = timeit("clock banner ca (warm)", lambda: clock.banner(edition.label, AT), 20000)
        failed += [] if med < TARGETS["clock"] else ["clock"]
        start = AT - timedelta(days=3653)
        med = timeit(
            "history tsx, 10 years daily (SQLite)", lambda: store.history("tsx", start, AT), 50
        )
        failed += [] if med < TARGETS["history"] else ["history"]
        # Where the time goes: SQLite's own fetch of the rows, without building Quote objects
        # (a private reader, used here only to measure).
        sql = "SELECT at, last FROM quotes WHERE instrument = ? AND at >= ? AND at <= ? ORDER BY at"
        bounds = ("tsx", int(start.timestamp() * 1e6), int(AT.timestamp() * 1e6))
        timeit(
            "  of which SQLite rows alone (at, last)",
            lambda: store._reader().execute(sql, bounds).fetchall(),
            50,
        )
        timeit(
            "history tsx, 10 years at daily resolution",
            lambda: daily(store.history("tsx", start, AT)),
            50,
        )
        store.close()
    if failed:
        print(f"over target: {', '.join(failed)}", file=sys.stderr)
        return 1
    print("all within issue 3's targets (strip and clock < 1 ms, history < 10 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
