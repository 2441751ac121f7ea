"""Entities: plain en_core_web_sm beside marketdesk's enriched pipeline, on labels written for
marketdesk.

Two label sets, both in benchmarks/data/:

- entities_written.txt: financial-news passages written for the project, labels inline;
- entities_dev_labels.json: labels (offsets, kinds, entity ids) made by hand on a sample of
  the dev set's article texts, which are read from ../shared (extracted by marketdesk, as the
  desk would) and never copied here; skipped when ../shared is absent, and a page whose text no
  longer matches its labels is reported and left out. Pages marked held_out (business news
  labelled later, no rule tuned on them) are reported apart from the first five.

Scores: named mentions by kind (exact span: a leading "the" and a trailing "'s" are trimmed
from both systems' spans alike), micro-averaged over the kinds; then resolution, as pairwise
precision and recall of "same entity" over the gold mentions each system found (references by
title included: only marketdesk makes them). The plain model's kinds: PERSON person, ORG
organisation, GPE, LOC, FAC and NORP place; its entities: one per distinct name. The written
passages are reported in two halves chosen by a hash of their text: rules are tuned looking at
the errors of half A only, so half B is held out (as is the issue's own unseen set).

Speed, on one core (BLAS threads 1, the process pinned to one CPU): articles and words per CPU
second over the first N English dev pages (default 100; headline and article text, as
extracted), best of --repeat rounds after a warm one, each system's whole path (plain: the
model's default pipes; marketdesk: enrich_many, that is its pipes, ruler, recogniser, mention
rules, resolution, topics and tone); then the same pages cut to about 4,000 characters (the
median news article); then where marketdesk's time goes, stage by stage.

    .venv/bin/python benchmarks/bench_entities.py [--repeat N] [--pages N] [--show] [--unseen]

--unseen first times one pass of each system over the cut articles before either has read
them (both having read the other English dev articles), since the timed rounds reread texts
whose words both vocabularies keep.
"""

from __future__ import annotations

import os

# One core: numpy's BLAS and OpenMP single-threaded (set before numpy loads), the process
# pinned to one CPU in main().
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable, Iterable  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402
from pathlib import Path  # noqa: E402

import spacy  # noqa: E402
from spacy.language import Language  # noqa: E402

from marketdesk.enrich import annotate, enrich_many, load_pipeline, resolve  # noqa: E402
from marketdesk.enrich.mentions import candidates  # noqa: E402
from marketdesk.enrich.pipeline import DEFAULT_MODEL  # noqa: E402
from marketdesk.enrich.tone import tone  # noqa: E402
from marketdesk.enrich.topics import topics  # noqa: E402
from marketdesk.errors import MarketdeskError  # noqa: E402
from marketdesk.extract import extract  # noqa: E402
from marketdesk.model import Article, Page, RawDocument  # noqa: E402

HERE = Path(__file__).resolve().parent
WRITTEN = HERE / "data" / "entities_written.txt"
UNSEEN = HERE / "data" / "entities_unseen.txt"
DEV_LABELS = HERE / "data" / "entities_dev_labels.json"
SHARED = HERE.parent.parent / "shared"
KINDS = ("person", "organisation", "place")
MEDIAN_CHARS = 4_000  # about the median news article's length
_KIND = {"person": "person", "org": "organisation", "place": "place"}
_PLAIN = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "place",
}
_MARK = re.compile(r"\[([^\]]+)\]\((\w+):([\w-]+)\)|\{([^}]+)\}\((\w+):([\w-]+)\)")


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    kind: str
    entity: str
    by_title: bool = False


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    gold: tuple[Gold, ...]
    held_out: bool = False


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    kind: str
    entity: int
    by_title: bool = False


def written_cases(path: Path = WRITTEN) -> list[Case]:
    blocks = [
        b.strip()
        for b in re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
        if b.strip() and not b.lstrip().startswith("#")
    ]
    cases = []
    for n, block in enumerate(blocks):
        text, gold = _unmark(" ".join(block.split("\n")))
        cases.append(Case(f"written-{n + 1:02d}", text, tuple(gold)))
    return cases


