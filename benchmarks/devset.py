"""The dev set in ../shared/data/dev: pages, gold snippets, and the snippet score.

Scoring follows trafilatura's evaluation: a "with" snippet found in the output is a
true positive (else a false negative); a "without" snippet found is a false positive
(else a true negative). Whitespace is normalised on both sides.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared"
HTML_DIR = SHARED / "data" / "dev" / "html"
TEXT_DIR = SHARED / "data" / "dev" / "textdumps" / "pages"
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Case:
    url: str
    file: str
    gold: dict[str, Any]

    def html(self) -> bytes:
        for folder in ("cache", "eval"):
            path = HTML_DIR / folder / f"{self.file}.gz"
            if path.is_file():
                return gzip.decompress(path.read_bytes())
        raise FileNotFoundError(self.file)

    def text_dump_path(self) -> Path:
        stem = self.file[:-5] if self.file.endswith(".html") else self.file
        return TEXT_DIR / f"{stem}.txt"


def available() -> bool:
    return (HTML_DIR / "evaldata.json").is_file()


def cases() -> Iterator[Case]:
    data = json.loads((HTML_DIR / "evaldata.json").read_text(encoding="utf-8"))
    for url, gold in data.items():
        yield Case(url=url, file=gold["file"], gold=gold)


def norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    pages: int = 0
    errors: int = 0
    seconds: list[float] = field(default_factory=list)

    def add(self, output: str, gold: dict[str, Any]) -> None:
        text = norm(output)
        self.pages += 1
        for snippet in gold.get("with", []):
            if norm(snippet) in text:
                self.tp += 1
            else:
                self.fn += 1
        for snippet in gold.get("without", []):
            if norm(snippet) in text:
                self.fp += 1
            else:
                self.tn += 1

    @property
    def recall(self) -> float:  # share of "with" snippets kept
        return self.tp / max(1, self.tp + self.fn)

    @property
    def removed(self) -> float:  # share of "without" snippets removed
        return self.tn / max(1, self.tn + self.fp)

    @property
    def precision(self) -> float:
        return self.tp / max(1, self.tp + self.fp)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0
