"""The live strip's latency: from a quote stored in another process to the SSE client.

A real server (`marketdesk serve`, its own process) streams `/editions/ca/live` to N clients
(threads here); this process stores a quote N_STORES times through its own Storage, at random
moments so that the stores fall anywhere in the server's one-second poll, and times each
until every client has the event that carries it: from the call that stores it, and from its
commit (the call's return). p50, p95 and the worst, over all clients and stores.

    .venv/bin/python benchmarks/bench_live.py [--stores 20] [--clients 1] [--db URL]

Without --db, a SQLite file in a temporary folder; with a postgresql:// URL, that database.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import queue
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from marketdesk.model import Quote
from marketdesk.store import open_storage

EDITION = "ca"
KEY = "tsx"
START = datetime(2026, 1, 2, 21, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def quote(n: int) -> Quote:
    last = 20_000.0 + n
    return Quote(
        KEY, "S&P/TSX", START + timedelta(minutes=n), last, 1.0, 1 / (last - 1) * 100, "bench"
    )


class Client(threading.Thread):
    """One SSE client: the tsx price of each event, with the moment it arrived."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.seen: queue.Queue[tuple[float, float]] = queue.Queue()
        self.ready = threading.Event()

    def run(self) -> None:
        with httpx.stream("GET", self.url, timeout=httpx.Timeout(10, read=120)) as answer:
            kind = ""
            for line in answer.iter_lines():
                if line.startswith("event:"):
                    kind = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and kind == "market":
                    now = time.perf_counter()
                    data = json.loads(line.split(":", 1)[1])
                    price = next(i["last"] for i in data["strip"] if i["instrument"] == KEY)
                    self.seen.put((now, price))
                    self.ready.set()

    def wait_for(self, price: float, within: float) -> float:
        deadline = time.perf_counter() + within
        while True:
            at, got = self.seen.get(timeout=max(deadline - time.perf_counter(), 0.01))
            if got == price:
                return at


def pct(values: list[float], p: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--db", help="a postgresql:// URL (default: a temporary SQLite file)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "live.db")
        config = Path(tmp) / "config.toml"
        config.write_text("", encoding="utf-8")
        store = open_storage(db)
        store.add_quotes([quote(0)])
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "marketdesk", "serve", "--db", db, "--port", str(port)],
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "MARKETDESK_CONFIG": str(config)},
        )
        try:
            assert server.stderr is not None
            print(server.stderr.readline().strip())
            base = f"http://127.0.0.1:{port}"
            httpx.get(f"{base}/.json", timeout=60).raise_for_status()  # warm: clocks built
            clients = [Client(f"{base}/editions/{EDITION}/live") for _ in range(args.clients)]
            for c in clients:
                c.start()
            for c in clients:
                if not c.ready.wait(60):
                    raise SystemExit("no first event within 60 s")
            from_call: list[float] = []
            from_commit: list[float] = []
            rng = random.Random(12)
            for n in range(1, args.stores + 1):
                time.sleep(rng.uniform(0.3, 1.3))  # anywhere in the server's poll
                t0 = time.perf_counter()
                store.add_quotes([quote(n)])
                t1 = time.perf_counter()
                for c in clients:
                    arrived = c.wait_for(quote(n).last, 30)
                    from_call.append(arrived - t0)
                    from_commit.append(arrived - t1)
            print(
                f"{args.stores} stores x {args.clients} client(s), "
                f"{'PostgreSQL' if db.startswith('postgres') else 'SQLite'},"
                " the poller waiting on the store"
            )
            for label, values in (
                ("from the store call", from_call),
                ("from its commit", from_commit),
            ):
                print(
                    f"  {label:<20} p50 {pct(values, 50) * 1000:7.1f} ms   "
                    f"p95 {pct(values, 95) * 1000:7.1f} ms   max {max(values) * 1000:7.1f} ms   "
                    f"mean {statistics.fmean(values) * 1000:7.1f} ms"
                )
        finally:
            server.terminate()
            server.wait(30)
            store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
