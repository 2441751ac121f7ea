"""Article-body F1 over word shingles on a set of pages with full gold bodies.

    .venv/bin/python benchmarks/bench_body.py [DATA_DIR] [--split all|training|test]
        [--mode both|html|text] [--tools marketdesk,trafilatura,readability,resiliparse]
        [--limit N] [--per-page FILE]

DATA_DIR holds `ground-truth.json` (page id -> {"articleBody": ..., "url": ...}) and the pages
as `html/ID.html.gz` (or `.html`): the layout of the public article-extraction benchmarks;
`text/ID.txt` (the same pages as plain-text dumps, one block a line) and `split.json`
({"training": [...], "test": [...]}) where the set has them. Default: ../shared/data/body.

The score is the one those benchmarks use: 4-word shingles of \\w+ tokens per page, true and
false positives and negatives scaled per page, precision and recall averaged over pages, and
the F1 of the two averages (devset.shingle_counts, devset.body_scores).

HTML (`html/`): marketdesk, trafilatura 2.3.1 (bare_extraction, metadata on, comments off),
readability-lxml 0.9 (Document(...).summary(), its text) and resiliparse 2.0.1
(extract_plain_text(main_content=True)). Text dumps (`text/`): marketdesk with kind="text";
the peers over the dump's lines, wrapped as <p> paragraphs of a minimal HTML document, as
bench_textdump.py runs them; and "all text", the whole dump (doing nothing).

Every tool runs on the same pages in the same process, page by page in turn (so a burst of
load on the machine hits all tools alike); each tool first runs the first 20 pages untimed
(warm: imports, models, caches). Pages per second is pages / seconds in the tool, one process,
one core. Ratios against trafilatura are printed, being less noisy than the figures; so are the
median page's time and the pages a second it makes (bench_textdump.py's speed figure).
`--per-page FILE` writes every page's (tp, fp, fn) per tool as JSON, for error study.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import bench_html
import devset
from bench_textdump import _as_html, _lines

DEFAULT_DATA = devset.SHARED / "data" / "body"
WARM_PAGES = 20

Tool = Callable[[bytes, str], str]


def load(data: Path, split: str = "all") -> list[tuple[str, str, bytes, str]]:
    """(id, url, html bytes, gold body) for every page of the split that has both."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    wanted = _split_ids(data, split)
    pages = []
    for key, entry in sorted(truth.items()):
        if wanted is not None and key not in wanted:
            continue
        for path in (data / "html" / f"{key}.html.gz", data / "html" / f"{key}.html"):
            if path.is_file():
                raw = path.read_bytes()
                html = gzip.decompress(raw) if path.suffix == ".gz" else raw
                pages.append((key, entry.get("url") or "", html, entry.get("articleBody") or ""))
                break
    return pages


def load_dumps(data: Path, split: str = "all") -> list[tuple[str, str, bytes, str]]:
    """(id, url, dump bytes, gold body) for every page of the split that has a text dump."""
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    wanted = _split_ids(data, split)
    pages = []
    for key, entry in sorted(truth.items()):
        path = data / "text" / f"{key}.txt"
        if (wanted is None or key in wanted) and path.is_file():
            gold = entry.get("articleBody") or ""
            pages.append((key, entry.get("url") or "", path.read_bytes(), gold))
    return pages


def _split_ids(data: Path, split: str) -> frozenset[str] | None:
    if split == "all":
        return None
    path = data / "split.json"
    if not path.is_file():
        raise SystemExit(f"{path}: no split file; use --split all")
    return frozenset(json.loads(path.read_text(encoding="utf-8"))[split])


# --- HTML tools: page bytes in, article text out ---------------------------------------------


def html_marketdesk() -> Tool:
    return lambda html, url: bench_html.run_marketdesk(html, url)[0]


def html_trafilatura() -> Tool:
    import trafilatura  # noqa: F401  (ImportError: not installed)

    return lambda html, url: bench_html.run_trafilatura(html, url)[0]


_READABILITY_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "br", "pre")


def _html_text(fragment: str) -> str:
    """The text of an HTML fragment, a line break after each block element."""
    import lxml.html

    if not fragment.strip():
        return ""
    root = lxml.html.fromstring(fragment)
    for el in root.iter(*_READABILITY_BLOCKS):
        el.tail = "\n" + (el.tail or "")
    return str(root.text_content())


def html_readability() -> Tool:
    from readability import Document

    def run(html: bytes, url: str) -> str:
        return _html_text(Document(html, url=url or None).summary(html_partial=True))

    return run


def html_resiliparse() -> Tool:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.encoding import bytes_to_str, detect_encoding

    def run(html: bytes, url: str) -> str:
        text = bytes_to_str(html, detect_encoding(html))
        return str(extract_plain_text(text, main_content=True))

    return run


# --- text-dump tools: dump bytes in, article text out ----------------------------------------


def text_marketdesk() -> Tool:
    from bench_textdump import marketdesk_tool

    return marketdesk_tool()


def text_all() -> Tool:
    return lambda content, name: content.decode("utf-8", "replace")


def text_trafilatura() -> Tool:
    import trafilatura

    return lambda content, name: trafilatura.extract(_as_html(_lines(content))) or ""