def halves(cases: list[Case]) -> tuple[list[Case], list[Case]]:
    """Half A (rules tuned on its errors) and half B (held out), by a hash of each text."""
    a = [c for c in cases if hashlib.sha256(c.text.encode()).digest()[0] % 2 == 0]
    b = [c for c in cases if hashlib.sha256(c.text.encode()).digest()[0] % 2 == 1]
    return a, b


def _unmark(marked: str) -> tuple[str, list[Gold]]:
    out: list[str] = []
    gold: list[Gold] = []
    pos = 0
    length = 0
    for m in _MARK.finditer(marked):
        out.append(marked[pos : m.start()])
        length += m.start() - pos
        surface = m.group(1) or m.group(4)
        kind, ident = (m.group(2), m.group(3)) if m.group(1) else (m.group(5), m.group(6))
        gold.append(Gold(length, length + len(surface), _KIND[kind], ident, m.group(4) is not None))
        out.append(surface)
        length += len(surface)
        pos = m.end()
    out.append(marked[pos:])
    return "".join(out), gold


def dev_cases(path: Path = DEV_LABELS, shared: Path = SHARED) -> tuple[list[Case], list[str]]:
    """The labelled dev pages whose text is there and unchanged; and what was left out."""
    if not path.is_file():
        return [], ["no dev labels file"]
    data = json.loads(path.read_text(encoding="utf-8"))
    root = shared / "data" / "dev" / "textdumps"
    if not root.is_dir():
        return [], [f"{root} absent: dev labels skipped"]
    cases, notes = [], []
    for page in data["pages"]:
        file = root / page["file"]
        if not file.is_file():
            notes.append(f"{page['file']}: missing")
            continue
        text = dev_text(file)
        if hashlib.sha256(text.encode()).hexdigest() != page["sha256"]:
            notes.append(f"{page['file']}: extracted text changed since it was labelled")
            continue
        gold = []
        for start, end, kind, ident, surface, *rest in page["mentions"]:
            if text[start:end] != surface:
                notes.append(f"{page['file']}: label {surface!r} at {start} does not match")
                break
            gold.append(Gold(start, end, kind, ident, bool(rest and rest[0])))
        else:
            cases.append(Case(page["file"], text, tuple(gold), bool(page.get("held_out"))))
    return cases, notes


def dev_text(file: Path) -> str:
    page = extract(RawDocument(source=str(file), content=file.read_bytes()), kind="text")
    return page.article.text


def speed_pages(n: int, shared: Path = SHARED) -> list[Page]:
    """The pages (headline and article text) of the first n English dev pages, in name order."""
    root = shared / "data" / "dev" / "textdumps" / "pages"
    if not root.is_dir():
        return []
    out: list[Page] = []
    for file in sorted(root.iterdir()):
        if len(out) >= n:
            break
        try:
            page = extract(RawDocument(source=str(file), content=file.read_bytes()), kind="text")
        except MarketdeskError:
            continue  # an empty dump: no text to time
        if page.article.language == "en" and page.article.text:
            out.append(page)
    return out


def speed_texts(n: int, shared: Path = SHARED) -> list[str]:
    """The article texts of the first n English dev pages (in name order), for timing."""
    return [p.article.text for p in speed_pages(n, shared)]


def cut(page: Page, chars: int) -> Page:
    """The page with its article cut after the paragraph that reaches `chars` characters."""
    kept: list[str] = []
    size = 0
    for para in page.article.paragraphs:
        if size >= chars:
            break
        kept.append(para)
        size += len(para) + 2
    return replace(page, article=replace(page.article, paragraphs=tuple(kept)))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    span = text[start:end]
    for article in ("the ", "The "):
        if span.startswith(article):
            start += len(article)
            span = span[len(article) :]
    for poss in ("'s", "\u2019s"):
        if span.endswith(poss):
            end -= len(poss)
    return start, end


