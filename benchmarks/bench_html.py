"""HTML extraction on the dev set: marketdesk beside trafilatura, same pages, same run.

    .venv/bin/python benchmarks/bench_html.py [--limit N] [--memory N]

Body: share of gold "with" snippets kept and "without" snippets removed, their harmonic mean
(F1), and trafilatura's own precision/F1 over the same snippets (see devset.py).
Metadata: exact title, author and date (YYYY-MM-DD) accuracy where gold exists.
Speed: pages per second on one core over the same pages. Peers need `.[bench]`.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import resource
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import devset
from marketdesk.errors import MarketdeskError
from marketdesk.extract import extract
from marketdesk.model import RawDocument

Result = tuple[str, str | None, str | None, str | None]  # text, title, author, date


def run_marketdesk(html: bytes, url: str) -> Result:
    try:
        page = extract(RawDocument(source=url, content=html, url=url), "html")
    except MarketdeskError:
        return "", None, None, None
    a = page.article
    date = a.published.date().isoformat() if a.published else None
    return a.text, a.title, "; ".join(a.authors) or None, date


def run_trafilatura(html: bytes, url: str) -> Result:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if doc is None:
        return "", None, None, None
    return doc.text or "", doc.title, doc.author, doc.date


def _n(value: str | None) -> str:
    return " ".join((value or "").casefold().split())


class Meta:
    def __init__(self) -> None:
        self.hits = {"title": 0, "author": 0, "date": 0}
        self.total = {"title": 0, "author": 0, "date": 0}

    def add(self, result: Result, gold: dict[str, Any]) -> None:
        _, title, author, date = result
        for key, got in (("title", title), ("author", author), ("date", date)):
            want = gold.get(key)
            if not want:
                continue
            self.total[key] += 1
            if key == "date":
                ok = (got or "")[:10] == str(want)[:10]
            elif key == "author":
                ok = sorted(_n(x) for x in (got or "").split(";")) == sorted(
                    _n(x) for x in str(want).split(";")
                )
            else:
                ok = _n(got) == _n(want)
            self.hits[key] += ok

    def acc(self, key: str) -> float:
        return self.hits[key] / max(1, self.total[key])


def evaluate(
    name: str, fn: Callable[[bytes, str], Result], pages: list[tuple[devset.Case, bytes]]
) -> tuple[devset.Score, Meta, list[float]]:
    score, meta, times = devset.Score(), Meta(), []
    for case, html in pages:
        t0 = time.perf_counter()
        try:
            result = fn(html, case.url)
        except Exception as exc:  # a peer crashing on a page counts as empty output
            print(f"  {name} failed on {case.file}: {type(exc).__name__}", file=sys.stderr)
            result = ("", None, None, None)
        times.append(time.perf_counter() - t0)
        score.add(case, result[0])
        meta.add(result, case.gold)
    return score, meta, times


def memory_check(pages: list[tuple[devset.Case, bytes]], n: int) -> None:
    gc.collect()
    rss = []
    for i in range(n):
        case, html = pages[i % len(pages)]
        run_marketdesk(html, case.url)
        if i in (n // 10, n - 1):
            gc.collect()
            rss.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(f"memory: max RSS {rss[0]:.0f} MiB after {n // 10} pages, {rss[1]:.0f} MiB after {n}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=0, help="first N pages only")
    parser.add_argument("--memory", type=int, default=0, help="pages for the memory check")
    parser.add_argument("--only", choices=("marketdesk", "trafilatura"), help="one tool only")
    parser.add_argument(
        "--split", choices=("all", "train", "heldout"), default="all", help="pages to score"
    )
    parser.add_argument(
        "--cold", action="store_true", help="no warm-up pass: first-use costs count too"
    )
    args = parser.parse_args()
    if not devset.available():
        print("../shared/data/dev is not present; nothing to measure", file=sys.stderr)
        return 1
    warnings.filterwarnings("ignore")
    cases = devset.load_cases(args.split, need_dump=False)
    if args.limit:
        cases = cases[: args.limit]
    pages = [(c, c.html()) for c in cases]
    tools: list[tuple[str, Callable[[bytes, str], Result]]] = [("marketdesk", run_marketdesk)]
    try:
        import trafilatura

        tools.append((f"trafilatura {trafilatura.__version__}", run_trafilatura))
    except ImportError:
        print("trafilatura is not installed (pip install '.[bench]'); skipping it", file=sys.stderr)
    if args.only:
        tools = [t for t in tools if t[0].startswith(args.only)]
    # Warm-up, untimed, for every tool alike and over every page: lazy imports, models and
    # caches (py3langid, htmldate, dateparser's per-locale patterns, shared by both tools in
    # this process) fill on first use, and whichever tool ran first would otherwise pay for
    # both. The timed pass then measures steady throughput, as in a long-running ingest.
    if not args.cold:
        for _name, fn in tools:
            for case, html in pages:
                with contextlib.suppress(Exception):  # a failure shows again in the timed run
                    fn(html, case.url)
    print(f"{len(pages)} pages ({args.split}) from {devset.HTML_DIR}")
    header = (
        f"{'tool':<20} {'kept':>6} {'removed':>7} {'F1':>6} {'traf.P':>6} {'traf.F1':>7} "
        f"{'title':>6} {'author':>6} {'date':>6} {'pages/s':>8} {'median ms':>9}"
    )
    print(header)
    rates = {}
    for name, fn in tools:
        score, meta, times = evaluate(name, fn, pages)
        rate = len(times) / sum(times)
        rates[name] = rate
        print(
            f"{name:<20} {score.kept:6.3f} {score.removed:7.3f} {score.f1:6.3f} "
            f"{score.traf_precision:6.3f} {score.traf_f1:7.3f} "
            f"{meta.acc('title'):6.3f} {meta.acc('author'):6.3f} "
            f"{meta.acc('date'):6.3f} {rate:8.1f} {statistics.median(times) * 1e3:9.2f}"
        )
    if len(rates) == 2:
        a, b = rates.values()
        print(f"speed ratio marketdesk / trafilatura: {a / b:.2f}x")
    if args.memory:
        memory_check(pages, args.memory)
    return 0


if __name__ == "__main__":
    sys.exit(main())
