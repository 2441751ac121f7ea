"""Story grouping on a syndication set built from ../shared: pairwise precision and recall.

    .venv/bin/python benchmarks/bench_stories.py [--pages N] [--no-body] [--sweep] [--seed S]

Copies of one article, each run through the real extraction (marketdesk.extract.extract):
- the dev page as published (../shared/data/dev/html) and its text dump (textdumps/pages);
- the extracted paragraphs in another HTML template (other nav, ads, related links, footer)
  under another headline;
- the same in a third template with the last 20-40% of paragraphs cut and a syndication
  credit and a promo added;
- a text dump of the paragraphs with a newsletter sign-up, "Read more" promos and an
  "originally appeared in" credit inserted between paragraphs.
The Dragnet pages (../shared/data/body, AGPL: measured here, never shipped) add their HTML and
text dump as one more article each; with the dev pages they are the distinct articles, many of
them from one site and on one subject. The documents are grouped incrementally in a shuffled
order (signature, candidates from shared band keys, choose_story), and the groups are scored
pairwise against the truth. --sweep compares shingle sizes, bands x rows, Jaccard against
containment and thresholds on the same extracted texts. Generated pages live in memory only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from html import escape
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import devset
from marketdesk.errors import MarketdeskError
from marketdesk.extract import extract
from marketdesk.model import RawDocument
from marketdesk.store.dedup import site_of
from marketdesk.stories import grouping
from marketdesk.stories import signature as sg

BODY = devset.SHARED / "data" / "body"

NAV = [
    "Home",
    "Markets",
    "Business",
    "Economy",
    "Tech",
    "Opinion",
    "Subscribe",
    "Sign in",
]
PROMOS = [
    "Sign up for our Morning Briefing newsletter and get the day's top stories in your inbox.",
    "Read more: The five charts that explain this week's markets",
    "Download our app for breaking news alerts.",
    "Advertisement",
    "Follow us on social media for the latest updates.",
]
CREDITS = [
    "This article originally appeared in the Harbour Gazette.",
    "This story was first published by Northfield Daily Record.",
    "Distributed by Meridian News Service.",
]
HEADLINES = [
    "What you need to know today",
    "The story everyone is talking about",
    "Explained: the latest developments",
]


# Dev pages that are one article, checked by eye: the same post at two addresses, an agency
# story on two sites, a press release and the site that republished it.
KNOWN_COPIES = {
    "dev:heavenlynnhealthy.de.mareenburk.html": "dev:heavenlynnhealthy.de.areenburk.html",
    "dev:cooperativa.cl-presidente.html": "dev:24horas.cl-segundo.html",
    "dev:djz.de-amoklauf.html": "dev:jagdverband.de-erschuettert.html",
    "dev:womencantalksports.com.top10.html": "dev:womencantalksports.com-top10.html",
}


@dataclass(frozen=True, slots=True)
class Doc:
    truth: str  # the article it is a copy of
    variant: str
    title: str | None
    paragraphs: tuple[str, ...]
    site: str = ""  # as the store works it out (store.dedup.site_of)


def _template(site: str, title: str, paragraphs: Sequence[str], rng: random.Random) -> bytes:
    """Another site's page around the paragraphs: nav, ads, a related list, a footer."""
    nav = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in rng.sample(NAV, 6))
    body = []
    for i, p in enumerate(paragraphs):
        body.append(f"<p>{escape(p)}</p>")
        if i == 2:
            body.append('<div class="ad-slot">Advertisement</div>')
    related = "".join(f'<li><a href="/r/{i}">{escape(h)}</a></li>' for i, h in enumerate(HEADLINES))
    return (
        f"<!doctype html><html><head><title>{escape(title)} | {site}</title>"
        f'<meta property="og:site_name" content="{site}"></head><body>'
        f'<header><div class="logo">{site}</div><nav><ul>{nav}</ul></nav></header>'
        f'<main><article><h1>{escape(title)}</h1><div class="byline">By Staff Writer</div>'
        f'{"".join(body)}</article><aside class="related"><h2>Related</h2><ul>{related}</ul>'
        f"</aside></main><footer><p>&copy; 2026 {site}. All rights reserved.</p>"
        '<p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a></p></footer>'
        "</body></html>"
    ).encode()


