"""Linking (enrich/link.py) against gold written by hand: precision and recall of entity ->
knowledge-base record (its Wikidata item where it has one), and the share of linked people
whose role on the story's date is right, on benchmarks/data/linking_written.txt (passages
written for marketdesk, dated 2015 to 2026 so that roles change: the British prime minister of
2016 and of 2023). With ../shared present, the reference article too, dated 2024-05-29: the
eight people it names, each with the role expected; and the time linking takes an article.

A gold mention with id "-" is a name that must stay unlinked (a city, a person not in the
knowledge base): linking it counts against precision. An entity the pipeline found but the
gold does not mark is not counted.

    .venv/bin/python benchmarks/bench_linking.py [--show]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from marketdesk.enrich import enrich, load_kb, load_pipeline
from marketdesk.enrich.link import link
from marketdesk.extract import extract
from marketdesk.model import Article, Entity, Page, RawDocument

DATA = Path(__file__).parent / "data" / "linking_written.txt"
REFERENCE = (
    Path(__file__).parents[1] / ".." / "shared" / "examples" / "yahoo-finance-ca-2024-07-05.txt"
)
REFERENCE_DATE = date(2024, 5, 29)
# The reference article's people and the roles they held on 2024-05-29 (facts, by name).
REFERENCE_PEOPLE = {
    "Fumio Kishida": "prime minister of Japan",
    "Liu Jianchao": "head of the International Department of the Central Committee of the "
    "Chinese Communist Party",
    "Li Qiang": "premier of China",
    "Yoon Suk-yeol": "president of South Korea",
    "Xi Jinping": "president of China",
    "Yoko Kamikawa": "foreign minister of Japan",
    "Kenta Izumi": "leader of the Constitutional Democratic Party of Japan",
    "Mizuho Fukushima": "leader of the Social Democratic Party",
}
_GOLD = re.compile(r"\{\{([^|}]*)\|([^|}]*)\|([^}]*)\}\}")


@dataclass(frozen=True, slots=True)
class Gold:
    start: int
    end: int
    text: str
    id: str | None  # None: must stay unlinked
    role: str | None


@dataclass(frozen=True, slots=True)
class Passage:
    day: date
    text: str
    gold: tuple[Gold, ...]


def passages(path: Path = DATA) -> list[Passage]:
    out = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [ln for ln in block.strip().splitlines() if not ln.startswith("#")]
        if not lines or not lines[0].startswith("@ "):
            continue
        day = date.fromisoformat(lines[0][2:].strip())
        marked = " ".join(lines[1:])
        text, gold, at = [], [], 0
        last = 0
        for m in _GOLD.finditer(marked):
            text.append(marked[last : m.start()])
            at += m.start() - last
            surface, ident, role = m.group(1), m.group(2).strip(), m.group(3).strip()
            gold.append(Gold(at, at + len(surface), surface, None if ident == "-" else ident,
                             role or None))  # fmt: skip
            text.append(surface)
            at += len(surface)
            last = m.end()
        text.append(marked[last:])
        out.append(Passage(day, "".join(text), tuple(gold)))
    return out


def page_of(text: str) -> Page:
    return Page("passage", "text", Article(title=None, paragraphs=(text,)))


def entity_at(entities: tuple[Entity, ...], g: Gold) -> Entity | None:
    for e in entities:
        for m in e.mentions:
            if m.part == "text" and m.start < g.end and g.start < m.end:
                return e
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--show", action="store_true", help="print every miss")
    args = ap.parse_args()
    nlp = load_pipeline()
    kb = load_kb()
    # What linking can give: a record's id (the gazetteer's key for countries it shares).
    known = {p.id for p in kb.people} | set(kb.by_id) | {c.key for c in kb.countries}
    linked = correct = gold_links = found = 0
    roles_asked = roles_right = 0
    items = passages()
    for p in items:
        ents = enrich(page_of(p.text), nlp, kb=kb, date=p.day).entities
        for g in p.gold:
            e = entity_at(ents, g)
            got = e.key if e is not None and e.key in known else None
            if g.id is not None:
                gold_links += 1
            if got is not None:
                linked += 1
                if got == g.id:
                    correct += 1
                    found += 1
            if g.role is not None and g.id is not None:
                roles_asked += 1
                ok = e is not None and e.role == g.role
                roles_right += ok
                if not ok and args.show:
                    print(f"  role  {p.day} {g.text}: {e.role if e else None!r} != {g.role!r}")
            if args.show and got != g.id:
                print(f"  link  {p.day} {g.text}: {got!r} != {g.id!r}")
    precision = correct / linked if linked else 0.0
    recall = found / gold_links if gold_links else 0.0
    print(f"written set: {len(items)} passages, {gold_links} gold links, {linked} linked")
    print(f"  linking precision {precision:.3f}  recall {recall:.3f}")
    print(f"  role on the story's date: {roles_right}/{roles_asked} = "
          f"{roles_right / max(roles_asked, 1):.3f}")  # fmt: skip
    if REFERENCE.is_file():
        _reference(nlp, kb)
    else:
        print("reference article: ../shared is absent, skipped")
    return 0


def _reference(nlp: object, kb: object) -> None:
    raw = RawDocument("reference", REFERENCE.read_bytes(), media_type="text/plain")
    page = extract(raw, "text")
    from spacy.language import Language

    from marketdesk.enrich import annotate
    from marketdesk.enrich.kb import KnowledgeBase

    assert isinstance(nlp, Language) and isinstance(kb, KnowledgeBase)
    ents = enrich(page, nlp, kb=kb, date=REFERENCE_DATE).entities
    people = {e.name: e for e in ents if e.kind.value == "person"}
    right = 0
    for name, role in REFERENCE_PEOPLE.items():
        e = people.get(name)
        ok = e is not None and e.role == role and e.key is not None
        right += ok
        print(
            f"  {'ok ' if ok else 'MISS'} {name}: {e.role if e else None} ({e.key if e else None})"
        )
    print(f"reference article ({REFERENCE_DATE}): {right}/{len(REFERENCE_PEOPLE)} people linked "
          "with the right role")  # fmt: skip
    # Linking's own cost: the resolved entities linked again, many times.
    head = (page.article.title or "") + "\n\n"
    doc = nlp(head + page.article.text)
    resolved = annotate(doc, len(head), kb=kb, date=REFERENCE_DATE).entities
    n = 2000
    t0 = time.perf_counter()
    for _ in range(n):
        link(resolved, kb, REFERENCE_DATE)
    per = (time.perf_counter() - t0) / n * 1000
    print(f"linking: {per:.3f} ms an article ({len(resolved)} entities)")


if __name__ == "__main__":
    sys.exit(main())
