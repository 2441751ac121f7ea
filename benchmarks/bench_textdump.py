"""Text-dump extraction on the 990-page dev set: marketdesk next to its peers, same run.

.venv/bin/python benchmarks/bench_textdump.py [--split all|heldout|train] [--memory N]
    [--speed-pages N] [--tools marketdesk,baseline,lines12,trafilatura,justext]

Quality: for each page of ../shared/data/dev/textdumps/pages, the share of gold "with" snippets
kept in the tool's output and of gold "without" snippets absent from it (snippets from
../shared/data/dev/html/evaldata.json; file F.html is pages/F.txt), summed over all snippets,
and F1 = harmonic mean of the two shares. "trafilatura-style" P/R/F count the same snippets as
true/false positives the way that project's evaluation does (P = kept with / (kept with + kept
without)). There is no full gold article body for these pages (only snippets), so a
Zyte-style body F1 (4-word shingles) cannot be computed here and is not reported.

The split: pages whose md5(file name) starts with an even hex digit are the "train" half (the
block model in src/marketdesk/extract/block_model.json is fitted on them by
benchmarks/train_textdump.py); the others are "heldout". Report on heldout for learned parts.

Speed: per-page extraction time of every tool on the same pages, one process (one core);
dumps per second at the median page. Memory: RSS before and after extracting N dumps cycled
from the dev set with marketdesk (--memory 0 skips it).

Peers run over the dump's lines: trafilatura 2.3.1 and jusText 3.0.2 get the lines wrapped as
<p> paragraphs of a minimal HTML document (install them with `pip install -e '.[bench]'`).
"""

from __future__ import annotations

import argparse
import gc
import html
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from devset import GOLD, PAGES, Case, Score, load_cases, norm, split_of

__all__ = ["GOLD", "PAGES", "Case", "Score", "load_cases", "norm", "split_of"]


# --- the tools: dump bytes in, extracted text out -------------------------------------------


def marketdesk_tool() -> Callable[[bytes, str], str]:
    from marketdesk.errors import MarketdeskError
    from marketdesk.extract import extract
    from marketdesk.model import RawDocument

    def run(content: bytes, name: str) -> str:
        try:
            page = extract(RawDocument(source=name, content=content), kind="text")
        except MarketdeskError:  # an empty dump: nothing extracted
            return ""
        return "\n".join(page.article.paragraphs)

    return run


def _lines(content: bytes) -> list[str]:
    out = []
    for line in content.decode("utf-8", "replace").splitlines():
        t = line.strip()
        if t.startswith("\u2022"):
            t = t[1:].strip()
        if t:
            out.append(t)
    return out


def baseline_tool() -> Callable[[bytes, str], str]:
    return lambda content, name: content.decode("utf-8", "replace")


def lines12_tool() -> Callable[[bytes, str], str]:
    return lambda content, name: "\n".join(t for t in _lines(content) if len(t.split()) >= 12)


def _as_html(lines: list[str]) -> str:
    body = "".join(f"<p>{html.escape(t)}</p>\n" for t in lines)
    return f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body>\n{body}</body></html>'


def trafilatura_tool() -> Callable[[bytes, str], str]:
    import trafilatura

    def run(content: bytes, name: str) -> str:
        return trafilatura.extract(_as_html(_lines(content))) or ""

    return run


_JUSTEXT_LANGS = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "ru": "Russian",
    "pl": "Polish",
    "sv": "Swedish",
    "da": "Danish",
    "no": "Norwegian_Bokmal",
    "fi": "Finnish",
    "cs": "Czech",
    "tr": "Turkish",
    "el": "Greek",
    "hu": "Hungarian",
    "ro": "Romanian",
    "uk": "Ukrainian",
    "id": "Indonesian",
}


def justext_tool() -> Callable[[bytes, str], str]:
    import justext
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    stoplists: dict[str, frozenset[str]] = {}

    def run(content: bytes, name: str) -> str:
        lines = _lines(content)
        # jusText needs the page's language: py3langid (the identifier marketdesk ships) reads
        # the first 3,000 characters of the page and picks the stoplist (English if unknown).
        code = identifier.classify(" ".join(lines)[:3000])[0]
        lang = _JUSTEXT_LANGS.get(str(code), "English")
        if lang not in stoplists:
            stoplists[lang] = justext.get_stoplist(lang)
        paragraphs = justext.justext(_as_html(lines).encode("utf-8"), stoplists[lang])
        return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)

    return run


