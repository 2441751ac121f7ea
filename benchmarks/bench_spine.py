"""The spine's hot paths on the reference page, timed in process.

.venv/bin/python benchmarks/bench_spine.py
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from marketdesk.app.desk import Desk, Services
from marketdesk.app.ingest import store_document
from marketdesk.app.strip import strip
from marketdesk.clock import fixed_clock
from marketdesk.config import Settings
from marketdesk.extract import extract
from marketdesk.markets.clock import MarketClock
from marketdesk.model import RawDocument
from marketdesk.web.app import create_app
from timing import timeit

REFERENCE = Path(__file__).resolve().parents[2] / "shared/examples/yahoo-finance-ca-2024-07-05.txt"
AT = datetime(2024, 7, 5, 19, 41, tzinfo=UTC)


def main() -> int:
    if not REFERENCE.is_file():
        print("../shared/examples is not present; nothing to measure", file=sys.stderr)
        return 1
    content = REFERENCE.read_bytes()
    raw = RawDocument(source=str(REFERENCE), content=content)
    timeit("extract (reference page)", lambda: extract(raw), 200)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "bench.db"), edition="ca")
        desk = Desk(settings, services=Services(clock=fixed_clock(AT)))
        edition = desk.edition("ca")
        clock = MarketClock.for_calendar(edition.calendar)
        timeit("clock banner (ca)", lambda: clock.banner(edition.label, AT), 20000)
        counter = iter(range(10**9))

        def ingest_once() -> None:
            # Distinct bytes each time, so every call stores a new document.
            n = next(counter)
            r = RawDocument(source=f"p{n}", content=content + f"\n{n}".encode())
            store_document(desk, r)

        timeit("ingest (extract + store, new doc)", ingest_once, 50)
        timeit(
            "strip ca from SQLite (15 quotes)",
            lambda: strip(desk, "ca", AT).lines(),
            500,
        )
        app = create_app(desk)
        transport = httpx.ASGITransport(app=app)

        async def requests(path: str, n: int) -> float:
            async with httpx.AsyncClient(transport=transport, base_url="http://b") as c:
                await c.get(path)
                t0 = time.perf_counter()
                for _ in range(n):
                    r = await c.get(path)
                    assert r.status_code == 200
                return (time.perf_counter() - t0) / n

        for path in ("/", "/.json", "/stories/1", "/stories/1.json"):
            per = asyncio.run(requests(path, 200))
            print(f"GET {path:<40} median {per * 1e6:9.1f} µs   (in process, 200 requests)")
        desk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
