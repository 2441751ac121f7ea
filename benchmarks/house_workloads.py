"""The spine's and markets' hot paths as workloads that run on this checkout and on the commit
before issue 9's refactoring (295050b) alike, for bench_instructions.py.

    python benchmarks/house_workloads.py WORKLOAD N

runs WORKLOAD once to warm up, then N more times. The two code bases differ in API: the
"before" branches call 295050b's (SQLiteStorage.add_page with a fetch time, strip_items,
create_app(db)), the others today's application layer. What each workload does is the same.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from marketdesk.extract import extract
from marketdesk.model import Quote, RawDocument

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parents[1] / "shared" / "examples" / "yahoo-finance-ca-2024-07-05.txt"
FALLBACK = HERE.parent / "tests" / "fixtures" / "web" / "portal-syndicated.txt"
AT = datetime(2024, 7, 5, 19, 41, tzinfo=UTC)

try:  # today's application layer
    from marketdesk.app.desk import Desk, Services
    from marketdesk.app.ingest import store_document
    from marketdesk.app.strip import strip
    from marketdesk.clock import fixed_clock
    from marketdesk.config import Settings

    BEFORE = False
except ImportError:  # 295050b
    BEFORE = True


def page_bytes() -> bytes:
    return (REFERENCE if REFERENCE.is_file() else FALLBACK).read_bytes()


class House:
    """One database and the operations on it, in either code base's words."""

    def __init__(self, db: str) -> None:
        self.db = db
        if BEFORE:
            from marketdesk.markets.registry import Registry
            from marketdesk.store.sqlite import SQLiteStorage

            self.registry = Registry.bundled()
            self.store = SQLiteStorage(db)
        else:
            self.desk = Desk(
                Settings(db=db, edition="ca"), services=Services(clock=fixed_clock(AT))
            )

    def ingest(self, raw: RawDocument) -> None:
        if BEFORE:
            from marketdesk.ingest.pipeline import page_quotes

            page = extract(raw)
            self.store.add_page(raw, page, AT, page_quotes(page, AT, self.registry))
        else:
            store_document(self.desk, raw, fetched_at=AT)

    def add_quotes(self, quotes: list[Quote]) -> None:
        (self.store if BEFORE else self.desk.storage).add_quotes(quotes)

    def strip_lines(self) -> list[str]:
        if BEFORE:
            from marketdesk.markets.strip import strip_items, strip_lines

            return strip_lines(
                strip_items(self.registry.edition("ca"), self.registry, self.store, AT)
            )
        return strip(self.desk, "ca", AT).lines()

    def history(self) -> object:
        from marketdesk.markets.charts import daily

        store = self.store if BEFORE else self.desk.storage
        return daily(store.history("tsx", AT - timedelta(days=3653), AT))

    def app(self) -> object:
        from marketdesk.web.app import create_app

        if BEFORE:
            self.store.close()
            return create_app(self.db, edition="ca")
        return create_app(self.desk)


def asgi_get(app: object, path: str) -> Callable[[], None]:
    """A GET of ``path`` straight through the ASGI app: no sockets, no HTTP client."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"bench")],
        "server": ("bench", 80),
        "client": ("client", 1),
    }
    loop = asyncio.new_event_loop()

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            assert message["status"] == 200, message

    def get() -> None:
        loop.run_until_complete(app(scope, receive, send))

    return get


def ten_years(key: str) -> list[Quote]:
    out, day, last = [], AT - timedelta(days=3653), 2000.0
    while day <= AT:
        if day.weekday() < 5:
            prev, last = last, last * (1.0003 if day.day % 3 else 0.9995)
            out.append(Quote(key, key, day, last, last - prev, (last / prev - 1) * 100, "b", prev))
        day += timedelta(days=1)
    return out


def workload(name: str, house: House) -> Callable[[], object]:
    content = page_bytes()
    if name == "extract":
        raw = RawDocument(source="page.txt", content=content)
        return lambda: extract(raw)
    if name == "ingest":
        counter = iter(range(10**9))
        return lambda: house.ingest(
            RawDocument(source="p", content=content + f"\n{next(counter)}".encode())
        )
    house.ingest(RawDocument(source="page.txt", content=content))
    if name == "strip":
        return house.strip_lines
    if name == "history":
        house.add_quotes(ten_years("tsx"))
        return house.history
    if name.startswith("GET "):
        return asgi_get(house.app(), name[4:])
    raise SystemExit(f"unknown workload {name!r}")


WORKLOADS = ("extract", "ingest", "strip", "history", "GET /", "GET /.json", "GET /stories/1")


def main() -> int:
    name, n = sys.argv[1], int(sys.argv[2])
    with tempfile.TemporaryDirectory() as tmp:
        run = workload(name, House(str(Path(tmp) / "bench.db")))
        run()  # warm: caches, lazy imports, the first connection of a thread
        for _ in range(n):
            run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
