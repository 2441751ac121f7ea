"""``marketdesk kb refresh``: the knowledge base rebuilt from Wikidata's public SPARQL endpoint
(CC0) through the one HTTP layer, checked by the loader, then written atomically.

Three queries: the offices listed in OFFICES with their holders and start and end dates;
countries with their ISO 3166 codes, demonyms and capitals; and the stock-exchange listings
(with ticker qualifiers) of the companies the bundled knowledge base names by Wikidata item.
What the queries return replaces the bundled records of the same country, person (by
Wikidata item or name) or company; the bundled organisations and the bundled people the
queries do not return are kept, because the offices queried are state offices only: party
leaders and party officials (the head of the CPC International Department, an opposition
leader) have no office item the queries could ask for, and the roles of those kept refer to
the organisations kept. The new file is read back by the loader before it replaces anything,
so a failed or malformed refresh leaves the old file as it was.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from marketdesk.app.desk import Desk
from marketdesk.enrich import kb as kbase
from marketdesk.errors import FetchError, KnowledgeBaseError, MarketdeskError

__all__ = ["ENDPOINT", "OFFICES", "RefreshError", "RefreshReport", "refresh_kb"]

ENDPOINT = "https://query.wikidata.org/sparql"
_ENTITY = re.compile(r"^https?://www\.wikidata\.org/entity/(Q[0-9]+)$")

# Office items asked for, as role and what it is of (a country's alpha-3 code or a knowledge
# base organisation's id). Written from memory and not yet each checked against wikidata.org:
# check an item there before relying on it or adding one (a wrong item asks for nobody, or
# for another office's holders).
OFFICES: Mapping[str, tuple[str, str]] = {
    "Q11696": ("president", "USA"),
    "Q11699": ("vice president", "USA"),
    "Q14211": ("prime minister", "GBR"),
    "Q274948": ("prime minister", "JPN"),
    "Q4970706": ("prime minister", "CAN"),
    "Q56022": ("chancellor", "DEU"),
    "Q191954": ("president", "FRA"),
    "Q655407": ("president", "CHN"),
    "Q1196976": ("premier", "CHN"),
    "Q218295": ("president", "RUS"),
    "Q1195811": ("president", "KOR"),
    "Q192711": ("prime minister", "IND"),
    "Q319145": ("prime minister", "AUS"),
    "Q796874": ("prime minister", "ITA"),
    "Q4115213": ("president", "BRA"),
    "Q1166093": ("president", "MEX"),
}


class RefreshError(MarketdeskError):
    pass


@dataclass(frozen=True, slots=True)
class RefreshReport:
    path: str
    countries: int
    people: int
    companies: int
    kept: int  # bundled people the queries did not return, kept


def refresh_kb(
    desk: Desk,
    *,
    out: str | None = None,
    endpoint: str = ENDPOINT,
    allow_private: bool = False,
    progress: Callable[[str], None] = lambda step: None,
) -> RefreshReport:
    """Rebuild the knowledge base into ``out`` (default: the configured ``[enrich] kb``)."""
    target = out or desk.kb_path()
    if target is None:
        raise RefreshError(
            "kb refresh: give --out PATH (then set [enrich] kb to it), or set [enrich] kb"
        )
    base = kbase.load()  # the bundled facts the refresh starts from
    fetcher = desk.fetcher(allow_private)

    def ask(what: str, query: str) -> list[dict[str, Any]]:
        progress(what)
        url = f"{endpoint}?{urlencode({'query': query, 'format': 'json'})}"
        try:
            doc = fetcher.fetch(url)
        except FetchError as exc:
            # The endpoint, not the URL: the query it carries is hundreds of characters long.
            reason = str(exc).replace(url, endpoint)
            raise RefreshError(
                f"kb refresh: {what}: {reason}; the knowledge base in {target} is unchanged"
            ) from None
        try:
            rows = json.loads(doc.content)["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            raise RefreshError(
                f"kb refresh: {what}: the endpoint's answer is not SPARQL JSON results; "
                f"the knowledge base in {target} is unchanged"
            ) from None
        if not isinstance(rows, list):
            raise RefreshError(f"kb refresh: {what}: no result rows; {target} is unchanged")
        return [r for r in rows if isinstance(r, dict)]

    countries = _countries(ask("countries", COUNTRIES_QUERY), base)
    alpha3 = {c.alpha3 for c in countries}
    people, kept = _people(ask("people", _people_query()), base, alpha3)
    companies = _companies(ask("companies", _companies_query(base)), base)
    merged = kbase.KnowledgeBase.of(
        target,
        [
            *countries,
            *[c for c in base.cities if c.listed and c.country in alpha3],
            *[o for o in base.organisations if not o.company],
            *companies,
            *people,
        ],
    )
    lines = list(kbase.dumps(merged, _ABOUT))
    progress("checking")
    try:
        kbase.parse(lines, target)  # the loader's checks, before anything is replaced
    except KnowledgeBaseError as exc:
        raise RefreshError(
            f"kb refresh: the rebuilt file would not load ({exc}); unchanged"
        ) from None
    progress("writing")
    _write_atomically(Path(target), lines)
    return RefreshReport(target, len(countries), len(people), len(companies), kept)


_ABOUT = (
    "marketdesk's knowledge base, rebuilt by `marketdesk kb refresh` from Wikidata (CC0) "
    "over the bundled one; docs/knowledge-base.md describes the format."
)

COUNTRIES_QUERY = """
SELECT ?c ?a2 ?a3 ?label ?capitalLabel ?demonym WHERE {
  ?c wdt:P31 wd:Q6256; wdt:P297 ?a2; wdt:P298 ?a3; rdfs:label ?label.
  FILTER(LANG(?label) = "en")
  OPTIONAL { ?c wdt:P36 ?capital. ?capital rdfs:label ?capitalLabel.
             FILTER(LANG(?capitalLabel) = "en") }
  OPTIONAL { ?c wdt:P1549 ?demonym. FILTER(LANG(?demonym) = "en") }
}
"""


def _people_query() -> str:
    offices = " ".join(f"wd:{q}" for q in OFFICES)
    return f"""
