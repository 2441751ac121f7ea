"""Pipeline throughput from local pages: extract + store + story grouping, as the store grows.

Pages are written for the run (prose drawn from a seeded generator, one in ten a copy of an
earlier page with other furniture, so grouping finds real candidates) and ingested through the
application's one path (``app.ingest.store_document``) into a fresh database. Prints pages/s for
each block of pages and the process's peak RSS after each block: both must stay flat as the
store grows.

    .venv/bin/python benchmarks/bench_pipeline.py [--pages 20000] [--block 2000] [--db URL]

``--db postgresql://postgres@127.0.0.1:5432/NAME`` runs it on PostgreSQL (the database must
exist and be empty); the default is a SQLite file in a temporary folder.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from marketdesk.app.desk import Desk
from marketdesk.app.ingest import store_document
from marketdesk.config import Settings
from marketdesk.model import RawDocument

_VOCABULARY = (
    "traders analysts rates earnings currency outlook supply demand prices banks bonds equities "
    "futures inflation growth exports imports factory jobs wages housing credit lenders "
    "regulators ministers central policy meeting quarter forecast revenue margins shipping "
    "freight refinery harvest mining copper lithium coffee cocoa sugar wheat tariffs budget "
    "deficit surplus auction yields spreads volatility hedge funds pensions rally slump "
    "investors shares index board merger takeover dividend guidance outlook strike port"
)
WORDS = _VOCABULARY.split()


def page(n: int, rng: random.Random) -> bytes:
    """Page n: its own article, or (one in ten) a copy of page n-7's article elsewhere."""
    seed = n - 7 if n % 10 == 9 and n >= 7 else n
    words = random.Random(seed)
    paragraphs = "".join(
        "<p>" + " ".join(words.choice(WORDS) for _ in range(45)) + ".</p>" for _ in range(6)
    )
    furniture = f"<nav>Home Markets {rng.random()}</nav>"
    return (
        f"<html><head><title>Story {seed}</title></head><body>{furniture}<article>"
        f"<h1>Story {seed}</h1>{paragraphs}</article><footer>(c) site {n % 5}</footer>"
        "</body></html>"
    ).encode()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=20000)
    ap.add_argument("--block", type=int, default=2000)
    ap.add_argument("--db")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    db = args.db or str(Path(tmp.name) / "bench.db")
    rng = random.Random(1)
    start_at = datetime(2026, 1, 1, tzinfo=UTC)
    print(f"{args.pages} pages into {db.split('@')[-1]}, blocks of {args.block}")
    print(f"{'stored':>8} {'pages/s':>9} {'stories':>8} {'peak RSS MiB':>13}")
    with Desk(Settings(db=db)) as desk:
        done = 0
        while done < args.pages:
            t0 = time.perf_counter()
            for n in range(done, min(done + args.block, args.pages)):
                raw = RawDocument(
                    source=f"/bench/site{n % 5}/p{n}.html",
                    content=page(n, rng),
                    fetched_at=start_at + timedelta(seconds=n),
                    url=f"https://site{n % 5}.example/p{n}.html",
                )
                store_document(desk, raw)
            elapsed = time.perf_counter() - t0
            block = min(args.block, args.pages - done)
            done += block
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            counts = desk.storage.counts()
            print(f"{done:>8} {block / elapsed:>9.1f} {counts.stories:>8} {rss:>13.0f}", flush=True)
    print(f"command: {' '.join(sys.argv)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
