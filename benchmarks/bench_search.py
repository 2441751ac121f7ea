"""Searches in process, with and without filters, on a sample desk: the time of one
``search_and_count`` (a page of stories and its count, as the search page asks) and what it
finds, for an earlier commit and this checkout in turn.

    .venv/bin/python benchmarks/bench_search.py --db ADDRESS [--base REF] [--rounds N]
        [--parts searches,lists,entities]

ADDRESS: a desk built by ``marketdesk demo --stories N --no-serve --db ADDRESS`` (a SQLite
file or a postgresql:// address; bench_web_load.py keeps its desks under .bench/). The
searches are bench_web_load.py's ``search*`` set (every pair of 17 words of the sample
stories, pages 1 to 3: 408), run plain and under three filters: stories until the end of
2020, stories since the start of 2026 (both on the story's time) and the topic "energy".
For each: mean, p50 and p95 milliseconds a search, the stories shown over all 408 pages and
the sum of their counts (counts are capped at 1,001 a search, as the page asks). Then the
front page's story lists under a filter (``stories``: a topic, a country, an entity common
and rare, an instrument, two at once), its first and its 50th page, the best of 5 reads.
Then an entity page's two reads, ``find_entity`` and ``related_entities``, for common and
rare entities asked by key and by name: the best of 5 reads, and a digest of each answer, so
that two commits' answers can be compared. ``--parts`` picks some of the three (default all).

With ``--base REF`` each round runs the commit REF (a worktree under .bench/, as
bench_before_after.py makes) and then this checkout, each in its own process with this
checkout's virtual environment: on a noisy machine compare the two, round by round.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from marketdesk.store import SearchFilters, Storage

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parents[1]
WORDS = (
    "rates", "inflation", "export", "controls", "merger", "profit", "oil", "dividend", "tariffs",
    "yen", "robots", "shipping", "copper", "talks", "governor", "semiconductor", "brent",
)  # fmt: skip
PAGE = 20  # the search page's size; it asks for one more to know whether a next page exists
CAP = 1000


def searches() -> list[tuple[str, int]]:
    return [(f"{a} {b}", page) for a in WORDS for b in WORDS if a < b for page in (1, 2, 3)]


PARTS = ("searches", "lists", "entities")


def measure(address: str, parts: tuple[str, ...] = PARTS) -> None:
    """One process: every search under every filter, printed a line each; then the lists
    and the entity reads."""
    import marketdesk
    from marketdesk.store import SearchFilters, open_storage

    print(f"(code from {Path(marketdesk.__file__).parent.parent})", flush=True)

    cases = {
        "plain": None,
        "until 2020": SearchFilters(until=datetime(2020, 12, 31, 23, 59, 59, tzinfo=UTC)),
        "since 2026": SearchFilters(since=datetime(2026, 1, 1, tzinfo=UTC)),
        "topic energy": SearchFilters(topic="energy"),
    }
    store = open_storage(address)
    try:
        if "searches" in parts:
            searched(store, cases)
        if "lists" in parts:
            lists(store)
        if "entities" in parts:
            entities(store)
    finally:
        store.close()


def searched(store: Storage, cases: dict[str, SearchFilters | None]) -> None:
    """Every search of ``searches()`` under each filter of ``cases``, a line a filter."""
    for q, page in searches():  # warm the caches once
        store.search_and_count(q, PAGE + 1, (page - 1) * PAGE, None, CAP)
    for label, filters in cases.items():
        times, shown, counted = [], 0, 0
        for q, page in searches():
            started = time.perf_counter()
            hits, total = store.search_and_count(q, PAGE + 1, (page - 1) * PAGE, filters, CAP)
            times.append(time.perf_counter() - started)
            shown += min(len(hits), PAGE)
            counted += total
        times.sort()
        mean, p50 = statistics.mean(times), times[len(times) // 2]
        p95 = times[int(len(times) * 0.95)]
        print(
            f"{label:13} mean {mean * 1e3:6.2f} ms  p50 {p50 * 1e3:6.2f}  p95 {p95 * 1e3:6.2f}"
            f"  shown {shown:5}  counted {counted}",
            flush=True,
        )


def _rare_person() -> str:
    """One of the sample desk's many rarely named people."""
    from marketdesk.app.sample_stories import FIRST, LAST

    return f"{FIRST[0]} {LAST[0]}"


def lists(store: Storage) -> None:
    """The front page's story lists under a filter, as ``stories`` reads them: its first
    page (21, the page and one more) and its 50th, each read 5 times (the best time shown)."""
    person = _rare_person()
    cases: dict[str, dict[str, str]] = {
        "topic bonds": {"topic": "bonds"},
        "topic economy": {"topic": "economy"},
        "country JPN": {"country": "JPN"},
        "entity place:jp": {"entity": "place:jp"},
        f"entity {person.casefold()}": {"entity": person},
        "instrument brent": {"instrument": "brent"},
        "JPN, nikkei225": {"country": "JPN", "instrument": "nikkei225"},
    }
    for label, filters in cases.items():
        line = [f"{label:27}"]
        for offset in (0, 49 * PAGE):
            best, found = float("inf"), 0
            for _ in range(5):
                started = time.perf_counter()
                found = len(store.stories(PAGE + 1, offset, **filters))  # type: ignore[arg-type]
                best = min(best, time.perf_counter() - started)
            line.append(f"page {offset // PAGE + 1:2} {best * 1e3:7.2f} ms ({found:2} stories)")
        print("  ".join(line), flush=True)


def entities(store: Storage) -> None:
    """An entity page's reads: who it is (``find_entity``, which counts its articles) and the
    entities it appears with (``related_entities``, over its newest RELATED_SCAN articles),
    the best of 5 reads each, with a digest of the answer."""
    person = _rare_person()
    for asked in ("place:jp", "place:cn", "place:us", "Japan", "Canada", person):
        line = [f"{asked:18}"]
        for label, read in (
            ("find_entity", store.find_entity),
            ("related", store.related_entities),
        ):
            best, answer = float("inf"), None
            for _ in range(5):
                started = time.perf_counter()
                answer = read(asked)
                best = min(best, time.perf_counter() - started)
            digest = hashlib.sha256(repr(answer).encode()).hexdigest()[:8]
            line.append(f"{label} {best * 1e3:7.2f} ms ({digest})")
        print("  ".join(line), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a sample desk's address")
    parser.add_argument("--base", help="an earlier commit to run in turn with this checkout")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--parts",
        default=",".join(PARTS),
        help="which reads: searches,lists,entities (default all)",
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    parts = tuple(p.strip() for p in args.parts.split(",") if p.strip())
    if unknown := set(parts) - set(PARTS):
        parser.error(
            f"--parts: unknown {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}"
        )
    if args.measure:
        measure(args.db, parts)
        return 0
    trees = [ROOT]
    if args.base:
        from bench_before_after import checkout

        trees.insert(0, checkout(args.base))
    for n in range(args.rounds):
        for tree in trees:
            print(f"## round {n + 1}: {'this checkout' if tree == ROOT else tree.name}", flush=True)
            subprocess.run(
                [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    "--measure",
                    "--db",
                    args.db,
                    "--parts",
                    ",".join(parts),
                ],
                env={**os.environ, "PYTHONPATH": str(tree / "src")},
                check=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
