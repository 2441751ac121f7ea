"""The dev set in ../shared/data/dev: pages, gold snippets, the split, and the snippet score.

Every benchmark, training script and quality gate reads the dev set through this module.
Pages stay in ../shared; nothing here copies them.

Scoring: a gold "with" snippet found in a tool's output is kept, a "without" snippet found is
a false positive; whitespace is normalised on both sides. `f1` is the harmonic mean of the
share of "with" snippets kept and of "without" snippets removed; `traf_precision` and
`traf_f1` count the same snippets the way trafilatura's evaluation does.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = SHARED / "data" / "dev"
HTML_DIR = DEV / "html"
PAGES = DEV / "textdumps" / "pages"
GOLD = HTML_DIR / "evaldata.json"


@dataclass(frozen=True, slots=True)
class Case:
    url: str
    file: str  # the HTML file's name in evaldata.json
    with_: tuple[str, ...]
    without: tuple[str, ...]
    gold: dict[str, Any] = field(hash=False, compare=False)  # metadata: title, author, date

    @property
    def name(self) -> str:
        """The text dump's file name."""
        stem = self.file[: -len(".html")] if self.file.endswith(".html") else self.file
        return f"{stem}.txt"

    @property
    def path(self) -> Path:
        """The text dump."""
        return PAGES / self.name

    def html(self) -> bytes:
        for folder in ("cache", "eval"):
            gz = HTML_DIR / folder / f"{self.file}.gz"
            if gz.is_file():
                return gzip.decompress(gz.read_bytes())
        raise FileNotFoundError(self.file)


def available() -> bool:
    return GOLD.is_file()


def split_of(name: str) -> str:
    """'train' or 'heldout', by the first hex digit of md5(name) (the text dump's name)."""
    return "train" if int(hashlib.md5(name.encode()).hexdigest()[0], 16) % 2 == 0 else "heldout"


def load_cases(split: str = "all", *, need_dump: bool = True) -> list[Case]:
    """The gold cases, sorted by name; with need_dump, only those that have a text dump."""
    data = json.loads(GOLD.read_text(encoding="utf-8"))
    cases = []
    for url, entry in data.items():
        case = Case(url, entry["file"], tuple(entry["with"]), tuple(entry["without"]), entry)
        if need_dump and not case.path.is_file():
            continue
        if split != "all" and split_of(case.name) != split:
            continue
        cases.append(case)
    cases.sort(key=lambda c: c.name)
    return cases


def norm(text: str) -> str:
    return " ".join(text.split())


@dataclass(slots=True)
class Score:
    with_total: int = 0
    with_kept: int = 0
    without_total: int = 0
    without_removed: int = 0
    times: list[float] = field(default_factory=list)

    def add(self, case: Case, output: str) -> None:
        out = norm(output)
        for s in case.with_:
            self.with_total += 1
            self.with_kept += norm(s) in out
        for s in case.without:
            self.without_total += 1
            self.without_removed += norm(s) not in out

    @property
    def kept(self) -> float:
        return self.with_kept / max(1, self.with_total)

    @property
    def removed(self) -> float:
        return self.without_removed / max(1, self.without_total)

    @property
    def f1(self) -> float:
        k, r = self.kept, self.removed
        return 2 * k * r / (k + r) if k + r else 0.0

    @property
    def traf_precision(self) -> float:
        fp = self.without_total - self.without_removed
        return self.with_kept / max(1, self.with_kept + fp)

    @property
    def traf_f1(self) -> float:
        p, r = self.traf_precision, self.kept
        return 2 * p * r / (p + r) if p + r else 0.0


# --- body F1 over word shingles, the way news-extraction benchmarks score article bodies ----

_WORD = re.compile(r"\w+")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Counts of n-word shingles of the text's \\w+ tokens (one shingle for shorter texts)."""
    tokens = _WORD.findall(text or "")
    if len(tokens) <= n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def shingle_counts(gold: str, predicted: str, n: int = 4) -> tuple[float, float, float]:
    """(tp, fp, fn) over shingles, scaled to sum to 1 so every page weighs the same."""
    g, p = shingles(gold, n), shingles(predicted, n)
    tp = float(sum((g & p).values()))
    fp = float(sum((p - g).values()))
    fn = float(sum((g - p).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def body_scores(counts: list[tuple[float, float, float]]) -> dict[str, float]:
    """Precision averaged over the pages that predicted something, recall over the pages
    that expected something, and the F1 of those two averages."""
    ps = [tp / (tp + fp) for tp, fp, _ in counts if tp + fp > 0]
    rs = [tp / (tp + fn) for tp, _, fn in counts if tp + fn > 0]
    p = sum(ps) / len(ps) if ps else 0.0
    r = sum(rs) / len(rs) if rs else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}
