"""Fit the HTML block model (src/marketdesk/extract/html_model.json) on the dev set.

.venv/bin/python benchmarks/train_html.py [--split train] [--l2 1.0]

The same method as train_textdump.py (its labelling, its Newton fit, its two stages), on the
blocks of the dev set's HTML pages with the markup evidence columns of htmlmodel.py. Only the
"train" half of the pages (devset.split_of) is used; `bench_html.py --split heldout` reports
on the rest. Nothing of the pages is written out: only weights, scaling and the threshold.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import devset
import train_textdump as tt
from marketdesk.extract import blockmodel, extract, htmlmodel
from marketdesk.model import Block, BlockKind, RawDocument


def collect(cases: list[devset.Case]) -> list[tt.PageData]:
    """Every page's feature rows (text features + markup evidence) and its labelled blocks."""
    captured: list[tuple[list[Block], list[BlockKind | None], int, int, np.ndarray]] = []
    real_choose = htmlmodel.choose

    def capture(
        blocks: list[Block], kinds: list[BlockKind | None], start: int, end: int, extra: np.ndarray
    ) -> list[bool] | None:
        captured.append((blocks, list(kinds), start, end, extra))
        return None

    htmlmodel.choose = capture  # type: ignore[assignment]
    pages = []
    try:
        for case in cases:
            captured.clear()
            try:
                extract(RawDocument(source=case.url, content=case.html(), url=case.url), "html")
            except Exception:
                continue
            if not captured:
                continue
            blocks, kinds, start, end, extra = captured[0]
            if start > end:
                continue
            rows = np.hstack([blockmodel.block_features(blocks, kinds, start, end), extra])
            normed = [devset.norm(b.text) for b in blocks]
            labels = tt.labels_for(case, normed, kinds)
            decidable = [k is None for k in kinds]
            protected = [blockmodel.protected(b, i, start, end) for i, b in enumerate(blocks)]
            pages.append(tt.PageData(case, rows, start, end, normed, decidable, protected, labels))
    finally:
        htmlmodel.choose = real_choose  # type: ignore[assignment]
    return pages


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="train")
    ap.add_argument("--l2", type=float, help="L2 strength (default: chosen by cross-validation)")
    args = ap.parse_args()
    htmlmodel.MODEL_FILE.unlink(missing_ok=True)  # train on the pipeline without the model
    cases = devset.load_cases(args.split, need_dump=False)
    pages = collect(cases)
    floor = htmlmodel.PROTECTED_FLOOR
    l2 = args.l2 if args.l2 is not None else tt.choose_l2(pages, floor)
    stages, cut, f1 = tt.fit_two_stages(pages, l2, floor)
    tt.report_and_write(
        htmlmodel.MODEL_FILE,
        "HTML block classifier; benchmarks/train_html.py writes it",
        f"dev set, {args.split} half ({len(pages)} pages)",
        htmlmodel.FEATURES,
        pages,
        stages,
        cut,
        f1,
        l2,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
