"""Topics (enrich/topics.py) and tone (enrich/tone.py) against labels made by hand: micro
precision, recall and F1 of the topic codes, and per topic; tone's accuracy over three labels
beside always answering the commonest label.

The texts are the passages written for the entity benchmark (benchmarks/data/
entities_written.txt, markup removed); the labels (benchmarks/data/topics_written.json) were
written for this check after the taxonomy's cues, without tuning the cues on them. A small,
finance-heavy set: it tells whether the taxonomy's main topics come out, not how it does on
every kind of news. With ../shared present, the reference page's topics are printed too.

    .venv/bin/python benchmarks/bench_topics.py [--show]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from marketdesk.enrich.tone import tone
from marketdesk.enrich.topics import topics
from marketdesk.extract import extract
from marketdesk.model import Article, RawDocument

DATA = Path(__file__).parent / "data"
REFERENCE = (
    Path(__file__).parents[1] / ".." / "shared" / "examples" / "yahoo-finance-ca-2024-07-05.txt"
)
_MARK = re.compile(r"[\[{]([^\]}]*)[\]}]\([^)]*\)")


def passages() -> list[str]:
    text = (DATA / "entities_written.txt").read_text(encoding="utf-8")
    blocks = [b for b in text.split("\n\n") if b.strip() and not b.lstrip().startswith("#")]
    return [_MARK.sub(r"\1", b).strip() for b in blocks]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--show", action="store_true", help="print each passage's topics")
    args = ap.parse_args()
    texts = passages()
    gold = json.loads((DATA / "topics_written.json").read_text(encoding="utf-8"))["labels"]
    if len(gold) != len(texts):
        print(f"{len(texts)} passages but {len(gold)} label lists", file=sys.stderr)
        return 1
    tp, fp, fn = Counter(), Counter(), Counter()
    for n, (text, want) in enumerate(zip(texts, gold, strict=True)):
        got = [t.code for t in topics(Article(title=None, paragraphs=(text,)))]
        for code in set(got) | set(want):
            if code in got and code in want:
                tp[code] += 1
            elif code in got:
                fp[code] += 1
            else:
                fn[code] += 1
        if args.show:
            print(f"{n + 1:2d} want {sorted(want)} got {got}")
    print(f"{len(texts)} passages, {sum(len(g) for g in gold)} gold topics")
    print(f"{'topic':12s} {'tp':>3s} {'fp':>3s} {'fn':>3s}")
    for code in sorted(set(tp) | set(fp) | set(fn)):
        print(f"{code:12s} {tp[code]:3d} {fp[code]:3d} {fn[code]:3d}")
    t, f, m = sum(tp.values()), sum(fp.values()), sum(fn.values())
    p, r = t / max(1, t + f), t / max(1, t + m)
    print(f"micro: precision {p:.3f}  recall {r:.3f}  F1 {2 * p * r / max(1e-9, p + r):.3f}")
    tones = json.loads((DATA / "topics_written.json").read_text(encoding="utf-8"))["tone"]
    got_tones = [tone(Article(title=None, paragraphs=(t,))).label for t in texts]
    right = sum(g == w for g, w in zip(got_tones, tones, strict=True))
    common = Counter(tones).most_common(1)[0]
    print(
        f"tone: {right}/{len(tones)} right ({right / len(tones):.3f}); always {common[0]!r}: "
        f"{common[1] / len(tones):.3f}"
    )
    confusion = Counter(zip(tones, got_tones, strict=True))
    print("  (want, got): " + ", ".join(f"{w}->{g} {n}" for (w, g), n in sorted(confusion.items())))
    if REFERENCE.is_file():
        page = extract(RawDocument(source=REFERENCE.name, content=REFERENCE.read_bytes()))
        shown = ", ".join(f"{t.code} {t.relevance:.2f}" for t in topics(page.article))
        print(f"reference page: {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
