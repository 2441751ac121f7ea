"""Quality gates for entities, scored as benchmarks/bench_entities.py scores them: the written
passages always, the hand-labelled dev sample where ../shared is present. The floors sit a
little under the last measured figures (benchmarks/README.md), so a rule that breaks fails."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import spacy
from spacy.language import Language

from marketdesk.enrich import DEFAULT_MODEL

ROOT = Path(__file__).resolve().parents[1]


def _bench() -> ModuleType:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    path = ROOT / "benchmarks" / "bench_entities.py"
    spec = importlib.util.spec_from_file_location("bench_entities", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_entities", module)
    spec.loader.exec_module(module)
    return module


bench = _bench()


def _micro(s: Any) -> float:
    tp, fp, fn = sum(s.tp.values()), sum(s.fp.values()), sum(s.fn.values())
    return float(2 * tp / (2 * tp + fp + fn))


def _resolution(s: Any) -> tuple[float, float]:
    return s.pairs_right / s.pairs_found, s.pairs_right / s.pairs_gold


def test_written_passages(nlp: Language) -> None:
    cases = bench.written_cases()
    s = bench.score(cases, bench.run_marketdesk(nlp, [c.text for c in cases]))
    assert _micro(s) >= 0.96
    precision, recall = _resolution(s)
    assert precision >= 0.97 and recall >= 0.95
    # The half held out from tuning holds too (bench_entities.halves).
    _tuned, held_out = bench.halves(cases)
    texts = [c.text for c in held_out]
    assert _micro(bench.score(held_out, bench.run_marketdesk(nlp, texts))) >= 0.95
    # Every reference by title is found and joined to its person (the pairs above).
    for case, run in zip(cases, bench.run_marketdesk(nlp, [c.text for c in cases]), strict=True):
        got = {(f.start, f.end) for f in run if f.by_title}
        assert {(g.start, g.end) for g in case.gold if g.by_title} <= got, case.name


@pytest.mark.shared
def test_dev_sample_beats_the_plain_model(nlp: Language) -> None:
    cases, _notes = bench.dev_cases()
    if not cases:
        pytest.skip("../shared/data/dev is not present")
    plain_nlp = spacy.load(DEFAULT_MODEL)
    tuned = [c for c in cases if not c.held_out]
    held_out = [c for c in cases if c.held_out]
    texts = [c.text for c in tuned]
    ours = bench.score(tuned, bench.run_marketdesk(nlp, texts))
    plain = bench.score(tuned, bench.run_plain(plain_nlp, texts))
    assert _micro(ours) >= 0.79 and _micro(ours) > _micro(plain) + 0.15
    precision, recall = _resolution(ours)
    # 0.840 since the labels were re-anchored (benchmarks/realign_dev_labels.py): five texts
    # again, two of them left out for a while as "text changed".
    assert precision >= 0.98 and recall >= 0.83
    # The business pages labelled later, no rule tuned on them: the plain model does well
    # there, and marketdesk no worse.
    texts = [c.text for c in held_out]
    ours = bench.score(held_out, bench.run_marketdesk(nlp, texts))
    plain = bench.score(held_out, bench.run_plain(plain_nlp, texts))
    # 0.943 on the texts as labelled; 0.930 on the texts the dump extractor gives since issue
    # 13's comment rules (the floor sits just under it)
    assert _micro(ours) >= 0.92 and _micro(ours) >= _micro(plain), (_micro(ours), _micro(plain))
    precision, recall = _resolution(ours)
    assert precision >= 0.98 and recall >= 0.80