def run_plain(nlp: Language, texts: list[str]) -> list[list[Found]]:
    out = []
    for text, doc in zip(texts, nlp.pipe(texts), strict=True):
        ids: dict[tuple[str, str], int] = {}
        found = []
        for ent in doc.ents:
            kind = _PLAIN.get(ent.label_)
            if kind is None:
                continue
            start, end = _trim(text, ent.start_char, ent.end_char)
            entity = ids.setdefault((kind, text[start:end].casefold()), len(ids))
            found.append(Found(start, end, kind, entity))
        out.append(found)
    return out


def run_marketdesk(nlp: Language, texts: list[str]) -> list[list[Found]]:
    out = []
    for doc in nlp.pipe(texts):
        ann = annotate(doc, 0)
        out.append(
            [
                Found(m.start, m.end, e.kind.value, e.id, m.by_title)
                for e in ann.entities
                for m in e.mentions
            ]
        )
    return out


@dataclass
class Score:
    tp: Counter[str]
    fp: Counter[str]
    fn: Counter[str]
    pairs_found: int = 0
    pairs_right: int = 0
    pairs_gold: int = 0
    errors: list[str] | None = None


def score(cases: list[Case], runs: list[list[Found]], show: bool = False) -> Score:
    s = Score(Counter(), Counter(), Counter(), errors=[])
    for case, found in zip(cases, runs, strict=True):
        gold_named = {(g.start, g.end): g for g in case.gold if not g.by_title}
        found_named = {(f.start, f.end): f for f in found if not f.by_title}
        for span, g in gold_named.items():
            f = found_named.get(span)
            if f is not None and f.kind == g.kind:
                s.tp[g.kind] += 1
            else:
                s.fn[g.kind] += 1
                if show and s.errors is not None:
                    got = f"as {f.kind}" if f else "missed"
                    s.errors.append(f"{case.name}: {case.text[span[0] : span[1]]!r} {g.kind} {got}")
        for span, f in found_named.items():
            g = gold_named.get(span)
            if g is None or g.kind != f.kind:
                s.fp[f.kind] += 1
                if show and s.errors is not None and g is None:
                    s.errors.append(f"{case.name}: {case.text[span[0] : span[1]]!r} extra {f.kind}")
        # Resolution over the gold mentions that were found.
        by_span = {(f.start, f.end): f for f in found}
        gold = list(case.gold)
        for i, a in enumerate(gold):
            for b in gold[i + 1 :]:
                same_gold = a.entity == b.entity
                s.pairs_gold += same_gold
                fa, fb = by_span.get((a.start, a.end)), by_span.get((b.start, b.end))
                if fa is None or fb is None:
                    continue
                if fa.entity == fb.entity:
                    s.pairs_found += 1
                    s.pairs_right += same_gold
                    if show and not same_gold and s.errors is not None:
                        s.errors.append(
                            f"{case.name}: {case.text[a.start : a.end]!r} and "
                            f"{case.text[b.start : b.end]!r} wrongly one entity"
                        )
                elif show and same_gold and s.errors is not None:
                    s.errors.append(
                        f"{case.name}: {case.text[a.start : a.end]!r} and "
                        f"{case.text[b.start : b.end]!r} not joined"
                    )
    return s


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def report(
    title: str, cases: list[Case], systems: dict[str, list[list[Found]]], show: bool
) -> None:
    gold_count = Counter(g.kind for c in cases for g in c.gold if not g.by_title)
    refs = sum(g.by_title for c in cases for g in c.gold)
    print(f"\n## {title}: {len(cases)} texts, {sum(gold_count.values())} named mentions", end="")
    print(f" ({', '.join(f'{k} {gold_count[k]}' for k in KINDS)}), {refs} references by title")
    print(f"{'system':<12} {'kind':<13} {'P':>6} {'R':>6} {'F1':>6}")
    for name, runs in systems.items():
        s = score(cases, runs, show)
        for kind in KINDS:
            p, r, f = _prf(s.tp[kind], s.fp[kind], s.fn[kind])
            print(f"{name:<12} {kind:<13} {p:6.3f} {r:6.3f} {f:6.3f}")
        p, r, f = _prf(sum(s.tp.values()), sum(s.fp.values()), sum(s.fn.values()))
        print(f"{name:<12} {'all (micro)':<13} {p:6.3f} {r:6.3f} {f:6.3f}")
        rp = s.pairs_right / s.pairs_found if s.pairs_found else 0.0
        rr = s.pairs_right / s.pairs_gold if s.pairs_gold else 0.0
        rf = 2 * rp * rr / (rp + rr) if rp + rr else 0.0
        print(f"{name:<12} {'resolution':<13} {rp:6.3f} {rr:6.3f} {rf:6.3f}")
        if show and s.errors:
            print("\n".join(f"    {e}" for e in s.errors))


