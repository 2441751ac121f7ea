"""Within-article resolution: candidate mentions grouped into entities. Pure and rule-based.

The rules, in order:

1. One name, one kind: a name the model labels differently across the article takes its most
   frequent kind (a kind settled by the gazetteer or a span rule is kept).
2. A single word that is the first or last word of a person's full name in the article is that
   person, whatever the model called it ("Kamikawa said", labelled a place); a surname-like
   short form of a known organisation ("Goldman") is the organisation where no person in the
   article has that name; a "person" named like an organisation of the article (rule 4) and
   like no person is that organisation ("Helvar Robotics" after "Helvar Robotics AG").
3. Same gazetteer key, or same kind and same name (case and spacing aside): one entity,
   except a person's short name, which joins by rule 4 ("Kim" after "Anna Kim" and after
   "Joon Kim" is each time the one named last). An alias ("Bank of Japan (BOJ)", "known as
   Banxico") joins what it names.
4. People: a shorter name whose words begin or end a full name is that person ("Kishida" ->
   "Fumio Kishida", "Liu" -> "Liu Jianchao", also in "Liu's office"); full names that share
   their first and last word are one ("Jerome H. Powell"). Organisations: an acronym of a
   longer name ("BOJ", "IMF"), or a name without its legal suffix or its last words
   ("Apple" -> "Apple Inc.", "Goldman" -> "Goldman Sachs"), unless it is a generic word.
   Where two entities fit, the one mentioned last before the mention wins, else the next one.
5. References by title: "the prime minister" is the person introduced with that title (or a
   longer one ending in it: "the minister" -> "Foreign Minister Yoko Kamikawa"), whose
   qualifier, if any, agrees ("the Chinese president" is not the French president); a vague
   title alone ("the analyst") and a title that fits several people with none before it are
   left out.

Salience: each mention weighs 2 in the headline, 1.5 in the first sentence, else 1; an
entity's salience is its share of the article's total weight.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from marketdesk.enrich.candidate import Candidate
from marketdesk.enrich.vocab import (
    GENERIC_WORDS,
    VAGUE_HEADS,
    acronyms,
    core_words,
    gazetteer,
    is_acronym,
    norm,
    words,
)
from marketdesk.model import Entity, EntityKind, Mention

PERSON = EntityKind.PERSON
ORGANISATION = EntityKind.ORGANISATION
_TIE_ORDER = {ORGANISATION: 2, EntityKind.PLACE: 1, PERSON: 0}


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the Doc's text came from: the headline, then the article text from body_start."""

    body_start: int  # 0 when there is no headline
    body_sentence: int  # the index of the article text's first sentence in the Doc


class _Groups:
    """Union-find over candidate indices."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def root(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.root(a), self.root(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


class _Names:
    """Each candidate's name as normalised words, and indexes by first and last word and by
    acronym, so that finding the names a short form fits is a lookup, not a scan."""

    def __init__(self, cands: Sequence[Candidate]) -> None:
        self.cands = cands
        self.words = [tuple(norm(w) for w in words(c.text)) for c in cands]
        self.core = [tuple(core_words(c.text)) for c in cands]
        self._people: dict[str, list[int]] = {}
        self._orgs: dict[str, list[int]] = {}
        self._cache: dict[tuple[EntityKind, str], list[int]] = {}

    def index(self, people: list[int], orgs: list[int]) -> None:
        self._people, self._orgs, self._cache = {}, {}, {}
        for j in people:
            for w in {self.words[j][0], self.words[j][-1]}:
                self._people.setdefault(w, []).append(j)
        for j in orgs:
            keys = {self.core[j][0]} if self.core[j] else set()
            keys.update(a.casefold() for a in acronyms(self.cands[j].text))
            for k in keys:
                self._orgs.setdefault(k, []).append(j)

    def people(self, i: int) -> list[int]:
        """The full names (of those indexed) that candidate i's name begins or ends."""
        key = (PERSON, self.cands[i].text)
        if key not in self._cache:
            ws = self.words[i]
            near = {*self._people.get(ws[0], ()), *self._people.get(ws[-1], ())} if ws else set()
            self._cache[key] = sorted(j for j in near if _person_fits(ws, self.words[j]))
        return [j for j in self._cache[key] if j != i]

    def orgs(self, i: int) -> list[int]:
        """The longer organisation names (of those indexed) that candidate i's name shortens."""
        text = self.cands[i].text
        key = (ORGANISATION, text)
        if key not in self._cache:
            near = set(self._orgs.get(self.core[i][0], ())) if self.core[i] else set()
            near.update(self._orgs.get(text.replace(".", "").casefold(), ()))
            self._cache[key] = sorted(j for j in near if _org_fits(text, self.cands[j].text))
        return [j for j in self._cache[key] if j != i]


