"""Linking: an article's entities (after resolve.py) matched to the knowledge base (kb.py),
each given its Wikidata item, its country and, for a person, the role held on the story's date.
Pure: the knowledge base is indexed by normalised name once, so linking is a few lookups an
entity.

The rules, in order:

1. Places: the gazetteer's key names the country ("place:jp" is Japan); else the name, an
   alias or a demonym of a knowledge-base country; else a city of the knowledge base (a
   capital, or a city line: "Shanghai"), which gives the place its country and the key
   "city:shanghai". A city name that fits several cities takes the one in a country the
   article names, else stays unlinked.
2. Organisations and companies: the gazetteer's key where the knowledge base shares it, else
   the name or an alias (any of the entity's mentions). Namesakes ("Conservative Party" in
   the United Kingdom and in Canada) are told apart by the countries the article names; a
   name that still fits several is left unlinked. An "organisation" that names no
   organisation but exactly one person by full name ("Olaf Scholz", which the small model
   reads as an organisation) is that person.
3. People by full name or alias (any mention): the one person of that name; namesakes are
   told apart as in rule 5.
4. People by one word ("Premier Li", "Kishida" where the article never gives the full name):
   the people whose name begins or ends with it, kept only where a title the article gives
   fits an office they held on the story's date, or its qualifier names their country
   ("Japanese"), or, with neither, where exactly one of them held an office that day.
5. Among several that fit: the most clues (a title that fits an office held that day, the
   qualifier's country), and only if one has more than the rest.
   An entity linked takes the record's id as its key where the gazetteer gave it none.
6. The role: among the offices held on the story's date, the one the article's title names
   ("President Xi": president, not general secretary), else the first listed; where none is
   held that day (or there is no date), an office the article's title names, else the title
   as the article gives it ("former prime minister", "head of the International Department
   of the Communist Party's Central Committee"). Unlinked people keep the article's title.

Unknown entities stay as they are, with their kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TypeVar

from marketdesk.enrich.kb import (
    City,
    Country,
    KnowledgeBase,
    Organisation,
    Person,
    Role,
    name_key,
)
from marketdesk.enrich.vocab import gazetteer
from marketdesk.model import Entity, EntityKind

# Titles that name the same office: "chancellor" in Berlin, "finance minister" elsewhere.
_SAME_OFFICE = {
    "secretary of state": ("foreign minister",),
    "foreign secretary": ("foreign minister",),
    "treasury secretary": ("finance minister",),
    "chancellor of the exchequer": ("finance minister",),
    "treasurer": ("finance minister",),
    "premier": ("prime minister",),
    "chairman": ("chair",),
    "head": ("director", "chief", "leader"),
    "leader": ("head", "chief", "president"),
    "supreme leader": ("leader",),
}


@dataclass(frozen=True, slots=True)
class Clues:
    """What the article says about an entity beyond its names: the titles it gives a person,
    the countries and organisations that qualify them (gazetteer keys or names), and the
    title in full where an apposition gives it."""

    titles: tuple[str, ...] = ()
    qualifiers: tuple[str, ...] = ()
    role_text: str | None = None


def link(
    entities: Sequence[Entity],
    kb: KnowledgeBase,
    on: date | None = None,
    clues: Mapping[int, Clues] | None = None,
) -> tuple[Entity, ...]:
    """The entities with ``wikidata``, ``country`` and ``role`` where the knowledge base knows
    them (``on``: the story's date; ``clues``: by entity id)."""
    clues = clues or {}
    article_countries = {c for e in entities if (c := _place_country(e, kb)) is not None}
    out = []
    for e in entities:
        said = clues.get(e.id, Clues(titles=e.titles))
        if e.kind is EntityKind.PLACE:
            place = _place(e, kb) or _city(e, kb, article_countries)
            out.append(_with(e, place) if place else e)
        elif e.kind is EntityKind.ORGANISATION:
            org = _organisation(e, kb, article_countries)
            if org is None and not e.key and _a_person(e, kb):
                out.append(_person_entity(replace(e, kind=EntityKind.PERSON), kb, on, said))
            else:
                out.append(_with(e, org) if org else e)
        else:
            out.append(_person_entity(e, kb, on, said))
    return tuple(out)


def _with(
    e: Entity, record: Country | City | Organisation | Person, role: str | None = None
) -> Entity:
    # key: the gazetteer's where it had one, else the knowledge base's ("person:li-qiang"),
    # so that stories can be found by the record they name.
    return replace(
        e, key=e.key or record.id, wikidata=record.wikidata, country=record.country, role=role
    )


def _place(e: Entity, kb: KnowledgeBase) -> Country | None:
    known = gazetteer().by_key.get(e.key) if e.key else None
    if known is not None and known.alpha3:
        return kb.by_alpha3.get(known.alpha3)
    for name in _names(e):
        found = [r for r in kb.named(name) if isinstance(r, Country)]
        if len(found) == 1:
            return found[0]
    return None


def _city(e: Entity, kb: KnowledgeBase, countries: set[str]) -> City | None:
    if e.key:  # a place of the gazetteer (the euro zone) is no city
        return None
    return _one_named(e, kb, City, countries)


_Named = TypeVar("_Named", City, Organisation)


def _one_named(
    e: Entity, kb: KnowledgeBase, kind: type[_Named], countries: set[str]
) -> _Named | None:
    """The one record of ``kind`` that one of the entity's names names; namesakes are told
    apart by the countries the article names, else none is."""
    for name in _names(e):
        found = list(dict.fromkeys(r for r in kb.named(name) if isinstance(r, kind)))
        if len(found) > 1:
            found = [r for r in found if r.country in countries]
        if len(found) == 1:
            return found[0]
    return None


def _place_country(e: Entity, kb: KnowledgeBase) -> str | None:
    if e.kind is not EntityKind.PLACE:
        return None
    country = _place(e, kb)
    return country.alpha3 if country else None


def _organisation(e: Entity, kb: KnowledgeBase, countries: set[str]) -> Organisation | None:
    if e.key and e.key in kb.by_id:
        return kb.by_id[e.key]
    return _one_named(e, kb, Organisation, countries)


def _a_person(e: Entity, kb: KnowledgeBase) -> bool:
    """Rule 2: an "organisation" the small model read in a person's full name ("Olaf Scholz"),
    which names no organisation of the knowledge base and exactly one of its people."""
    return len(e.name.split()) >= 2 and len(set(kb.people_named(e.name))) == 1


def _names(e: Entity) -> list[str]:
    """The entity's name, then its other mentions' texts, longest first."""
    texts = sorted({m.text for m in e.mentions if not m.by_title}, key=len, reverse=True)
    return list(dict.fromkeys((e.name, *texts)))


def _person_entity(e: Entity, kb: KnowledgeBase, on: date | None, c: Clues) -> Entity:
    person = _person(e, kb, on, c)
    fallback = c.role_text or (c.titles[0] if c.titles else None)
    if person is None:
        return replace(e, role=fallback)
    role = _role(person, on, c.titles)
    if role is None:
        return _with(e, person, fallback)
    text = kb.role_text(role)
    if on is not None and role.end is not None and role.end <= on:
        text = f"former {text}"  # an office named by the article, held before the story
    return _with(e, person, text)


def _person(e: Entity, kb: KnowledgeBase, on: date | None, c: Clues) -> Person | None:
    countries = _qualifier_countries(c.qualifiers, kb)
    for name in _names(e):
        found = list(dict.fromkeys(kb.people_named(name)))
        if found:
            return found[0] if len(found) == 1 else _best(found, kb, on, c, countries, 1)
    words = [name_key(n) for n in _names(e) if len(name_key(n).split()) == 1]
    for word in words:
        found = list(kb.people_by_short_name(word))
        if found:
            need = 1 if (c.titles or countries) else 0
            return _best(found, kb, on, c, countries, need)
    return None


def _best(
    people: list[Person],
    kb: KnowledgeBase,
    on: date | None,
    c: Clues,
    countries: set[str],
    need: int,
) -> Person | None:
    """Rule 5 (need: the fewest clues that will do; 0 only for a bare name, where the one
    person holding an office on the date is taken)."""
    scored = []
    for p in people:
        held = p.roles_on(on) if on is not None else ()
        score = 0
        if any(_fits(r.role, t) for r in held for t in c.titles):
            score += 2
        if countries and countries & _countries(p, held, kb):
            score += 1
        elif countries:
            continue  # "the Japanese prime minister" is no Briton
        if need == 0:
            score += 1 if held else 0
        scored.append((score, p))
    if not scored:
        return None
    top = max(s for s, _ in scored)
    best = [p for s, p in scored if s == top]
    return best[0] if len(best) == 1 and top >= max(need, 1) else None


def _countries(p: Person, held: Sequence[Role], kb: KnowledgeBase) -> set[str]:
    out = {p.country} if p.country else set()
    out.update(c for r in held if (c := kb.country_of(r.of)) is not None)
    return out


def _qualifier_countries(qualifiers: Sequence[str], kb: KnowledgeBase) -> set[str]:
    out = set()
    gaz = gazetteer()
    for q in qualifiers:
        known = gaz.by_key.get(q)
        if known is not None and known.alpha3:
            out.add(known.alpha3)
        elif q in kb.by_id and kb.by_id[q].country:
            out.add(kb.by_id[q].country or "")
    return out


def _role(p: Person, on: date | None, titles: Sequence[str]) -> Role | None:
    """Rule 6."""
    held = p.roles_on(on) if on is not None else ()
    began = p.roles if on is None else tuple(r for r in p.roles if r.start <= on)
    for pool in (held, began):
        for t in titles:
            fits = [r for r in pool if _fits(r.role, t)]
            if fits:
                return max(fits, key=lambda r: (_exact(r.role, t), r.start))
    return held[0] if held else None


def _fits(role: str, title: str) -> bool:
    """Whether the article's title names this office: every word of the title is in the
    office's name ("minister" in "foreign minister"), or in a name for the same office."""
    title = title.casefold().replace("former ", "").replace("acting ", "").strip()
    if not title:
        return False
    words = set(title.split())
    names = (role, *_SAME_OFFICE.get(role, ()))
    return any(words <= set(name.split()) for name in names) or title in names


def _exact(role: str, title: str) -> int:
    return 2 if role == title else len(set(role.split()) & set(title.split()))