TOOLS: dict[str, Callable[[], Callable[[bytes, str], str]]] = {
    "marketdesk": marketdesk_tool,
    "all text (baseline)": baseline_tool,
    "lines >= 12 words": lines12_tool,
    "trafilatura 2.3.1": trafilatura_tool,
    "jusText 3.0.2": justext_tool,
}
SHORT = {
    "marketdesk": "marketdesk",
    "baseline": "all text (baseline)",
    "lines12": "lines >= 12 words",
    "trafilatura": "trafilatura 2.3.1",
    "justext": "jusText 3.0.2",
}


def evaluate(
    run: Callable[[bytes, str], str], cases: list[Case], contents: list[bytes]
) -> list[tuple[str, float]]:
    """Each page's output and extraction time, in case order."""
    outs = []
    for case, content in zip(cases, contents, strict=True):
        t0 = time.perf_counter()
        out = run(content, case.name)
        outs.append((out, time.perf_counter() - t0))
    return outs


def score(cases: list[Case], outs: list[tuple[str, float]], split: str = "all") -> Score:
    s = Score()
    for case, (out, secs) in zip(cases, outs, strict=True):
        if split == "all" or split_of(case.name) == split:
            s.add(case, out)
            s.times.append(secs)
    return s


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def memory_run(contents: list[bytes], n: int) -> tuple[int, int, int, float]:
    run = marketdesk_tool()
    for c in contents[:50]:
        run(c, "warm")  # models and caches load before the first reading
    gc.collect()
    before = rss_kib()
    mid = 0
    t0 = time.perf_counter()
    for i in range(n):
        run(contents[i % len(contents)], "mem")
        if i == n // 2:
            gc.collect()
            mid = rss_kib()
    gc.collect()
    return before, mid, rss_kib(), time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("all", "heldout", "train"), default="all")
    ap.add_argument("--memory", type=int, default=20_000, help="dumps for the RSS run (0: skip)")
    ap.add_argument("--tools", default=",".join(SHORT))
    args = ap.parse_args(argv)
    if not PAGES.is_dir() or not GOLD.is_file():
        print(f"{PAGES} is not present; nothing to measure", file=sys.stderr)
        return 1
    cmd = "  ".join(["$", ".venv/bin/python", "benchmarks/bench_textdump.py", *sys.argv[1:]])
    print(cmd)
    splits = ["all", "heldout"] if args.split == "all" else [args.split]
    all_cases = load_cases("all")
    contents_all = [c.path.read_bytes() for c in all_cases]
    results: dict[str, dict[str, Score]] = {}
    for short in args.tools.split(","):
        label = SHORT[short.strip()]
        try:
            run = TOOLS[label]()
        except ImportError as exc:
            print(f"{label}: not installed ({exc}); pip install -e '.[bench]'", file=sys.stderr)
            continue
        run(contents_all[0], "warm-up")
        outs = evaluate(run, all_cases, contents_all)
        per_split = {sp: score(all_cases, outs, sp) for sp in splits}
        results[label] = per_split

    for sp in splits:
        n = sum(1 for c in all_cases if sp == "all" or split_of(c.name) == sp)
        print(f"\n## {sp} pages ({n})")
        print(
            "| tool | with kept | without removed | F1 | traf. P | traf. F1 "
            "| median ms | dumps/s (median page) |"
        )
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for label, per_split in results.items():
            s = per_split[sp]
            med = statistics.median(s.times)
            print(
                f"| {label} | {s.kept:.3f} | {s.removed:.3f} | {s.f1:.3f} | "
                f"{s.traf_precision:.3f} | {s.traf_f1:.3f} | {med * 1e3:.2f} | {1 / med:,.0f} |"
            )
    print(
        "\nZyte-style body F1: not reported; the dev set has gold snippets only, no full "
        "article body."
    )
    if args.memory > 0:
        before, mid, after, secs = memory_run(contents_all, args.memory)
        print(
            f"\nmemory: marketdesk over {args.memory:,} dumps cycled from the dev set in "
            f"{secs:.0f} s: RSS {before / 1024:.1f} MiB before, {mid / 1024:.1f} MiB halfway, "
            f"{after / 1024:.1f} MiB after ({(after - mid) / 1024:+.1f} MiB over the second half)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
