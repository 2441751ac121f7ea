"""The knowledge base: countries, organisations, companies and people with the offices they held
over date ranges, each with its Wikidata item where it was checked. Plain data read from a JSON
Lines file (the bundled kb.jsonl, or the file ``[enrich] kb`` names), once per file, and checked
line by line: a malformed file is a KnowledgeBaseError that names the file and the line.

    kb = load()                            # the bundled file, cached
    kb.people_named("fumio kishida")       # by normalised name or alias
    person.roles_on(date(2024, 5, 29))     # the offices held that day

The format (docs/knowledge-base.md): one JSON object a line with a ``type``:

- ``about``: free text, skipped;
- ``country``: alpha2, alpha3, name, aliases, demonyms, capital, wikidata;
- ``city``: id, name, aliases, country (alpha-3, required), wikidata. A country's capital is a
  city of it without a line of its own (a line of the same name takes its place);
- ``organisation``: id, name, aliases, country (alpha-3 or null), wikidata;
- ``company``: the same, and listings [{exchange, ticker}];
- ``person``: id, name, aliases, country, wikidata, roles [{role, of, start, end}], where
  ``of`` is a country's alpha-3 code or an organisation's id, start and end ISO dates (end null
  while the office is held; a role is held from its start up to, not on, its end).

Countries and organisations come before the lines that refer to them. Nothing here imports
spaCy or the rest of enrich/: vocab.py reads its countries from here.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from marketdesk.errors import KnowledgeBaseError

KB_FILE = Path(__file__).with_name("kb.jsonl")
KINDS = ("country", "city", "organisation", "company", "person")
_QID = re.compile(r"Q[1-9][0-9]*")
_ALPHA2 = re.compile(r"[A-Z]{2}")
_ALPHA3 = re.compile(r"[A-Z]{3}")
_SPACES = re.compile(r"\s+")
_DASHES = re.compile(r"[\u2010-\u2015]")
# Names of countries said with "the": "prime minister of the United Kingdom".
_THE_COUNTRY = re.compile(r"^(United |Czech Republic|Netherlands|Philippines)|(Emirates|Islands)$")


@lru_cache(maxsize=1 << 16)  # the same names come back article after article; bounded
def name_key(text: str) -> str:
    """A name as the knowledge base looks it up: case, accents, dashes and spacing aside
    ("Shinzō Abe" and "Shinzo Abe", "Yoon Suk-yeol" and "Yoon Suk Yeol" are one key)."""
    text = text.replace("\u2019", "'").replace("-", " ")
    text = _DASHES.sub(" ", text)
    bare = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in bare if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare).strip().casefold().replace(".", "")


@dataclass(frozen=True, slots=True)
class Country:
    alpha2: str
    alpha3: str
    name: str
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    capital: str | None = None
    wikidata: str | None = None

    @property
    def key(self) -> str:
        """The gazetteer's key: "place:jp" (stored with annotations, so GB stays place:uk)."""
        return "place:uk" if self.alpha2 == "GB" else f"place:{self.alpha2.lower()}"

    @property
    def id(self) -> str:
        return self.key

    @property
    def country(self) -> str:
        return self.alpha3

    def phrase(self) -> str:
        """The country as a role's complement: "the United Kingdom", "Japan"."""
        return f"the {self.name}" if _THE_COUNTRY.search(self.name) else self.name


@dataclass(frozen=True, slots=True)
class City:
    """A city and the country it is in: "Shanghai" in a story places it in China."""

    id: str  # "city:shanghai"
    name: str
    country: str  # ISO 3166-1 alpha-3
    aliases: tuple[str, ...] = ()
    wikidata: str | None = None
    listed: bool = True  # False: a capital, known from its country's line only


def city_id(name: str) -> str:
    """The key of a city without a line of its own (a capital): "city:kuala-lumpur"."""
    return "city:" + "-".join(re.findall(r"\w+", name_key(name)))


