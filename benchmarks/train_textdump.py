"""Fit the text-dump block model (src/marketdesk/extract/block_model.json) on the dev set.

.venv/bin/python benchmarks/train_textdump.py [--split train]

Labels come from the gold snippets of ../shared/data/dev/html/evaldata.json: a block that
holds a "with" snippet is article text, one that holds a "without" snippet is not (a snippet
spread over several blocks labels each long block inside it). Only the "train" half of the
pages (bench_textdump.split_of) is used; bench_textdump.py --split heldout reports on the rest.
The model is L2-regularised logistic regression fitted with Newton's method (numpy, training
only); the decision threshold is the one that maximises the harmonic mean of the weighted
shares of positive blocks kept and negative blocks removed on the training half.
Nothing of the pages is written out: only weights, scaling and the threshold.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import bench_textdump as bench
from marketdesk.extract import blockmodel, extract
from marketdesk.model import Block, BlockKind, RawDocument


@dataclass
class PageData:
    case: bench.Case
    rows: np.ndarray
    start: int
    end: int
    texts: list[str]  # normalised block texts
    decidable: list[bool]  # blocks without a furniture kind
    protected: list[bool]  # kept whatever the model says
    labels: list[tuple[int, float, float]]  # block, label, weight


def collect(cases: list[bench.Case]) -> list[PageData]:
    """Every page's feature rows and its labelled blocks (those the model decides on)."""
    captured: list[tuple[list[Block], list[BlockKind | None], int, int]] = []
    real_choose = blockmodel.choose

    def capture(
        blocks: list[Block],
        kinds: list[BlockKind | None],
        start: int,
        end: int,
        page: blockmodel.PageText | None = None,
    ) -> list[bool] | None:
        captured.append((blocks, list(kinds), start, end))
        return None

    blockmodel.choose = capture
    pages = []
    try:
        for case in cases:
            captured.clear()
            content = case.path.read_bytes()
            if not content.strip():
                continue
            extract(RawDocument(source=case.name, content=content), kind="text")
            if not captured:
                continue
            blocks, kinds, start, end = captured[0]
            if start > end:
                continue
            rows = blockmodel.block_features(blocks, kinds, start, end)
            normed = [bench.norm(b.text) for b in blocks]
            labels = labels_for(case, normed, kinds)
            decidable = [k is None for k in kinds]
            protected = [blockmodel.protected(b, i, start, end) for i, b in enumerate(blocks)]
            pages.append(PageData(case, rows, start, end, normed, decidable, protected, labels))
    finally:
        blockmodel.choose = real_choose
    return pages


def labels_for(
    case: bench.Case, normed: list[str], kinds: list[BlockKind | None]
) -> list[tuple[int, float, float]]:
    """(block, label, weight) for the blocks that hold a gold snippet and are decidable."""
    labels = []
    for label, snippets in ((1.0, case.with_), (0.0, case.without)):
        for snip in snippets:
            s = bench.norm(snip)
            if len(s) < 3:
                continue
            hits = [i for i, t in enumerate(normed) if s in t]
            if not hits and len(s) > 40:
                hits = [i for i, t in enumerate(normed) if len(t) >= 20 and t in s]
            hits = [i for i in hits if kinds[i] is None]
            labels.extend((i, label, 1.0 / len(hits)) for i in hits)
    return labels


def fit_two_stages(
    pages: list[PageData], l2: float, protected_floor: float = 0.0
) -> tuple[tuple[dict[str, list[float]], dict[str, list[float]]], float, float]:
    """Stage one on the rows, stage two on rows plus stage one's context; the best cut.

    The cut is chosen as the extractor will use it: protected blocks stay unless their
    probability is under `protected_floor` (blockmodel.choose).
    """
    stage1 = fit_stage([p.rows for p in pages], pages, l2)
    s1 = stage_of(stage1)
    rows2 = [
        blockmodel.context_features(p.rows, s1.probabilities(p.rows), p.start, p.end) for p in pages
    ]
    stage2 = fit_stage(rows2, pages, l2)
    s2 = stage_of(stage2)
    probs = [s2.probabilities(r) for r in rows2]
    f1, cut = max(
        (snippet_f1(pages, probs, t / 100, protected_floor), t / 100) for t in range(20, 81, 2)
    )
    return (stage1, stage2), cut, f1


def stage_probabilities(
    stages: tuple[dict[str, list[float]], dict[str, list[float]]], page: PageData
) -> np.ndarray:
    """Stage two's probabilities for one page, as blockmodel.article_probabilities gives them."""
    s1, s2 = stage_of(stages[0]), stage_of(stages[1])
    return s2.probabilities(
        blockmodel.context_features(page.rows, s1.probabilities(page.rows), page.start, page.end)
    )


L2_GRID = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
FOLDS = 5