def resolve(cands: Sequence[Candidate], layout: Layout) -> tuple[Entity, ...]:
    kinds = [c.kind for c in cands]
    keys = [c.key for c in cands]
    canon = [c.canonical for c in cands]
    named = [i for i, c in enumerate(cands) if not c.by_title]
    names = _Names(cands)
    _vote_kinds(cands, named, kinds)

    def multiword(kind: EntityKind) -> list[int]:
        return [i for i in named if kinds[i] is kind and len(names.words[i]) >= 2]

    names.index(multiword(PERSON), multiword(ORGANISATION))
    for i in named:
        # Rule 2: a "person" named like an organisation of the article, and like no person
        # ("Helvar Robotics" after "Helvar Robotics AG"), is that organisation.
        c = cands[i]
        fits_org = kinds[i] is PERSON and not c.firm and not c.titles and names.orgs(i)
        if fits_org and not names.people(i):
            kinds[i] = ORGANISATION
    parts = {w for i in multiword(PERSON) for w in (names.words[i][0], names.words[i][-1])}
    gaz = gazetteer()
    for i in named:
        c = cands[i]
        if len(names.words[i]) != 1:
            continue
        if kinds[i] is not PERSON and not c.firm and keys[i] is None and names.words[i][0] in parts:
            kinds[i] = PERSON  # rule 2
        elif kinds[i] is PERSON and c.text in gaz.short and names.words[i][0] not in parts:
            known = gaz.short[c.text]
            kinds[i], keys[i], canon[i] = ORGANISATION, known.key, known.name
    names.index(multiword(PERSON), multiword(ORGANISATION))

    groups = _Groups(len(cands))
    by_key: dict[str, int] = {}
    by_name: dict[tuple[EntityKind, str], int] = {}
    for i in named:
        key = keys[i]
        if key is not None:
            groups.join(by_key.setdefault(key, i), i)
        elif kinds[i] is PERSON and names.people(i):
            continue  # a surname joins its nearest full name (rule 4), not its namesakes
        groups.join(by_name.setdefault((kinds[i], norm(cands[i].text)), i), i)
    for i in named:
        target = cands[i].alias_of
        if target is not None:
            kinds[i] = kinds[target]
            groups.join(target, i)

    for i in sorted(named, key=lambda i: -len(names.words[i])):  # full names first
        if kinds[i] is PERSON:
            fits = names.people(i)
        elif kinds[i] is ORGANISATION:
            fits = [j for j in names.orgs(i) if kinds[j] is ORGANISATION]
        else:
            continue
        best = _nearest(cands, groups, i, fits)
        if best is not None:
            groups.join(best, i)

    for i, c in enumerate(cands):
        if c.by_title:
            best = _title_target(cands, groups, kinds, i)
            if best is not None:
                groups.join(best, i)

    members: dict[int, list[int]] = {}
    for i in range(len(cands)):
        members.setdefault(groups.root(i), []).append(i)
    entities = [
        _entity(cands, kinds, keys, canon, idx, layout)
        for idx in members.values()
        if any(not cands[i].by_title for i in idx)
    ]
    entities.sort(key=lambda e: (e.mentions[0].part != "title", e.mentions[0].start))
    total = sum(e.salience for e in entities) or 1.0
    return tuple(
        Entity(
            id=n,
            kind=e.kind,
            name=e.name,
            mentions=e.mentions,
            salience=round(e.salience / total, 4),
            titles=e.titles,
            key=e.key,
            symbols=e.symbols,
        )
        for n, e in enumerate(entities)
    )


def _vote_kinds(cands: Sequence[Candidate], named: list[int], kinds: list[EntityKind]) -> None:
    """Rule 1."""
    votes: dict[str, Counter[EntityKind]] = {}
    for i in named:
        votes.setdefault(norm(cands[i].text), Counter())[kinds[i]] += 1
    # A full name's votes include its surname's: "Nadia Mohamed" read twice as an
    # organisation is a person where "Mohamed" alone is read as one three times.
    for name, counter in votes.items():
        ws = name.split()
        if len(ws) >= 2 and counter[PERSON] and ws[-1] in votes and len(votes[ws[-1]]) == 1:
            counter[PERSON] += votes[ws[-1]][PERSON]
    # An alias settles its name's kind: "British Virgin Islands (BVI)" makes every "BVI" a
    # place, however often the model called it an organisation.
    settled = {norm(cands[i].text): kinds[t] for i in named if (t := cands[i].alias_of) is not None}
    for i in named:
        c = cands[i]
        if c.firm or c.key is not None:
            continue
        name = norm(c.text)
        if name in settled:
            kinds[i] = settled[name]
            continue
        # Ties go to the organisation, then the place: a person has rules of its own.
        kinds[i] = max(votes[name].items(), key=lambda kv: (kv[1], _TIE_ORDER[kv[0]]))[0]