_WORD = re.compile(r"\w+")


def _cpu_best(fn: Callable[[], object], repeat: int) -> float:
    """CPU seconds of fn, best of `repeat` rounds after a warm one: on shared cores the CPU time
    of the one process is the steadier measure (wall time is printed beside it)."""
    fn()  # warm: the first pass over a set costs up to 2x (allocation, caches)
    return min(_clock(fn)[0] for _ in range(repeat))


def _clock(fn: Callable[[], object]) -> tuple[float, float]:
    c, w = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - c, time.perf_counter() - w


def speed(label: str, pages: list[Page], plain: Language, ours: Language, repeat: int) -> None:
    texts = [p.article.text for p in pages]
    chars = [len(t) for t in texts]
    words = sum(len(_WORD.findall(t)) for t in texts)
    print(
        f"\n## speed, {label}: {len(pages)} articles, {statistics.mean(chars):,.0f} characters on "
        f"average (median {statistics.median(chars):,.0f}), {words / len(pages):,.0f} words; "
        "one core, model loaded once"
    )
    runs = {
        "plain sm": lambda: list(plain.pipe(texts)),
        "marketdesk": lambda: list(enrich_many(pages, ours)),
    }
    print(f"{'system':<12} {'articles/s':>10} {'words/s':>9} {'ms/article':>10}  (wall ms)")
    for name, fn in runs.items():
        cpu = _cpu_best(fn, repeat)
        _, wall = _clock(fn)
        print(
            f"{name:<12} {len(pages) / cpu:10.1f} {words / cpu:9,.0f} "
            f"{cpu / len(pages) * 1e3:10.1f}  ({wall / len(pages) * 1e3:.1f})"
        )


def unseen(pages: list[Page], others: list[Page], plain: Language, ours: Language) -> None:
    """One pass over articles neither system has read, after both read the other dev
    articles: the timed rounds above reread texts whose words the vocabularies already keep
    (the plain model all of them, marketdesk its first KEEP_STRINGS), which flatters both."""
    if not others:
        return
    list(plain.pipe([p.article.text for p in others]))
    list(enrich_many(others, ours))
    texts = [p.article.text for p in pages]
    print(f"\n## unseen: {len(pages)} articles cut to about {MEDIAN_CHARS:,} characters, read once")
    print(f"{'system':<12} {'articles/s':>10}")
    for name, fn in (
        ("plain sm", lambda: list(plain.pipe(texts))),
        ("marketdesk", lambda: list(enrich_many(pages, ours))),
    ):
        cpu, _ = _clock(fn)
        print(f"{name:<12} {len(pages) / cpu:10.1f}")