SELECT ?person ?personLabel ?office ?start ?end ?a3 WHERE {{
  VALUES ?office {{ {offices} }}
  ?person p:P39 ?held. ?held ps:P39 ?office; pq:P580 ?start.
  OPTIONAL {{ ?held pq:P582 ?end. }}
  OPTIONAL {{ ?person wdt:P27 ?citizen. ?citizen wdt:P298 ?a3. }}
  FILTER(?start >= "2000-01-01"^^xsd:dateTime)
  SERVICE wikibase:label {{ bd:serviceParam wikibase:language "en". }}
}}
"""


def _companies_query(base: kbase.KnowledgeBase) -> str:
    items = " ".join(f"wd:{o.wikidata}" for o in base.organisations if o.company and o.wikidata)
    return f"""
SELECT ?company ?exchangeLabel ?ticker WHERE {{
  VALUES ?company {{ {items} }}
  ?company p:P414 ?listed. ?listed ps:P414 ?exchange; pq:P249 ?ticker.
  SERVICE wikibase:label {{ bd:serviceParam wikibase:language "en". }}
}}
"""


def _value(row: Mapping[str, Any], key: str) -> str | None:
    cell = row.get(key)
    value = cell.get("value") if isinstance(cell, dict) else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def _item(row: Mapping[str, Any], key: str) -> str | None:
    m = _ENTITY.match(_value(row, key) or "")
    return m.group(1) if m else None


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _countries(rows: Iterable[Mapping[str, Any]], base: kbase.KnowledgeBase) -> list[kbase.Country]:
    got: dict[str, kbase.Country] = {}
    for row in rows:
        a2, a3, name = _value(row, "a2"), _value(row, "a3"), _value(row, "label")
        if not (a2 and a3 and name and re.fullmatch(r"[A-Z]{2}", a2) and len(a3) == 3):
            continue
        was = got.get(a3) or base.by_alpha3.get(a3)
        demonym = _value(row, "demonym")
        demonyms = was.demonyms if was else ()
        if demonym and demonym not in demonyms:
            demonyms = (*demonyms, demonym)
        got[a3] = kbase.Country(
            alpha2=a2,
            alpha3=a3,
            name=was.name if was else name,  # the bundled name is the one articles use
            aliases=was.aliases if was else (),
            demonyms=demonyms,
            capital=_value(row, "capitalLabel") or (was.capital if was else None),
            wikidata=_item(row, "c"),
        )
    for c in base.countries:  # a country the query missed stays
        got.setdefault(c.alpha3, c)
    return list(got.values())


def _people(
    rows: Iterable[Mapping[str, Any]], base: kbase.KnowledgeBase, alpha3: set[str]
) -> tuple[list[kbase.Person], int]:
    by_item = {p.wikidata: p for p in base.people if p.wikidata}
    by_name = {kbase.name_key(p.name): p for p in base.people}
    found: dict[str, kbase.Person] = {}
    for row in rows:
        item, name, office = _item(row, "person"), _value(row, "personLabel"), _item(row, "office")
        start = _day(_value(row, "start"))
        if not (item and name and office in OFFICES and start):
            continue
        role, of = OFFICES[office or ""]
        was = found.get(item) or by_item.get(item) or by_name.get(kbase.name_key(name))
        new_role = kbase.Role(role, of, start, _day(_value(row, "end")))
        country = _value(row, "a3")
        person = was or kbase.Person(
            id=_person_id(name),
            name=name,
            country=country if country in alpha3 else None,
        )
        roles = tuple(r for r in person.roles if (r.role, r.of, r.start) != (role, of, start))
        found[item] = replace(person, wikidata=item, roles=(*roles, new_role))
    returned = {p.id for p in found.values()}
    kept = [p for p in base.people if p.id not in returned]
    ids = {p.id for p in kept}
    people = kept + [
        p if p.id not in ids else replace(p, id=f"{p.id}-{p.wikidata}".lower())
        for p in found.values()
    ]
    return people, len(kept)


def _companies(
    rows: Iterable[Mapping[str, Any]], base: kbase.KnowledgeBase
) -> list[kbase.Organisation]:
    listings: dict[str, list[kbase.Listing]] = {}
    for row in rows:
        item, exchange, ticker = (
            _item(row, "company"),
            _value(row, "exchangeLabel"),
            _value(row, "ticker"),
        )
        if item and exchange and ticker:
            listings.setdefault(item, []).append(kbase.Listing(exchange, ticker))
    out = []
    for o in base.organisations:
        if not o.company:
            continue
        new = listings.get(o.wikidata or "")
        out.append(replace(o, listings=tuple(dict.fromkeys(new))) if new else o)
    return out


def _person_id(name: str) -> str:
    bare = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "person:" + (re.sub(r"[^a-z0-9]+", "-", bare).strip("-") or "unnamed")


def _write_atomically(path: Path, lines: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