def _person_fits(s: tuple[str, ...], f: tuple[str, ...]) -> bool:
    """Whether the name of words s is a short form of the full name f."""
    if not s:
        return False
    if len(s) < len(f):
        return f[: len(s)] == s or f[-len(s) :] == s
    # "Jerome H. Powell" and "Jerome Powell"
    return len(s) >= 2 and s != f and s[0] == f[0] and s[-1] == f[-1] and len(s) > len(f)


def _org_fits(short: str, full: str) -> bool:
    if norm(short) == norm(full):
        return False
    bare = short.replace(".", "")
    if is_acronym(short) and bare.upper() == bare and bare in acronyms(full):
        return True
    s, f = core_words(short), core_words(full)
    if not s or (s[0] in GENERIC_WORDS and len(s) == 1):
        return False
    if s == f:
        return len(words(short)) < len(words(full))  # "Apple" -> "Apple Inc."
    return len(s) < len(f) and f[: len(s)] == s


def _nearest(cands: Sequence[Candidate], groups: _Groups, i: int, fits: list[int]) -> int | None:
    """Among the entities that fit, the one mentioned last before candidate i, else the next."""
    roots = {groups.root(j) for j in fits} - {groups.root(i)}
    if not roots:
        return None
    if len(roots) == 1:
        return roots.pop()
    here = cands[i].start
    before = [
        (cands[j].start, groups.root(j))
        for j in fits
        if cands[j].start < here and groups.root(j) in roots
    ]
    if before:
        return max(before)[1]
    after = [(cands[j].start, groups.root(j)) for j in fits if groups.root(j) in roots]
    return min(after)[1]


def _title_fits(title: str, ref: str) -> bool:
    t, r = title.split(), ref.split()
    shorter, longer = (t, r) if len(t) <= len(r) else (r, t)
    return longer[-len(shorter) :] == shorter


def _title_target(
    cands: Sequence[Candidate], groups: _Groups, kinds: list[EntityKind], ref: int
) -> int | None:
    """Rule 5: the person a reference by title names."""
    r = cands[ref]
    title = r.titles[0]
    quals = {groups.root(q) for q in r.qualifiers}
    if title.split()[-1] in VAGUE_HEADS and not quals and len(title.split()) == 1:
        return None
    people: dict[int, set[int]] = {}  # root -> qualifier roots
    fits: list[int] = []
    for j, c in enumerate(cands):
        if c.by_title or kinds[j] is not PERSON or not c.titles:
            continue
        if any(_title_fits(t, title) for t in c.titles):
            people.setdefault(groups.root(j), set()).update(groups.root(q) for q in c.qualifiers)
            fits.append(j)
    if quals:
        fits = [j for j in fits if not people[groups.root(j)] or people[groups.root(j)] & quals]
    roots = {groups.root(j) for j in fits}
    if len(roots) == 1:
        return roots.pop()
    before = [(cands[j].start, groups.root(j)) for j in fits if cands[j].start < r.start]
    if not before:
        return None
    # The person named with that title most recently, by any of their mentions.
    last: dict[int, int] = {}
    for j, c in enumerate(cands):
        root = groups.root(j)
        if root in roots and c.start < r.start and not c.by_title:
            last[root] = max(last.get(root, -1), c.start)
    return max(last, key=lambda root: last[root]) if last else None


def _entity(
    cands: Sequence[Candidate],
    kinds: list[EntityKind],
    keys: list[str | None],
    canon: list[str | None],
    idx: list[int],
    layout: Layout,
) -> Entity:
    named = [i for i in idx if not cands[i].by_title]
    firm = [kinds[i] for i in named if cands[i].firm]
    kind = firm[0] if firm else Counter(kinds[i] for i in named).most_common(1)[0][0]
    key = next((keys[i] for i in named if keys[i] is not None), None)
    name = next((canon[i] for i in named if canon[i] is not None), None)
    if name is None:
        longest = max(named, key=lambda i: (len(words(cands[i].text)), len(cands[i].text), -i))
        name = cands[longest].text
    titles = tuple(dict.fromkeys(t for i in named for t in cands[i].titles))
    symbols = tuple(dict.fromkeys(s for i in idx for s in cands[i].symbols))
    mentions = tuple(_mention(cands[i], layout) for i in sorted(idx, key=lambda i: cands[i].start))
    weight = sum(_weight(m) for m in mentions)
    return Entity(
        id=0,
        kind=kind,
        name=name,
        mentions=mentions,
        salience=weight,
        titles=titles,
        key=key,
        symbols=symbols,
    )


def _mention(c: Candidate, layout: Layout) -> Mention:
    if c.start < layout.body_start:
        return Mention(c.text, c.start, c.end, c.sentence, "title", c.by_title)
    shift = layout.body_start
    sentence = max(0, c.sentence - layout.body_sentence)
    return Mention(c.text, c.start - shift, c.end - shift, sentence, "text", c.by_title)


def _weight(m: Mention) -> float:
    if m.part == "title":
        return 2.0
    return 1.5 if m.sentence == 0 else 1.0