def _dump(title: str, paragraphs: Sequence[str], rng: random.Random) -> bytes:
    """A text dump of another site: menu lines, the article with furniture between
    paragraphs, a credit, a footer."""
    lines = ["  • " + n for n in rng.sample(NAV, 5)] + [title, "By Wire Staff"]
    for i, p in enumerate(paragraphs):
        lines.append(p)
        if i in (1, 4):
            lines.append(rng.choice(PROMOS))
    lines += [rng.choice(CREDITS), PROMOS[0], "© 2026 Example Publishing. All rights reserved."]
    return "\n".join(lines).encode()


def _extract(job: tuple[str, str, str, bytes, str]) -> Doc:
    truth, variant, kind, content, source = job
    raw = RawDocument(source=source, content=content, url=None)
    try:
        a = extract(raw, kind).article
    except MarketdeskError:
        return Doc(truth, variant, None, ())
    return Doc(truth, variant, a.title, a.paragraphs, site_of(raw, a))


def _copies(doc: Doc, rng: random.Random) -> list[tuple[str, str, str, bytes, str]]:
    paras = doc.paragraphs
    if not paras:
        return []
    title = rng.choice(HEADLINES)
    keep = max(1, round(len(paras) * (1 - rng.uniform(0.2, 0.4))))
    cut = [*paras[:keep], rng.choice(CREDITS), rng.choice(PROMOS)]
    t = doc.truth
    n = rng.randrange(10**9)  # each copy at its own address on its site
    return [
        (
            t,
            "template",
            "html",
            _template("The Daily Ledger", title, paras, rng),
            f"https://dailyledger.example/{n}",
        ),
        (
            t,
            "cut",
            "html",
            _template("Coastline Times", doc.title or title, cut, rng),
            f"https://coastlinetimes.example/{n}",
        ),
        (t, "furniture", "text", _dump(doc.title or title, paras, rng), t),
    ]


def originals(pages: int | None, body: bool) -> list[tuple[str, str, str, bytes, str]]:
    jobs = []
    cases = devset.load_cases(need_dump=False)
    if pages:
        cases = cases[:pages]
    for case in cases:
        jobs.append((f"dev:{case.file}", "page", "html", case.html(), case.url))
        if case.path.is_file():
            jobs.append((f"dev:{case.file}", "dump", "text", case.path.read_bytes(), case.name))
    if body and (BODY / "ground-truth.json").is_file():
        ids = sorted(json.loads((BODY / "ground-truth.json").read_text(encoding="utf-8")))
        for key in ids[:pages] if pages else ids:
            html = BODY / "html" / f"{key}.html.gz"
            if html.is_file():
                jobs.append(
                    (f"body:{key}", "page", "html", gzip.decompress(html.read_bytes()), key)
                )
            text = BODY / "text" / f"{key}.txt"
            if text.is_file():
                jobs.append((f"body:{key}", "dump", "text", text.read_bytes(), key))
    return jobs


def build(pages: int | None, body: bool, seed: int) -> list[Doc]:
    with ProcessPoolExecutor() as pool:
        docs = list(pool.map(_extract, originals(pages, body), chunksize=8))
        rng = random.Random(seed)
        jobs = [j for d in docs if d.variant == "page" for j in _copies(d, rng)]
        docs += list(pool.map(_extract, jobs, chunksize=8))
    return docs


Score = Callable[[sg.Signature, sg.Signature], float]