def text_readability() -> Tool:
    from readability import Document

    def run(content: bytes, name: str) -> str:
        return _html_text(Document(_as_html(_lines(content))).summary(html_partial=True))

    return run


def text_resiliparse() -> Tool:
    from resiliparse.extract.html2text import extract_plain_text

    def run(content: bytes, name: str) -> str:
        return str(extract_plain_text(_as_html(_lines(content)), main_content=True))

    return run


HTML_TOOLS: dict[str, tuple[str, Callable[[], Tool]]] = {
    "marketdesk": ("marketdesk", html_marketdesk),
    "trafilatura": ("trafilatura 2.3.1", html_trafilatura),
    "readability": ("readability-lxml 0.9", html_readability),
    "resiliparse": ("resiliparse 2.0.1", html_resiliparse),
}
TEXT_TOOLS: dict[str, tuple[str, Callable[[], Tool]]] = {
    "marketdesk": ("marketdesk", text_marketdesk),
    "all": ("all text (nothing done)", text_all),
    "trafilatura": ("trafilatura 2.3.1", text_trafilatura),
    "readability": ("readability-lxml 0.9", text_readability),
    "resiliparse": ("resiliparse 2.0.1", text_resiliparse),
}


def measure(
    tools: dict[str, tuple[str, Callable[[], Tool]]],
    wanted: list[str],
    pages: list[tuple[str, str, bytes, str]],
) -> dict[str, tuple[list[tuple[float, float, float]], list[float]]]:
    """Per tool label: every page's shingle counts and its seconds in the tool."""
    runs: dict[str, Tool] = {}
    for short in wanted:
        if short not in tools:
            continue
        label, make = tools[short]
        try:
            runs[label] = make()
        except ImportError as exc:
            print(f"{label}: not installed ({exc}); pip install -e '.[bench]'", file=sys.stderr)
    for run in runs.values():  # warm: imports, models, caches
        for _key, url, content, _gold in pages[:WARM_PAGES]:
            _call(run, content, url)
    counts: dict[str, list[tuple[float, float, float]]] = {label: [] for label in runs}
    times: dict[str, list[float]] = {label: [] for label in runs}
    for _key, url, content, gold in pages:
        for label, run in runs.items():
            t0 = time.perf_counter()
            text = _call(run, content, url)
            times[label].append(time.perf_counter() - t0)
            counts[label].append(devset.shingle_counts(gold, text))
    return {label: (counts[label], times[label]) for label in runs}


def _call(run: Tool, content: bytes, url: str) -> str:
    try:
        return run(content, url)
    except Exception:  # a tool crashing on a page scores that page as empty
        return ""


def report(
    title: str, n: int, results: dict[str, tuple[list[tuple[float, float, float]], list[float]]]
) -> None:
    print(f"\n## {title} ({n} pages)")
    print(
        "| tool | precision | recall | F1 | pages/s | speed vs trafilatura "
        "| median ms | pages/s at the median page |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    traf = next((sum(t) for label, (_, t) in results.items() if "trafilatura" in label), None)
    for label, (counts, times) in results.items():
        s = devset.body_scores(counts)
        secs = sum(times)
        med = statistics.median(times)
        ratio = f"{traf / secs:.2f}x" if traf and secs else "-"
        print(
            f"| {label} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} "
            f"| {n / max(secs, 1e-9):,.1f} | {ratio} | {med * 1e3:.2f} "
            f"| {1 / max(med, 1e-9):,.0f} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path, nargs="?", default=DEFAULT_DATA)
    parser.add_argument("--split", choices=("all", "training", "test"), default="all")
    parser.add_argument("--mode", choices=("both", "html", "text"), default="both")
    parser.add_argument("--tools", default="marketdesk,all,trafilatura,readability,resiliparse")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--per-page", type=Path, default=None)
    args = parser.parse_args()
    if not (args.data / "ground-truth.json").is_file():
        print(f"{args.data}: no ground-truth.json; no body data set to measure", file=sys.stderr)
        return 0 if args.data == DEFAULT_DATA else 1
    warnings.filterwarnings("ignore")
    print("$ .venv/bin/python benchmarks/bench_body.py " + " ".join(sys.argv[1:]))
    wanted = [t.strip() for t in args.tools.split(",") if t.strip()]
    dump: dict[str, dict[str, object]] = {}
    for mode, loader, tools in (
        ("html", load, HTML_TOOLS),
        ("text", load_dumps, TEXT_TOOLS),
    ):
        if args.mode not in ("both", mode):
            continue
        pages = loader(args.data, args.split)[: args.limit or None]
        if not pages:
            print(f"\n{mode}: no pages under {args.data}", file=sys.stderr)
            continue
        results = measure(tools, wanted, pages)
        kind = "HTML pages" if mode == "html" else "text dumps"
        report(f"{kind}, {args.split} of {args.data.name}", len(pages), results)
        keys = [key for key, *_ in pages]
        dump[mode] = {
            label: dict(zip(keys, counts, strict=True)) for label, (counts, _) in results.items()
        }
    if args.per_page is not None:
        args.per_page.write_text(json.dumps(dump), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
