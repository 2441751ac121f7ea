"""The words the resolution rules read names by: honorifics, titles, company suffixes, and the
bundled gazetteer (gazetteer.json, with the countries of the bundled knowledge base, kb.jsonl).
Plain data and string functions; no spaCy."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from marketdesk.enrich import kb

GAZETTEER_FILE = Path(__file__).with_name("gazetteer.json")
NAMES_FILE = Path(__file__).with_name("names.json")


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Stripped from the front of a person's name and never part of it ("Mr. Kishida").
HONORIFICS = _set(
    "mr mr. mrs mrs. ms ms. miss dr dr. prof prof. sir dame lord lady sheikh sheik prince "
    "princess mx mx. madam monsieur herr"
)

# Roles that introduce a person ("Prime Minister Fumio Kishida", "Kishida, the prime minister")
# and, alone, refer back to one ("the prime minister"). Words, lower-cased; a title is a run of
# them ending in a head word.
TITLE_HEADS = _set(
    """president premier chancellor minister secretary governor chair chairman chairwoman
    chairperson ceo cfo coo cto cio executive officer director head leader spokesperson
    spokesman spokeswoman king queen senator sen. congressman congresswoman representative
    rep. mayor ambassador commissioner treasurer founder co-founder cofounder economist
    strategist analyst chief president-elect envoy prosecutor justice judge speaker
    premier-elect superintendent comptroller administrator secretary-general
    attorney-general"""
)
TITLE_MODIFIERS = _set(
    """prime vice deputy foreign finance economy economic trade energy defence defense
    interior industry commerce treasury state home health labour labor transport
    agriculture justice education environment chief executive operating financial
    technology investment investments information managing general senior acting former
    interim co- co lead global market markets head portfolio fund central bank bank's
    monetary policy attorney first u.s. us crown supreme house business climate electricity
    digital tourism housing mining oil petroleum communications science cabinet mission"""
)
# Plural roles that introduce a list of people by surname ("Commissioners Phillips, Christie
# and Rosner", "board members Huang, Petrov and Mendes"): lower-cased.
PLURAL_ROLES = _set(
    """lawmakers legislators senators representatives congressmen congresswomen commissioners
    members directors executives judges justices economists analysts strategists ministers
    governors officials trustees founders co-founders"""
)
# Heads that are too vague to refer back to a person alone ("the analyst" is anyone).
VAGUE_HEADS = _set(
    "analyst economist strategist director head leader spokesperson spokesman spokeswoman "
    "representative chief founder co-founder cofounder envoy"
)
# One name for a role however it is written: "the chair" finds "Chairman Jerome Powell".
TITLE_SYNONYMS = {
    "chairman": "chair",
    "chairwoman": "chair",
    "chairperson": "chair",
    "ceo": "chief executive",
    "chief executive officer": "chief executive",
    "cfo": "chief financial officer",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "sen.": "senator",
    "rep.": "representative",
    "defense minister": "defence minister",
}

# The end of a company's name: "Toyota Motor Corp." is "Toyota Motor" for matching.
COMPANY_SUFFIXES = _set(
    """inc inc. corp corp. corporation co co. company ltd ltd. limited plc llc l.l.c. lp l.p.
    llp ag sa s.a. se nv n.v. bv b.v. gmbh ab asa oyj spa s.p.a. kk k.k. holdings holding
    group &"""
)
# Words that make a PERSON span a company ("Cantor Fitzgerald & Co.", "Raymond James
# Financial") when they follow it.
COMPANY_WORDS = COMPANY_SUFFIXES | _set(
    """bank banks financial securities capital partners brothers associates advisors advisers
    investments management asset trust fund funds ventures motors technologies"""
)
# A short form must say more than these ("Bank" is not "Bank of Japan").
GENERIC_WORDS = _set(
    """bank national first general united american international royal central federal new
    china japan global the group holdings capital financial reserve state people's people
    asia europe"""
)
# A person named right before one of these is a place: "the Fukushima nuclear plant".
FACILITY_WORDS = _set(
    "plant reactor refinery mine smelter port airport terminal station power nuclear "
    "prefecture province"
)
LINK_WORDS = frozenset({"of", "and", "&", "for", "the", "de", "du", "des", "der", "la", "le"})


@dataclass(frozen=True, slots=True)
class Known:
    """An organisation or place the gazetteer names."""

    key: str
    name: str
    kind: str  # "organisation" or "place"
    wikidata: str | None = None  # its Wikidata item ("Q17"), where the gazetteer gives it
    alpha3: str | None = None  # a country's ISO 3166-1 alpha-3 code ("JPN")


@dataclass(frozen=True, slots=True)
class Gazetteer:
    by_name: dict[str, Known]  # every name, alias and demonym, as written
    by_key: dict[str, Known]  # every organisation and place by its id ("place:jp")
    short: dict[str, Known]  # forms that are also surnames ("Goldman"): only without a person
    organisations: tuple[tuple[Known, tuple[str, ...]], ...]  # with their aliases
    euro_zone: tuple[str, ...]  # place names the model misses, matched by the ruler
    not_entities: frozenset[str]  # index, currency, commodity and time-zone names
    indexes: tuple[str, ...]
    currencies: tuple[str, ...]
    commodities: tuple[str, ...]
    exchanges: tuple[str, ...]


@cache
def gazetteer() -> Gazetteer:
    data = json.loads(GAZETTEER_FILE.read_text(encoding="utf-8"))
    by_name: dict[str, Known] = {}
    by_key: dict[str, Known] = {}
    short: dict[str, Known] = {}
    organisations = []
    for entry in data["organisations"]:
        known = Known(entry["id"], entry["name"], "organisation", entry.get("wikidata"))
        by_key[known.key] = known
        names = (entry["name"], *entry["aliases"])
        organisations.append((known, tuple(names)))
        for name in names:
            by_name[name] = known
        for name in entry["short"]:
            short[name] = known
    euro_zone: list[str] = []
    # Countries are the knowledge base's (one list: kb.jsonl); the gazetteer adds the places
    # that are no country (the euro zone).
    for country in kb.load().countries:
        known = Known(country.key, country.name, "place", country.wikidata, country.alpha3)
        by_key[known.key] = known
        for name in (country.name, *country.aliases, *country.demonyms):
            by_name[name] = known
    for entry in data["places"]:
        known = Known(
            entry["id"], entry["name"], "place", entry.get("wikidata"), entry.get("alpha3")
        )
        by_key[known.key] = known
        for name in (entry["name"], *entry["aliases"], *entry["demonyms"]):
            by_name[name] = known
        if entry["id"] == "place:euro-zone":
            euro_zone.extend((entry["name"], *entry["aliases"]))
    indexes = tuple(data["indexes"])
    currencies = tuple(data["currencies"])
    commodities = (*data["commodities"], "Brent")  # bare "Brent" is also a first name: no rule
    other = tuple(data["other"])
    return Gazetteer(
        by_name=by_name,
        by_key=by_key,
        short=short,
        organisations=tuple(organisations),
        euro_zone=tuple(euro_zone),
        not_entities=frozenset((*indexes, *currencies, *commodities, *other)),
        indexes=indexes,
        currencies=currencies,
        commodities=tuple(data["commodities"]),
        exchanges=tuple(data["exchanges"]),
    )


@dataclass(frozen=True, slots=True)
class Names:
    """Names the ruler marks beside the gazetteer's (names.json): companies and places without
    ids, and names that are never entities (award ceremonies, page furniture)."""

    companies: tuple[str, ...]
    places: tuple[str, ...]
    not_names: frozenset[str]


@cache
def names() -> Names:
    data = json.loads(NAMES_FILE.read_text(encoding="utf-8"))
    return Names(
        companies=tuple(data["companies"]),
        places=tuple(data["places"]),
        not_names=frozenset(data["not_names"]),
    )


# A person's span ending in one of these is a company ("Altair Engineering"): industry words
# that end company names and no one's surname.
INDUSTRY_WORDS = _set(
    """engineering energy pharmaceuticals pharma software systems technologies technology
    industries airlines airways foods semiconductor semiconductors therapeutics biosciences
    biotech resources mining petroleum telecom communications networks robotics logistics
    insurance realty properties brands electronics chemicals materials motors automotive
    aerospace analytics labs laboratories media entertainment studios shipping steel value
    research ventures markets exchange bancorp bancshares"""
)

_SPACES = re.compile(r"\s+")
_DOMAIN = re.compile(r"\.(com|net|org|co\.uk|io)$")


def norm(text: str) -> str:
    """A name for comparison: spaces collapsed, curly apostrophes straight, case folded."""
    return _SPACES.sub(" ", text.replace("\u2019", "'")).strip().casefold()


def words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s]+", text.replace("\u2019", "'")) if w]


def core_words(name: str) -> list[str]:
    """An organisation's name without its legal suffix: "Toyota Motor Corp." -> toyota, motor."""
    ws = [w.casefold().strip(",") for w in words(name)]
    while len(ws) > 1 and ws[-1] in COMPANY_SUFFIXES:
        ws.pop()
    if ws:
        ws[-1] = _DOMAIN.sub("", ws[-1]) or ws[-1]  # "Salon.com" is Salon
    return ws


