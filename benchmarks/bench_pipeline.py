"""Pipeline throughput from local pages: extract + enrich + store + story grouping, as the store
grows.

Pages are written for the run (prose drawn from a seeded generator, one in ten a copy of an
earlier page with other furniture, so grouping finds real candidates) and ingested through the
application's one path (``app.ingest.ingest_documents``, the path of ``marketdesk ingest``, which
stores each page with ``store_document``) into a fresh database. Prints pages/s for each block of
pages and this process's peak RSS after each block: both must stay flat as the store grows.

    .venv/bin/python benchmarks/bench_pipeline.py [--pages 20000] [--block 2000] [--db URL]
        [--workers N] [--no-enrich]

``--workers N`` (default 1) extracts and plans the pages in N worker processes, as
``marketdesk ingest --workers N`` does; the store stays in this process (whose RSS is shown).

``--no-enrich`` stores the pages without annotations (``[enrich] enabled = false``): extraction,
storage and grouping alone.

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
from marketdesk.app.ingest import ingest_documents
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
    ap.add_argument("--workers", type=int, default=1, help="extraction processes (default 1)")
    ap.add_argument(
        "--no-enrich",
        action="store_true",
        help="store pages without enrichment ([enrich] enabled = false): extract, store, group",
    )
    args = ap.parse_args()
    if args.pages < 1 or args.block < 1 or args.workers < 1:
        ap.error("--pages, --block and --workers must be at least 1")
    tmp = tempfile.TemporaryDirectory()
    db = args.db or str(Path(tmp.name) / "bench.db")
    rng = random.Random(1)
    start_at = datetime(2026, 1, 1, tzinfo=UTC)
    docs = (
        RawDocument(
            source=f"/bench/site{n % 5}/p{n}.html",
            content=page(n, rng),
            fetched_at=start_at + timedelta(seconds=n),
            url=f"https://site{n % 5}.example/p{n}.html",
        )
        for n in range(args.pages)
    )
    print(
        f"{args.pages} pages into {db.split('@')[-1]}, blocks of {args.block}, "
        f"{args.workers} worker{'s' if args.workers > 1 else ''}, "
        f"enrichment {'off' if args.no_enrich else 'on'}"
    )
    print(f"{'stored':>8} {'pages/s':>9} {'stories':>8} {'peak RSS MiB':>13}")
    rates = []
    with Desk(Settings(db=db, enrich=not args.no_enrich)) as desk:
        # One run over every page, timed block by block: a pool's start-up counts once, in
        # the first block, as it does in `marketdesk ingest`.
        outcomes = ingest_documents(desk, docs, workers=args.workers)
        done = 0
        t0 = time.perf_counter()
        for outcome in outcomes:
            if outcome.error is not None:
                raise SystemExit(f"{outcome.source}: {outcome.error}")
            done += 1
            if done % args.block and done < args.pages:
                continue
            elapsed = time.perf_counter() - t0
            block = (done - 1) % args.block + 1
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            counts = desk.storage.counts()
            rates.append(block / elapsed)
            print(f"{done:>8} {block / elapsed:>9.1f} {counts.stories:>8} {rss:>13.0f}", flush=True)
            t0 = time.perf_counter()
    print(f"all blocks: median {sorted(rates)[len(rates) // 2]:.1f} pages/s")
    print(f"command: {' '.join(sys.argv)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