@dataclass(frozen=True, slots=True)
class Listing:
    exchange: str
    ticker: str


@dataclass(frozen=True, slots=True)
class Organisation:
    """An organisation or a listed company (``listings`` not empty, or ``company`` true)."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    country: str | None = None  # ISO 3166-1 alpha-3
    wikidata: str | None = None
    company: bool = False
    listings: tuple[Listing, ...] = ()

    def phrase(self) -> str:
        return f"the {self.name}"


@dataclass(frozen=True, slots=True)
class Role:
    role: str  # "prime minister", lower case
    of: str  # a country's alpha-3 code or an organisation's id
    start: date
    end: date | None = None  # None: still held

    def held_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    country: str | None = None  # ISO 3166-1 alpha-3
    wikidata: str | None = None
    roles: tuple[Role, ...] = ()

    def roles_on(self, day: date) -> tuple[Role, ...]:
        return tuple(r for r in self.roles if r.held_on(day))


Record = Country | City | Organisation | Person


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """The records of one file and the indexes linking reads them by (built once)."""

    source: str
    countries: tuple[Country, ...] = ()
    cities: tuple[City, ...] = ()  # those of the file, and the capitals without a line
    organisations: tuple[Organisation, ...] = ()
    people: tuple[Person, ...] = ()
    by_alpha3: Mapping[str, Country] = field(default_factory=dict)
    by_id: Mapping[str, Organisation] = field(default_factory=dict)
    _names: Mapping[str, tuple[Record, ...]] = field(default_factory=dict)
    _short: Mapping[str, tuple[Person, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, source: str, records: Iterable[Record]) -> KnowledgeBase:
        countries: list[Country] = []
        cities: list[City] = []
        orgs: list[Organisation] = []
        people: list[Person] = []
        names: dict[str, list[Record]] = {}
        short: dict[str, list[Person]] = {}
        for r in records:
            forms: tuple[str, ...] = (r.name, *r.aliases)
            if isinstance(r, Country):
                countries.append(r)
                forms = (*forms, *r.demonyms)
            elif isinstance(r, City):
                cities.append(r)
            elif isinstance(r, Organisation):
                orgs.append(r)
            else:
                people.append(r)
                # "Kishida", "Li": a person's first and last words, looked up only with a
                # title, a country or the date to tell namesakes apart (link.py).
                for form in forms:
                    ws = name_key(form).split()
                    if len(ws) >= 2:
                        for w in dict.fromkeys((ws[0], ws[-1])):
                            short.setdefault(w, []).append(r)
            for form in dict.fromkeys(name_key(f) for f in forms):
                names.setdefault(form, []).append(r)
        for c in countries:
            # A capital is a city of its country unless a city line or the country itself
            # has the name (Singapore, Luxembourg).
            if c.capital and name_key(c.capital) not in names:
                capital = City(city_id(c.capital), c.capital, c.alpha3, listed=False)
                cities.append(capital)
                names[name_key(c.capital)] = [capital]
        return cls(
            source=source,
            countries=tuple(countries),
            cities=tuple(cities),
            organisations=tuple(orgs),
            people=tuple(people),
            by_alpha3={c.alpha3: c for c in countries},
            by_id={o.id: o for o in orgs},
            _names={k: tuple(v) for k, v in names.items()},
            _short={k: tuple(dict.fromkeys(v)) for k, v in short.items()},
        )

    def named(self, name: str) -> tuple[Record, ...]:
        """Every record with this name or alias (any case, accents and dashes aside)."""
        return self._names.get(name_key(name), ())

    def people_named(self, name: str) -> tuple[Person, ...]:
        return tuple(r for r in self.named(name) if isinstance(r, Person))

    def people_by_short_name(self, word: str) -> tuple[Person, ...]:
        """The people whose name begins or ends with this word ("Li": Li Qiang, Li Keqiang)."""
        return self._short.get(name_key(word), ())

    def complement(self, of: str) -> str:
        """What a role is of, as a phrase: "Japan", "the Bank of Japan"."""
        target = self.by_alpha3.get(of) or self.by_id.get(of)
        return target.phrase() if target is not None else of

    def country_of(self, of: str) -> str | None:
        """The alpha-3 code a role's ``of`` belongs to: itself, or its organisation's."""
        if of in self.by_alpha3:
            return of
        org = self.by_id.get(of)
        return org.country if org is not None else None

    def role_text(self, role: Role) -> str:
        return f"{role.role} of {self.complement(role.of)}"


def load(path: str | Path | None = None) -> KnowledgeBase:
    """The knowledge base in ``path`` (None: the bundled one), read once per file."""
    return _load(str(Path(path).expanduser()) if path is not None else str(KB_FILE))


@lru_cache(maxsize=4)
def _load(path: str) -> KnowledgeBase:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KnowledgeBaseError(f"knowledge base {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeBaseError(f"knowledge base {path}: cannot be read ({exc})") from None
    return parse(text.splitlines(), path)


def parse(lines: Iterable[str], source: str) -> KnowledgeBase:
    """The knowledge base in these JSON Lines; ``source`` names them in errors."""
    return KnowledgeBase.of(source, _records(lines, source))


def _records(lines: Iterable[str], source: str) -> Iterator[Record]:
    alpha3: set[str] = set()
    ids: set[str] = set()
    count = 0
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        reader = _Line(source, n)
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise reader.error(f"not JSON ({exc.msg} at column {exc.colno})") from None
        if not isinstance(value, dict):
            raise reader.error("not a JSON object")
        kind = value.get("type")
        if kind == "about":
            continue
        if kind not in KINDS:
            raise reader.error(f"unknown type {kind!r}; known: {', '.join(KINDS)}, about")
        reader.data = value
        record = _record(reader, kind, alpha3, ids)
        if isinstance(record, Country):
            if record.alpha3 in alpha3:
                raise reader.error(f"country {record.alpha3} given twice")
            alpha3.add(record.alpha3)
        else:
            if record.id in ids:
                raise reader.error(f"id {record.id!r} given twice")
            ids.add(record.id)
        count += 1
        yield record
    if not count:
        raise KnowledgeBaseError(f"knowledge base {source}: no records")


class _Line:
    """One line being read, for messages that name the file and the line."""

    def __init__(self, source: str, number: int) -> None:
        self.source, self.number = source, number
        self.data: dict[str, Any] = {}

    def error(self, reason: str) -> KnowledgeBaseError:
        return KnowledgeBaseError(f"knowledge base {self.source}, line {self.number}: {reason}")

    def text(self, key: str, data: Mapping[str, Any] | None = None) -> str:
        value = (self.data if data is None else data).get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{key!r} must be a non-empty string")
        return value.strip()

    def optional(self, key: str, data: Mapping[str, Any] | None = None) -> str | None:
        if (self.data if data is None else data).get(key) is None:
            return None
        return self.text(key, data)

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(f"{key!r} must be a list of strings")
        return tuple(value)

    def items(self, key: str) -> list[Mapping[str, Any]]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.error(f"{key!r} must be a list of objects")
        return value

    def wikidata(self) -> str | None:
        qid = self.optional("wikidata")
        if qid is not None and not _QID.fullmatch(qid):
            raise self.error(f"wikidata {qid!r} is not a Wikidata item id (Q and digits)")
        return qid

    def day(self, key: str, data: Mapping[str, Any]) -> date:
        text = self.text(key, data)
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise self.error(f"{key} {text!r} is not a date (YYYY-MM-DD)") from None

    def country(self, key: str, known: set[str], *, required: bool = False) -> str | None:
        code = self.text(key) if required else self.optional(key)
        if code is not None and code not in known:
            raise self.error(f"unknown country {code!r} in {key!r} (give its country line first)")
        return code


def _record(r: _Line, kind: str, alpha3: set[str], ids: set[str]) -> Record:
    if kind == "country":
        a2, a3 = r.text("alpha2"), r.text("alpha3")
        if not _ALPHA2.fullmatch(a2):
            raise r.error(f"alpha2 {a2!r} is not an ISO 3166-1 alpha-2 code")
        if not _ALPHA3.fullmatch(a3):
            raise r.error(f"alpha3 {a3!r} is not an ISO 3166-1 alpha-3 code")
        return Country(
            alpha2=a2,
            alpha3=a3,
            name=r.text("name"),
            aliases=r.texts("aliases"),
            demonyms=r.texts("demonyms"),
            capital=r.optional("capital"),
            wikidata=r.wikidata(),
        )
    if kind == "city":
        return City(
            id=r.text("id"),
            name=r.text("name"),
            country=r.country("country", alpha3, required=True) or "",
            aliases=r.texts("aliases"),
            wikidata=r.wikidata(),
        )
    if kind in ("organisation", "company"):
        listings = tuple(
            Listing(r.text("exchange", item), r.text("ticker", item))
            for item in r.items("listings")
        )
        return Organisation(
            id=r.text("id"),
            name=r.text("name"),
            aliases=r.texts("aliases"),
            country=r.country("country", alpha3),
            wikidata=r.wikidata(),
            company=kind == "company",
            listings=listings,
        )
    roles = []
    for item in r.items("roles"):
        of = r.text("of", item)
        if of not in alpha3 and of not in ids:
            raise r.error(f"unknown country or organisation {of!r} in a role's 'of'")
        start = r.day("start", item)
        end = r.day("end", item) if item.get("end") is not None else None
        if end is not None and end < start:
            raise r.error(f"a role ends ({end}) before it starts ({start})")
        roles.append(Role(r.text("role", item).casefold(), of, start, end))
    return Person(
        id=r.text("id"),
        name=r.text("name"),
        aliases=r.texts("aliases"),
        country=r.country("country", alpha3),
        wikidata=r.wikidata(),
        roles=tuple(roles),
    )


def dumps(kb: KnowledgeBase, about: str) -> Iterator[str]:
    """The knowledge base as the lines of its file (what ``parse`` reads back)."""
    yield json.dumps({"type": "about", "text": about}, ensure_ascii=False)
    for c in kb.countries:
        yield _line(
            type="country",
            alpha2=c.alpha2,
            alpha3=c.alpha3,
            name=c.name,
            aliases=list(c.aliases),
            demonyms=list(c.demonyms),
            capital=c.capital,
            wikidata=c.wikidata,
        )
    for city in kb.cities:
        if not city.listed:
            continue  # a capital: read again from its country's line
        yield _line(
            type="city",
            id=city.id,
            name=city.name,
            aliases=list(city.aliases),
            country=city.country,
            wikidata=city.wikidata,
        )
    for o in kb.organisations:
        extra: dict[str, Any] = {}
        if o.company:
            extra["listings"] = [{"exchange": x.exchange, "ticker": x.ticker} for x in o.listings]
        yield _line(
            type="company" if o.company else "organisation",
            id=o.id,
            name=o.name,
            aliases=list(o.aliases),
            country=o.country,
            wikidata=o.wikidata,
            **extra,
        )
    for p in kb.people:
        roles = [
            {
                "role": r.role,
                "of": r.of,
                "start": r.start.isoformat(),
                "end": r.end.isoformat() if r.end else None,
            }
            for r in p.roles
        ]
        yield _line(
            type="person",
            id=p.id,
            name=p.name,
            aliases=list(p.aliases),
            country=p.country,
            wikidata=p.wikidata,
            roles=roles,
        )


def _line(**fields: Any) -> str:
    return json.dumps(fields, ensure_ascii=False)
