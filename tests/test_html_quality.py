"""CI quality gate: HTML extraction on the 990-page dev set stays above pinned floors.

Scoring is benchmarks/devset.py's (gold snippets kept / removed). The floors sit a little
under the figures measured when they were pinned; raise them when the extractor improves.
"heldout" is the half of the pages the HTML block model was not trained on.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "data" / "dev" / "html" / "evaldata.json"

# Measured: all pages kept 0.924, removed 0.944, F1 0.934 (round ten), title 0.817, author 0.580,
# date 0.875; heldout kept 0.927, removed 0.932, F1 0.929 (trafilatura 2.3.1: all F1 0.924,
# heldout 0.917). Kept was 0.931 before round six dropped blocks standing alone after the
# article on HTML too (segment._drop_strays): removed rose as much, and precision on the
# whole-body set (the gap on unseen news pages) with it; the kept floor follows.
FLOORS = {
    "all": {"kept": 0.92, "removed": 0.94, "f1": 0.93},
    "heldout": {"kept": 0.925, "removed": 0.93, "f1": 0.925},
}
META_FLOORS = {"title": 0.80, "author": 0.555, "date": 0.86}

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not GOLD.is_file(), reason="../shared/data/dev is not present"),
]


def _load(name: str) -> ModuleType:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    devset = _load("devset")
    bench = _load("bench_html")
    scores = {split: devset.Score() for split in FLOORS}
    meta = bench.Meta()
    for case in devset.load_cases("all", need_dump=False):
        result = bench.run_marketdesk(case.html(), case.url)
        meta.add(result, case.gold)
        scores["all"].add(case, result[0])
        if devset.split_of(case.name) == "heldout":
            scores["heldout"].add(case, result[0])
    return {"scores": scores, "meta": meta}


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_body_quality_floor(results: dict[str, Any], split: str) -> None:
    s = results["scores"][split]
    got = {"kept": s.kept, "removed": s.removed, "f1": s.f1}
    for name, floor in FLOORS[split].items():
        assert got[name] >= floor, f"{split} {name} {got[name]:.3f} fell below {floor}"


def test_metadata_quality_floor(results: dict[str, Any]) -> None:
    meta = results["meta"]
    for key, floor in META_FLOORS.items():
        assert meta.acc(key) >= floor, f"{key} accuracy {meta.acc(key):.3f} fell below {floor}"