def group(
    sigs: Sequence[sg.Signature | None],
    order: Sequence[int],
    *,
    bands: int,
    rows: int,
    score: Score,
    threshold: float,
) -> tuple[list[int], float]:
    """Incremental grouping as the storage would run it: a band index, candidates sharing
    a key, the best story at or above the threshold. Story ids and mean candidates a doc."""
    index: dict[int, list[int]] = defaultdict(list)
    story = [-1] * len(sigs)
    looked = 0
    next_story = 0
    for i in order:
        sig = sigs[i]
        if sig is None:
            story[i], next_story = next_story, next_story + 1
            continue
        keys = sg.band_keys(sig, bands=bands, rows=rows)
        found = sorted({j for k in keys for j in index.get(k, ())})
        looked += len(found)
        best: tuple[float, int] | None = None
        for j in found:
            other = sigs[j]
            assert other is not None
            s = score(sig, other)
            if s >= threshold and (best is None or (s, -story[j]) > (best[0], -best[1])):
                best = (s, story[j])
        if best is None:
            story[i], next_story = next_story, next_story + 1
        else:
            story[i] = best[1]
        for k in keys:
            index[k].append(i)
    return story, looked / max(1, len(order))


def pairs(labels: Sequence[object]) -> set[tuple[int, int]]:
    members: dict[object, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        members[label].append(i)
    return {p for m in members.values() for p in combinations(m, 2)}


def pr(docs: Sequence[Doc], story: Sequence[int]) -> tuple[float, float, set[tuple[int, int]]]:
    truth = pairs([KNOWN_COPIES.get(d.truth, d.truth) for d in docs])
    got = pairs(story)
    tp = len(truth & got)
    return tp / max(1, len(got)), tp / max(1, len(truth)), got - truth


def jaccard_score(a: sg.Signature, b: sg.Signature) -> float:
    return grouping.jaccard(a, b)


def sweep(docs: Sequence[Doc], order: Sequence[int]) -> None:
    print("\nsweep (dev): words bands x rows  confirm      threshold  precision  recall  cands/doc")
    for words in (3, 4, 5, 6):
        sigs = [sg.signature(d.title, d.paragraphs, words=words) for d in docs]
        for bands, rows in ((85, 3), (64, 4), (128, 2)):
            for name, fn in (("jaccard", jaccard_score), ("containment", grouping.score)):
                for threshold in (0.3, 0.5, 0.7):
                    story, cands = group(
                        sigs, order, bands=bands, rows=rows, score=fn, threshold=threshold
                    )
                    p, r, _ = pr(docs, story)
                    print(
                        f"       {words}    {bands:2d} x {rows}   {name:11s}  {threshold:.1f}"
                        f"        {p:.4f}     {r:.4f}  {cands:.2f}"
                    )


def report(
    name: str,
    docs: list[Doc],
    sigs: list[sg.Signature | None],
    args: argparse.Namespace,
    sites: bool = True,
) -> None:
    """Group the documents as the desk would, in a shuffled order, and print the figures;
    ``sites=False`` groups as if no page's site were known (no same-site rule)."""
    order = list(range(len(docs)))
    random.Random(args.seed).shuffle(order)
    # The shipped decision: choose_story over the candidates that share a band key.
    index: dict[int, list[int]] = defaultdict(list)
    story = [-1] * len(docs)
    looked = 0
    for n, i in enumerate(order):
        sig = sigs[i]
        chosen = None
        keys: list[int] = []
        if sig is not None:
            keys = sg.band_keys(sig)
            found = sorted({j for k in keys for j in index.get(k, ())})
            looked += len(found)
            cands = [
                grouping.Candidate(j, story[j], s, docs[j].site, docs[j].title)
                for j in found
                if (s := sigs[j])
            ]
            chosen = grouping.choose_story(sig, cands, docs[i].site if sites else "", docs[i].title)
        story[i] = n if chosen is None else chosen
        for k in keys:
            index[k].append(i)
    p, r, wrong = pr(docs, story)
    truths = {d.truth for d in docs}
    print(
        f"\n{name}: {len(docs)} documents, {len(truths)} articles "
        f"({sum(t.startswith('dev:') for t in truths)} dev, "
        f"{sum(t.startswith('body:') for t in truths)} body), "
        f"{sum(s is None for s in sigs)} without a signature (too short to group)"
    )
    variants = sorted({d.variant for d in docs})
    print("variants:", ", ".join(f"{v} {sum(d.variant == v for d in docs)}" for v in variants))
    print(
        f"words {sg.SHINGLE_WORDS}, num_perm {sg.NUM_PERM}, {sg.BANDS} bands x {sg.ROWS} rows, "
        f"containment >= {grouping.THRESHOLD} (Jaccard >= {grouping.MIN_JACCARD}; "
        f"{grouping.SAME_SITE_JACCARD} for two pages of one site), "
        f"{len(sg.to_bytes(next(s for s in sigs if s)))} bytes a signature"
    )
    print(f"pairwise precision {p:.4f}  recall {r:.4f}  ({len(wrong)} wrong pairs)")
    print(f"candidates a document: {looked / len(docs):.2f}")
    # Recall by variant: the share of each variant's true pairs with the page that were found.
    for v in variants:
        want = found_ = 0
        first = {d.truth: i for i, d in enumerate(docs) if d.variant == "page"}
        for i, d in enumerate(docs):
            if d.variant != v or v == "page" or d.truth not in first:
                continue
            want += 1
            found_ += story[i] == story[first[d.truth]]
        if want:
            print(f"  {v:10s} joined its page's story: {found_ / want:.4f} of {want}")
    mixed = sorted({tuple(sorted((docs[a].truth, docs[b].truth))) for a, b in wrong})
    for x, y in mixed[: args.show]:
        print(f"  joined, not one article: {x} ~ {y}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, help="the first N dev (and N body) pages only")
    parser.add_argument("--no-body", action="store_true", help="leave out ../shared/data/body")
    parser.add_argument("--sweep", action="store_true", help="compare parameters too")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--show", type=int, default=10, help="wrong pairs to print")
    args = parser.parse_args()
    if not devset.available():
        print("../shared/data/dev is not here: nothing to measure")
        return 0
    print("command:", " ".join(["benchmarks/bench_stories.py", *sys.argv[1:]]))
    docs = build(args.pages, not args.no_body, args.seed)
    sigs: list[sg.Signature | None] = []
    times = []
    for d in docs:
        t = time.perf_counter()
        sigs.append(sg.signature(d.title, d.paragraphs))
        times.append(time.perf_counter() - t)
    signed = [t for t, s in zip(times, sigs, strict=True) if s is not None]

    print(
        f"signature(): median {statistics.median(signed) * 1e6:.0f} µs, "
        f"mean {statistics.fmean(signed) * 1e6:.0f} µs per article (one core)"
    )
    dev = [i for i, d in enumerate(docs) if d.truth.startswith("dev:")]
    report("dev pages and their copies", [docs[i] for i in dev], [sigs[i] for i in dev], args)
    if len(dev) < len(docs):
        report("dev and body pages and their copies", docs, sigs, args)
        report("the same, no site known (no same-site rule)", docs, sigs, args, sites=False)
        # Only the pages as crawled: where a site's own text kept by extraction would join its
        # different articles, the same-site rule is what keeps them apart.
        pages = [i for i, d in enumerate(docs) if d.variant == "page"]
        for sites in (True, False):
            report(
                f"the dev and body pages alone, {'with' if sites else 'without'} their sites",
                [docs[i] for i in pages],
                [sigs[i] for i in pages],
                args,
                sites=sites,
            )
    if args.sweep:  # on the dev pages and their copies
        dev_docs = [docs[i] for i in dev]
        order = list(range(len(dev_docs)))
        random.Random(args.seed).shuffle(order)
        sweep(dev_docs, order)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