def acronyms(name: str) -> set[str]:
    """The acronyms a name may be shortened to: "Bank of Japan" -> BJ, BOJ; "Securities and
    Exchange Commission" -> SEC, SAEC. Upper-case, without dots."""
    ws = [w for w in core_words(name) if w not in {"&"}]
    if len(ws) < 2:
        return set()
    full = "".join(w[0] for w in ws if w[0].isalnum())
    content = "".join(w[0] for w in ws if w not in LINK_WORDS and w[0].isalnum())
    return {a.upper() for a in (full, content) if len(a) >= 2}


def title_of(title_words: list[str]) -> str:
    """A title as one comparable string: "Chief Executive Officer" -> "chief executive"."""
    text = " ".join(w.casefold() for w in title_words)
    text = TITLE_SYNONYMS.get(text, text)
    head, _, last = text.rpartition(" ")
    if last in TITLE_SYNONYMS:
        text = f"{head} {TITLE_SYNONYMS[last]}".strip()
    return text


def is_title_word(word: str) -> bool:
    w = word.casefold()
    return w in TITLE_HEADS or w in TITLE_MODIFIERS


def is_title_head(word: str) -> bool:
    return word.casefold() in TITLE_HEADS


def is_acronym(text: str) -> bool:
    bare = text.replace(".", "").replace("&", "")
    return 2 <= len(bare) <= 8 and bare.isalnum() and sum(c.isupper() for c in bare) >= 2
