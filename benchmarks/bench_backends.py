"""Ingest pages per second and web latency on each storage backend, side by side in one run.

    .venv/bin/python benchmarks/bench_backends.py [--pages N] [--postgres URL]

For SQLite (a file in a temporary folder) and PostgreSQL (a database made for the run on
127.0.0.1:5432 and dropped after it, or --postgres URL), the same N distinct pages go through
the application's one ingest path (extract, check quotes, one Storage transaction each), then
the desk answers GET /, /.json, /stories/1 and /search.json?q=... in process (httpx over
ASGI, no sockets), 200 requests each, median of five rounds. The pages are this project's web
fixtures and, when ../shared is present, the reference page, each varied so that every page is
a new document and a new article.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx

from marketdesk.app.desk import Desk, Services
from marketdesk.app.ingest import store_document
from marketdesk.clock import fixed_clock
from marketdesk.config import Settings
from marketdesk.model import RawDocument
from marketdesk.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    ROOT / "tests" / "fixtures" / "web" / "portal-syndicated.txt",
    ROOT.parent / "shared" / "examples" / "yahoo-finance-ca-2024-07-05.txt",
]
AT = datetime(2026, 3, 2, 20, 18, tzinfo=UTC)
PATHS = ("/", "/.json", "/stories/1", "/search.json?q=markets+shares")


def pages(n: int) -> Iterator[RawDocument]:
    bodies = [p.read_text(encoding="utf-8").splitlines() for p in PAGES if p.is_file()]
    for i in range(n):
        lines = list(bodies[i % len(bodies)])
        # A sentence added to the first paragraph of prose: a new document and a new article.
        first = next(k for k, line in enumerate(lines) if len(line) > 150)
        lines[first] += f" Markets and shares moved {i} times that day."
        yield RawDocument(source=f"bench-{i}.txt", content="\n".join(lines).encode())


@contextmanager
def postgres_database(url: str | None) -> Iterator[str | None]:
    """A fresh database for the run (dropped after it), or the URL given, or None."""
    if url is not None:
        yield url
        return
    try:
        import psycopg
    except ImportError:
        yield None
        return
    name = f"marketdesk_bench_{uuid.uuid4().hex[:8]}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"PostgreSQL on 127.0.0.1:5432 is not available ({exc}); SQLite only")
        yield None
        return
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def measure(label: str, location: str, n: int) -> dict[str, float]:
    desk = Desk(Settings(db=location, edition="ca"), services=Services(clock=fixed_clock(AT)))
    docs = list(pages(n))
    started = time.perf_counter()
    for raw in docs:
        outcome = store_document(desk, raw)
        assert outcome.result is not None and outcome.result.article_created
    elapsed = time.perf_counter() - started
    out = {"ingest pages/s": n / elapsed}
    transport = httpx.ASGITransport(app=create_app(desk))

    async def latency(path: str, count: int = 200) -> float:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            assert (await client.get(path)).status_code == 200
            rounds = []
            for _ in range(5):
                t0 = time.perf_counter()
                for _ in range(count):
                    await client.get(path)
                rounds.append((time.perf_counter() - t0) / count)
            return statistics.median(rounds)

    for path in PATHS:
        out[f"GET {path} µs"] = asyncio.run(latency(path)) * 1e6
    desk.close()
    print(f"{label}: done", file=sys.stderr, flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=300, help="pages to ingest (default 300)")
    parser.add_argument("--postgres", help="a PostgreSQL URL to use instead of a fresh database")
    args = parser.parse_args()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = measure("SQLite", str(Path(tmp) / "bench.db"), args.pages)
    with postgres_database(args.postgres) as url:
        if url is not None:
            results["PostgreSQL"] = measure("PostgreSQL", url, args.pages)
    names = list(results)
    print(f"{args.pages} pages; web latency: median of 5 rounds of 200 requests, in process")
    print(
        f"{'':<36}"
        + "".join(f"{n:>14}" for n in names)
        + ("   PG/SQLite" if len(names) > 1 else "")
    )
    for metric in results["SQLite"]:
        row = [results[n][metric] for n in names]
        ratio = f"{row[1] / row[0]:>11.2f}x" if len(row) > 1 else ""
        print(f"{metric:<36}" + "".join(f"{v:>14.1f}" for v in row) + ratio)
    return 0


if __name__ == "__main__":
    sys.exit(main())