def fold_of(page: PageData) -> int:
    """A page's cross-validation fold: fixed by its name, so every run splits alike."""
    return int(hashlib.md5(page.case.name.encode()).hexdigest()[-4:], 16) % FOLDS


def cross_validated_f1(pages: list[PageData], l2: float, protected_floor: float = 0.0) -> float:
    """Mean snippet F1 over folds of the pages, each scored by a model fitted on the others."""
    scores = []
    for k in range(FOLDS):
        fit_on = [p for p in pages if fold_of(p) != k]
        held = [p for p in pages if fold_of(p) == k]
        stages, cut, _ = fit_two_stages(fit_on, l2, protected_floor)
        probs = [stage_probabilities(stages, p) for p in held]
        scores.append(snippet_f1(held, probs, cut, protected_floor))
    return float(np.mean(scores))


def choose_l2(pages: list[PageData], protected_floor: float = 0.0) -> float:
    """The L2 strength with the best cross-validated F1 on these (training) pages."""
    results = {l2: cross_validated_f1(pages, l2, protected_floor) for l2 in L2_GRID}
    for l2, f1 in results.items():
        print(f"  l2 {l2:<5} cross-validated snippet F1 {f1:.4f}")
    return max(results, key=lambda l2: (results[l2], l2))


def labelled(pages: list[PageData], rows_of: list[np.ndarray]) -> tuple[np.ndarray, ...]:
    X, y, w = [], [], []
    for page, rows in zip(pages, rows_of, strict=True):
        for i, label, weight in page.labels:
            X.append(rows[i])
            y.append(label)
            w.append(weight)
    return np.vstack(X), np.array(y), np.array(w)


def standardise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    mean[0], scale[0] = 0.0, 1.0  # the bias column stays as it is
    scale[scale < 1e-9] = 1.0
    return mean, scale


def fit_stage(
    rows_of: list[np.ndarray], pages: list[PageData], l2: float
) -> dict[str, list[float]]:
    X, y, w = labelled(pages, rows_of)
    mean, scale = standardise(X)
    beta = fit((X - mean) / scale, y, w, l2)
    return {
        "weights": [round(float(b), 6) for b in beta],
        "mean": [round(float(m), 6) for m in mean],
        "scale": [round(float(s), 6) for s in scale],
    }


def stage_of(d: dict[str, list[float]]) -> blockmodel._Stage:
    return blockmodel._Stage.from_json(d)


def snippet_f1(
    pages: list[PageData], probs: list[np.ndarray], cut: float, protected_floor: float = 0.0
) -> float:
    score = bench.Score()
    for page, p in zip(pages, probs, strict=True):
        out = "\n".join(
            t
            for t, ok, keep, q in zip(page.texts, page.decidable, page.protected, p, strict=True)
            if ok and ((keep and q >= protected_floor) or q >= cut)
        )
        score.add(page.case, out)
    return score.f1


def fit(X: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float) -> np.ndarray:
    beta = np.zeros(X.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(X @ beta)))
        grad = X.T @ (w * (p - y)) + l2 * beta
        hess = (X * (w * p * (1 - p))[:, None]).T @ X + l2 * np.eye(X.shape[1])
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def report_and_write(
    path: Path,
    about: str,
    trained_on: str,
    features: tuple[str, ...],
    pages: list[PageData],
    stages: tuple[dict[str, list[float]], dict[str, list[float]]],
    cut: float,
    f1: float,
    l2: float,
) -> None:
    """Print the fit and the stage-two weights, largest first, and write the model file."""
    print(f"{trained_on}, {sum(len(p.labels) for p in pages)} labelled blocks, l2 {l2}")
    print(f"threshold {cut:.2f}: snippet F1 on the training half {f1:.3f}")
    names = [*features, *blockmodel.CONTEXT_FEATURES]
    for name, b in sorted(zip(names, stages[1]["weights"], strict=True), key=lambda t: -abs(t[1])):
        print(f"  {name:<24} {b:+.3f}")
    model = {
        "about": about,
        "trained_on": trained_on,
        "l2": l2,
        "features": list(features),
        "context_features": list(blockmodel.CONTEXT_FEATURES),
        "stage1": stages[0],
        "stage2": stages[1],
        "threshold": round(cut, 3),
    }
    path.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="train")
    ap.add_argument("--l2", type=float, help="L2 strength (default: chosen by cross-validation)")
    args = ap.parse_args()
    cases = bench.load_cases(args.split)
    pages = collect(cases)
    l2 = args.l2 if args.l2 is not None else choose_l2(pages)
    stages, cut, f1 = fit_two_stages(pages, l2)
    report_and_write(
        blockmodel.MODEL_FILE,
        "text-dump block classifier; benchmarks/train_textdump.py writes it",
        f"dev set, {args.split} half ({len(cases)} pages)",
        blockmodel.FEATURES,
        pages,
        stages,
        cut,
        f1,
        l2,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
