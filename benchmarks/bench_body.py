"""Article-body F1 over word shingles on a set of pages with full gold bodies.

    .venv/bin/python benchmarks/bench_body.py [DATA_DIR] [--limit N]

DATA_DIR holds `ground-truth.json` (page id -> {"articleBody": ..., "url": ...}) and the pages
as `html/ID.html.gz` (or `.html`): the layout of the public article-extraction benchmarks.
The score is the one those benchmarks use: 4-word shingles of \\w+ tokens per page, true and
false positives and negatives scaled per page, precision and recall averaged over pages, and
the F1 of the two averages (devset.shingle_counts, devset.body_scores). marketdesk and
trafilatura 2.3.1 run on the same pages in the same process; pages per second on one core.
DATA_DIR defaults to ../shared/data/body. No such data set ships in ../shared today: the
script says so and exits 0 (so `make bench` runs on), ready for one.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_html
import devset

DEFAULT_DATA = devset.SHARED / "data" / "body"


def load(data: Path) -> list[tuple[str, str, bytes, str]]:
    """(id, url, html bytes, gold body) for every page that has both."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for key, entry in sorted(truth.items()):
        for path in (data / "html" / f"{key}.html.gz", data / "html" / f"{key}.html"):
            if path.is_file():
                raw = path.read_bytes()
                html = gzip.decompress(raw) if path.suffix == ".gz" else raw
                pages.append((key, entry.get("url") or "", html, entry.get("articleBody") or ""))
                break
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data", type=Path, nargs="?", default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").is_file():
        print(f"{args.data}: no ground-truth.json; no body data set to measure", file=sys.stderr)
        return 0 if args.data == DEFAULT_DATA else 1
    warnings.filterwarnings("ignore")
    pages = load(args.data)[: args.limit or None]
    tools = [("marketdesk", bench_html.run_marketdesk)]
    try:
        import trafilatura

        tools.append((f"trafilatura {trafilatura.__version__}", bench_html.run_trafilatura))
    except ImportError:
        print("trafilatura is not installed (pip install '.[bench]')", file=sys.stderr)
    print(f"{len(pages)} pages from {args.data}")
    print(f"{'tool':<20} {'precision':>9} {'recall':>7} {'F1':>6} {'pages/s':>8}")
    for name, run in tools:
        counts, seconds = [], 0.0
        for _key, url, html, gold in pages:
            t0 = time.perf_counter()
            try:
                text = run(html, url)[0]
            except Exception:  # a tool crashing on a page scores that page as empty
                text = ""
            seconds += time.perf_counter() - t0
            counts.append(devset.shingle_counts(gold, text))
        s = devset.body_scores(counts)
        print(
            f"{name:<20} {s['precision']:9.3f} {s['recall']:7.3f} {s['f1']:6.3f} "
            f"{len(pages) / max(seconds, 1e-9):8.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
