"""The article-body shingle score that benchmarks/bench_body.py reports."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("devset", ROOT / "benchmarks" / "devset.py")
assert spec is not None and spec.loader is not None
devset = importlib.util.module_from_spec(spec)
sys.modules.setdefault("devset", devset)
spec.loader.exec_module(devset)


def test_identical_bodies_score_one() -> None:
    body = "Shares rose on Monday as traders bought banks and energy companies."
    assert devset.shingle_counts(body, body) == (1.0, 0.0, 0.0)
    assert devset.body_scores([devset.shingle_counts(body, body)])["f1"] == 1.0


def test_extra_and_missing_text() -> None:
    gold = "one two three four five six"  # 3 shingles
    pred = "one two three four five six seven eight"  # the 3 plus 2 more
    tp, fp, fn = devset.shingle_counts(gold, pred)
    assert (tp, fp, fn) == pytest.approx((3 / 5, 2 / 5, 0.0))
    scores = devset.body_scores([(tp, fp, fn)])
    assert scores["precision"] == pytest.approx(3 / 5)
    assert scores["recall"] == 1.0


def test_pages_weigh_the_same_and_empty_output_scores_zero() -> None:
    long_gold = " ".join(f"w{i}" for i in range(400))
    counts = [
        devset.shingle_counts(long_gold, long_gold),
        devset.shingle_counts("alpha beta gamma delta epsilon", ""),
    ]
    scores = devset.body_scores(counts)
    assert scores["recall"] == pytest.approx(0.5)
    assert scores["precision"] == pytest.approx(
        1.0
    )  # a page that predicts nothing has no precision