def stages(pages: list[Page], ours: Language) -> None:
    """Where marketdesk's time goes: each spaCy component, then the rules, topics and tone."""
    texts = [(p.article.title or "") + "\n\n" + p.article.text for p in pages]
    cost: Counter[str] = Counter()
    for _ in range(2):  # the second round counts
        cost.clear()
        t = time.process_time()
        docs = [ours.make_doc(x) for x in texts]
        cost["tokenizer"] += time.process_time() - t
        for name, proc in ours.pipeline:
            t = time.process_time()
            piped = getattr(proc, "pipe", None)
            docs = list(piped(docs)) if piped else [proc(d) for d in docs]
            cost[name] += time.process_time() - t
        t = time.process_time()
        found = [candidates(d) for d in docs]
        cost["mentions.py"] += time.process_time() - t
        t = time.process_time()
        for c in found:
            resolve.resolve(c, resolve.Layout(0, 0))
        cost["resolve.py"] += time.process_time() - t
        for name, fn in (("topics.py", topics), ("tone.py", tone)):
            t = time.process_time()
            for p in pages:
                fn(p.article)
            cost[name] += time.process_time() - t
    total = sum(cost.values())
    print(f"\n## where marketdesk's time goes ({len(pages)} articles, CPU ms an article)")
    for name, sec in cost.items():
        print(f"{name:<24} {sec / len(pages) * 1e3:7.2f}  {sec / total:6.1%}")


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="timing rounds (best of)")
    ap.add_argument("--show", action="store_true", help="list every error")
    ap.add_argument(
        "--pages",
        type=int,
        default=100,
        help="dev pages (English articles) to time on; 0: no timing",
    )
    ap.add_argument(
        "--final",
        action="store_true",
        help="also score the held-out half of entities_unseen.txt (report it once)",
    )
    ap.add_argument(
        "--unseen",
        action="store_true",
        help="first: one pass over the cut articles, after reading the other dev articles",
    )
    args = ap.parse_args(list(argv) if argv is not None else None)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    plain = spacy.load(DEFAULT_MODEL)
    ours = load_pipeline()
    print(f"plain: {DEFAULT_MODEL} {plain.meta['version']}, pipes {', '.join(plain.pipe_names)}")
    print(f"marketdesk: pipes {', '.join(ours.pipe_names)}")
    tuned, held_out = halves(written_cases())
    sets = [("written passages, half A (tuned)", tuned), ("written, half B (held out)", held_out)]
    hard_a, hard_b = halves(written_cases(UNSEEN))
    sets.append(("written round 3, half A (tuned)", hard_a))
    if args.final:
        sets.append(("written round 3, half B (held out, reported once)", hard_b))
    dev, notes = dev_cases()
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if dev:
        sets.append(("dev sample (tuned)", [c for c in dev if not c.held_out]))
        held = [c for c in dev if c.held_out]
        if held:
            sets.append(("dev, held out (labelled for issue 11, never tuned on)", held))
    for title, cases in sets:
        texts = [c.text for c in cases]
        report(
            title,
            cases,
            {"plain sm": run_plain(plain, texts), "marketdesk": run_marketdesk(ours, texts)},
            args.show,
        )
    if args.pages <= 0:
        return 0
    every = speed_pages(10_000) if args.unseen else []
    if every:
        head = every[: args.pages]
        first = [cut(p, MEDIAN_CHARS) for p in head if len(p.article.text) >= MEDIAN_CHARS]
        unseen(first, every[args.pages :], plain, ours)
    pages = speed_pages(args.pages) or [
        Page(c.name, "text", Article(title=None, paragraphs=(c.text,))) for c in sets[0][1]
    ]
    speed("whole articles", pages, plain, ours, args.repeat)
    near_median = [cut(p, MEDIAN_CHARS) for p in pages if len(p.article.text) >= MEDIAN_CHARS]
    if near_median:
        speed(f"cut to about {MEDIAN_CHARS:,} characters", near_median, plain, ours, args.repeat)
    stages(pages, ours)
    return 0


if __name__ == "__main__":
    sys.exit(main())
