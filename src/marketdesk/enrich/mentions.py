"""From a processed spaCy Doc to candidate mentions, each with what the rules need: its kind, the
gazetteer's key, the titles it was introduced with, the names that qualify those titles, an
alias it stands for, a ticker beside it. Also the mentions of people by title alone.

The rules, in order (each documented where it is applied):

1. Spans: a leading "the" and a trailing "'s" are not part of a name; honorifics ("Mr.",
   "Prince") and titles inside a person's span ("President Xi") are stripped, the titles kept;
   a hyphenated given name continues the span ("Yoon Suk-yeol").
2. Kinds: PERSON is a person, ORG an organisation, GPE, LOC and FAC a place; NORP only where
   the gazetteer knows the demonym ("Japanese" -> Japan), else it is dropped ("Communist").
   A person followed by a company word is a company ("Cantor Fitzgerald & Co."), one followed
   by a facility word a place ("the Fukushima nuclear plant"), one whose last word is an
   industry word a company ("Altair Engineering"), one word after "the" and before no noun an
   organisation ("the Louvre,", "the Louvre has"), and so is one word after a firm's noun
   ("copper miner Codelco", "chipmaker Nvidia"), or after a worker's noun and "at"
   ("analysts at Grant Thornton"). A name right after a capitalised title is a
   person ("Governor Eli Remolona", whatever the model called it), and a capitalised word
   between the title and the model's person is part of the name ("Chief Executive Bharat
   Masrani"). Index, currency and commodity names, ticker notes, award ceremonies and page
   furniture ("Slideshow") are never entities.
3. Aliases: "Bank of Japan (BOJ)", "Bank of Mexico, known as Banxico": the second names the
   first. A ticker note right after an organisation is its symbol.
4. Titles: the run of title words before a person's name ("Japanese Prime Minister Fumio
   Kishida": "prime minister", qualified by Japan), or after it as an apposition ("Jamie
   Dimon, chief executive of JPMorgan Chase").
6. One name, one entity in an article: a name the model marked once (not a sentence's first
   word alone) is a mention wherever else it is written the same way ("LVMH" in every
   sentence, not only those where the model saw it).
5. References by title: "the prime minister", "Japan's prime minister", "the Chinese
   president", "the chancellor" (a title after "the" or a possessive, no name after it) are
   candidates; resolve.py finds the person introduced with that title.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from spacy.tokens import Doc, Span, Token

from marketdesk.enrich.candidate import Candidate
from marketdesk.enrich.vocab import (
    COMPANY_SUFFIXES,
    COMPANY_WORDS,
    FACILITY_WORDS,
    GENERIC_WORDS,
    HONORIFICS,
    INDUSTRY_WORDS,
    PLURAL_ROLES,
    acronyms,
    gazetteer,
    is_acronym,
    is_title_head,
    is_title_word,
    names,
    title_of,
)
from marketdesk.model import EntityKind

_KINDS = {
    "PERSON": EntityKind.PERSON,
    "ORG": EntityKind.ORGANISATION,
    "GPE": EntityKind.PLACE,
    "LOC": EntityKind.PLACE,
    "FAC": EntityKind.PLACE,
}
_NOT_ENTITIES = frozenset({"INDEX", "CURRENCY", "COMMODITY", "TICKER"})
_POSSESSIVE = frozenset({"'s", "\u2019s", "\u2018s", "'", "\u2019"})
_ALIAS_CUES = (("known", "as"), ("also", "known", "as"), ("or",))
_EVENT_WORDS = frozenset({"award", "awards", "prize", "prizes", "festival"})
_PHRASE_STOPS = frozenset(',;:.()[]"\u201c\u201d!?\u2013\u2014')


def candidates(doc: Doc) -> list[Candidate]:
    sentence_of = _sentence_index(doc)
    words = _words(doc)
    gaz = gazetteer()
    found: list[Candidate] = []
    tickers: list[Span] = []
    for ent in doc.ents:
        if ent.label_ == "TICKER":
            tickers.append(ent)
            continue
        if ent.label_ in _NOT_ENTITIES or ent.text in gaz.not_entities:
            continue
        if ent.text in names().not_names or doc[ent.end - 1].lower_ in _EVENT_WORDS:
            continue
        cand = _candidate(doc, ent, sentence_of)
        if cand is not None:
            found.append(cand)
    found.sort(key=lambda c: c.token_start)
    found = _surname_lists(doc, found, words, sentence_of)
    found = _join_people(doc, found)
    in_ents = {i for e in doc.ents for i in range(e.start, e.end)}
    found = _names_again(doc, found, in_ents, words, sentence_of)
    found = _same_names(doc, found, in_ents, words, sentence_of)
    found = _acronyms_of(doc, found, in_ents, words, sentence_of)
    found.sort(key=lambda c: c.token_start)
    found = _attach_tickers(doc, found, tickers)
    found = _aliases(doc, found)
    found, appositions = _titles(doc, found)
    # Appended, never re-sorted: qualifiers and aliases are indices into this list.
    found.extend(_title_references(doc, found, sentence_of, appositions, words))
    return found


def _sentence_index(doc: Doc) -> list[int]:
    """Each token's sentence, by number (doc.sents' order: a sentence starts at every token
    marked as a start, and at the first)."""
    if not len(doc):
        return []
    starts = doc.to_array("SENT_START").astype(np.int64) == 1
    starts[0] = True
    index: list[int] = (np.cumsum(starts) - 1).tolist()
    return index


def _words(doc: Doc) -> list[str]:
    """Each token's text, from the string store (no Token objects made, nor doc.text, which
    makes one a token: the loops over every token below look at these first)."""
    strings = doc.vocab.strings
    return [strings[orth] for orth in doc.to_array("ORTH").tolist()]


def _candidate(doc: Doc, ent: Span, sentence_of: list[int]) -> Candidate | None:
    gaz = gazetteer()
    start, end = ent.start, ent.end
    label = ent.label_
    titles: list[str] = []
    # 1. Spans.
    while start < end and doc[start].lower_ == "the":
        start += 1
    while start < end and (doc[end - 1].text in _POSSESSIVE or doc[end - 1].is_punct):
        if doc[end - 1].text in (".",) and end - start == 1:
            break
        if doc[end - 1].text == "." and len(doc[end - 2].text) <= 3:
            break  # "Inc.", "U.S.": the stop is part of the word
        end -= 1
    if label != "PERSON" and not ent.ent_id_ and _after_title(doc, start):
        label = "PERSON"  # "Governor Eli Remolona", "Chancellor Olaf Scholz"
    elif label != "PERSON" and not ent.ent_id_ and _after_lower_title(doc, start, end):
        label = "PERSON"  # "its chief executive Pablo Vegas"
    if label != "PERSON" and not ent.ent_id_:
        place = _place_before_title(doc, start, end)
        if place is not None:
            # "British Business Secretary" read as one organisation: the place, then a title.
            end, label = place, "GPE"
    if label == "PERSON":
        # "Chief Executive [Bharat] Masrani": the given name the model left out.
        before = doc[start - 1] if start > 0 else None
        if (
            before is not None
            and end - start == 1
            and before.is_title
            and before.is_alpha
            and not before.is_stop
            and not before.ent_type_
            and not is_title_word(before.text)
            and before.text not in gaz.by_name
            and _after_title(doc, start - 1)
        ):
            start -= 1
        run: list[str] = []
        while start < end - 1 and (
            doc[start].lower_ in HONORIFICS or is_title_word(doc[start].text)
        ):
            if doc[start].lower_ not in HONORIFICS:
                run.append(doc[start].text)
            start += 1
        if run and is_title_head(run[-1]):
            titles.append(title_of(run))
        while (
            end + 1 < len(doc)
            and doc[end].text == "-"
            and not doc[end - 1].whitespace_
            and not doc[end].whitespace_
            and doc[end + 1].is_alpha
        ):
            end += 2
    if start >= end:
        return None
    text = doc[start:end].text
    if text.casefold() in COMPANY_SUFFIXES:
        return None  # "LLC" cut off "Salon.com, LLC"
    key = ent.ent_id_ or None
    if key is None and not any(c.isupper() for c in text):
        return None  # lower-case spans are the model's noise; "euro zone" comes from the ruler
    canonical: str | None = None
    firm = False
    kind = _KINDS.get(label)
    # 2. Kinds.
    known = gaz.by_name.get(text)
    if known is not None:
        key, canonical, firm = known.key, known.name, True
        kind = EntityKind(known.kind)
    elif key is not None:
        firm = True
    if kind is None:
        return None  # NORP that names no country, dates, amounts and the rest
    if kind is EntityKind.PERSON and key is None:
        company = _company_words(doc, end)
        if company > end:
            end, kind, firm = company, EntityKind.ORGANISATION, True
            text = doc[start:end].text
        elif end < len(doc) and doc[end].lower_ in FACILITY_WORDS and doc[end].is_lower:
            kind, firm = EntityKind.PLACE, True
        elif end - start > 1 and doc[end - 1].lower_ in INDUSTRY_WORDS | COMPANY_WORDS:
            kind, firm = EntityKind.ORGANISATION, True  # "Altair Engineering"
        elif (
            end - start == 1
            and start > 0
            and doc[start - 1].lower_ == "the"
            and not titles
            and not (end < len(doc) and _noun_after(doc[end]))
        ):
            # "the Louvre," and "the Louvre has": people are not "the Smith" (but "the Trump
            # administration" is Trump's).
            kind = EntityKind.ORGANISATION
    if (
        key is None
        and kind is not EntityKind.ORGANISATION
        and end - start == 1
        and start > 0
        and doc[start - 1].is_lower
        and doc[start - 1].lower_ in _FIRM_NOUNS
    ):
        kind, firm = EntityKind.ORGANISATION, True  # "state copper miner Codelco"
    if (
        key is None
        and kind is EntityKind.PERSON
        and not titles
        and start > 1
        and doc[start - 1].lower_ == "at"
        and doc[start - 2].lower_ in _WORKERS
    ):
        kind, firm = EntityKind.ORGANISATION, True  # "analysts at Grant Thornton"
    return Candidate(
        start=doc[start].idx,
        end=doc[end - 1].idx + len(doc[end - 1].text),
        text=text,
        kind=kind,
        sentence=sentence_of[start],
        key=key,
        canonical=canonical,
        firm=firm,
        titles=tuple(titles),
        token_start=start,
        token_end=end,
    )


# Nouns for a firm that stand right before its one-word name ("chipmaker Nvidia", "copper miner
# Codelco"); none is also a person's occupation before a surname ("producer", "investor").
_FIRM_NOUNS = frozenset(
    {"miner", "chipmaker", "automaker", "carmaker", "drugmaker", "lender", "insurer", "retailer"}
    | {"airline", "carrier", "conglomerate", "refiner", "brokerage", "shipbuilder", "shipper"}
    | {"firm", "company", "giant", "startup", "subsidiary", "maker", "bank", "group", "utility"}
)


# People who work "at" a firm: "analysts at Grant Thornton" names a firm, whatever the model
# read (people are worked with, not at).
_WORKERS = frozenset(
    {"analyst", "analysts", "economist", "economists", "strategist", "strategists", "partner"}
    | {"partners", "trader", "traders", "banker", "bankers", "researcher", "researchers"}
    | {"executive", "executives", "employee", "employees", "staff", "director", "manager"}
)


# Words after "the NAME" that make NAME the subject, not a modifier of a noun: auxiliaries and
# reporting verbs ("the Louvre has", "the Louvre said"); past forms in -ed count too.
_VERBS_AFTER = frozenset(
    {"has", "had", "have", "is", "was", "were", "are", "will", "would", "can", "could", "may"}
    | {"might", "must", "should", "shall", "said", "says", "told", "added", "announced"}
)


def _noun_after(tok: Token) -> bool:
    """Whether a lower-case word follows that may be the noun a name modifies ("the Trump
    administration"), not a verb of which the name is the subject ("the Louvre declared")."""
    if not (tok.is_alpha and tok.is_lower):
        return False
    word = tok.lower_
    return word not in _VERBS_AFTER and not (len(word) > 4 and word.endswith("ed"))


# Lower-case heads that may stand before any name ("the bank's chairman Stuart Calloway").
_LOWER_TITLE_VAGUE = frozenset({"head", "leader", "chief", "representative"})


def _after_lower_title(doc: Doc, start: int, end: int) -> bool:
    """Whether a span of two or three capitalised words, no listed name nor a company's, follows
    a lower-case title head ("chief executive Pablo Vegas", which the model read as a place)."""
    if start == 0 or not 2 <= end - start <= 3:
        return False
    prev = doc[start - 1]
    if not (prev.is_lower and is_title_head(prev.text)) or prev.lower_ in _LOWER_TITLE_VAGUE:
        return False
    span = doc[start:end]
    if not all(t.is_title and t.is_alpha for t in span):
        return False
    if span.text in gazetteer().by_name or doc[end - 1].lower_ in COMPANY_WORDS | INDUSTRY_WORDS:
        return False
    return not any(t.lower_ in GENERIC_WORDS for t in span)


def _place_before_title(doc: Doc, start: int, end: int) -> int | None:
    """The end of a country or demonym that opens a span of title words ("British Business
    Secretary", "Saudi Energy Minister"): the span is the place, the rest the title that
    follows; None for any other span."""
    if end - start < 2:
        return None
    known = gazetteer().by_name.get(doc[start].text)
    if known is None or known.kind != "place":
        return None
    rest = doc[start + 1 : end]
    if not all(is_title_word(t.text) and t.is_title for t in rest):
        return None
    if is_title_head(rest[-1].text) or (end < len(doc) and is_title_word(doc[end].text)):
        return start + 1
    return None


def _surname_lists(
    doc: Doc, found: list[Candidate], words: list[str], sentence_of: list[int]
) -> list[Candidate]:
    """People named by surname in a list after a plural role ("Commissioners Phillips, Christie
    and Rosner", "board members Huang, Petrov and Mendes"): each a person, whatever the model
    called them, unless the gazetteer knows the name."""
    gaz = gazetteer()
    lists: list[list[int]] = []
    for i, word in enumerate(words):
        if word.lower() not in PLURAL_ROLES:
            continue
        names: list[int] = []
        j = i + 1
        while j < len(doc) and doc[j].is_title and doc[j].is_alpha and words[j] not in gaz.by_name:
            names.append(j)
            nxt = words[j + 1] if j + 1 < len(doc) else ""
            if nxt == "," and j + 2 < len(doc) and words[j + 2] == "and":
                j += 3
            elif nxt in (",", "and"):
                j += 2
            else:
                break
        # A list: two names or more, the last after "and", each one word.
        if len(names) >= 2 and words[names[-1] - 1] == "and":
            lists.append(names)
    if not lists:
        return found
    single = {k for names in lists for k in names}
    out = [
        c
        for c in found
        if c.key is not None or not any(k in single for k in range(c.token_start, c.token_end))
    ]
    keyed = {k for c in out for k in range(c.token_start, c.token_end)}
    for k in sorted(single - keyed):
        out.append(_single(doc[k], None, EntityKind.PERSON, None, sentence_of))
    out.sort(key=lambda c: c.token_start)
    return out


def _acronyms_of(
    doc: Doc,
    found: list[Candidate],
    in_ents: set[int],
    words: list[str],
    sentence_of: list[int],
) -> list[Candidate]:
    """An upper-case word made of the initials of an organisation named earlier ("ERCOT" after
    "Electric Reliability Council of Texas") where the model marked nothing: a mention of it."""
    first: dict[str, Candidate] = {}
    for c in found:
        if c.kind is EntityKind.ORGANISATION and c.token_end - c.token_start >= 3:
            for a in acronyms(c.text):
                if len(a) >= 3:
                    first.setdefault(a, c)
    if not first:
        return found
    taken = set(in_ents)
    for c in found:
        taken.update(range(c.token_start, c.token_end))
    out = list(found)
    for i, word in enumerate(words):
        like = first.get(word)
        if like is None or i in taken or like.token_start > i:
            continue
        out.append(
            replace(
                _single(doc[i], like, EntityKind.ORGANISATION, like.key, sentence_of),
                sentence=sentence_of[i],
                canonical=like.canonical,
            )
        )
    return out


def _after_title(doc: Doc, i: int) -> bool:
    """Whether token i follows a capitalised title ("Governor", "Chief Executive")."""
    if i == 0:
        return False
    prev = doc[i - 1]
    return is_title_head(prev.text) and (prev.is_title or prev.is_upper) and prev.is_alpha


def _same_names(
    doc: Doc,
    found: list[Candidate],
    in_ents: set[int],
    words: list[str],
    sentence_of: list[int],
) -> list[Candidate]:
    """6. Every other place a found name is written the same way, outside the model's spans."""
    seeds: dict[str, list[tuple[tuple[str, ...], Candidate]]] = {}
    for c in found:
        if c.by_title or c.token_end - c.token_start > 6:
            continue
        toks = tuple(t.text for t in doc[c.token_start : c.token_end])
        single = len(toks) == 1
        if single and (
            len(toks[0]) < 2 or (doc[c.token_start].is_sent_start and not is_acronym(c.text))
        ):
            continue  # a sentence's first word says little of itself ("Coal has ...")
        if not toks[0][:1].isupper():
            continue
        entry = seeds.setdefault(toks[0], [])
        if all(e[0] != toks for e in entry):
            entry.append((toks, c))
    if not seeds:
        return found
    taken = set(in_ents)
    for c in found:
        taken.update(range(c.token_start, c.token_end))
    out = list(found)
    for i, word in enumerate(words):
        if word not in seeds or i in taken:
            continue
        tok = doc[i]
        for toks, like in seeds[word]:
            end = tok.i + len(toks)
            if end > len(doc) or any(i in taken for i in range(tok.i, end)):
                continue
            if tuple(words[tok.i : end]) != toks:
                continue
            if end < len(doc) and doc[end].is_title and not doc[end].is_sent_start:
                continue  # the start of a longer name ("LVMH Moet Hennessy")
            out.append(
                Candidate(
                    start=tok.idx,
                    end=doc[end - 1].idx + len(doc[end - 1].text),
                    text=doc[tok.i : end].text,
                    kind=like.kind,
                    sentence=sentence_of[tok.i],
                    key=like.key,
                    canonical=like.canonical,
                    firm=like.firm,
                    token_start=tok.i,
                    token_end=end,
                )
            )
            taken.update(range(tok.i, end))
            break
    return out


def _names_again(
    doc: Doc,
    found: list[Candidate],
    in_ents: set[int],
    words: list[str],
    sentence_of: list[int],
) -> list[Candidate]:
    """A person's first or last word where the model marked nothing ("the Xi-Kishida
    meeting"), and places joined by a hyphen that the model read as one name ("the China-Japan
    dialogue"): mentions of their own."""
    gaz = gazetteer()
    out: list[Candidate] = []
    for c in found:
        parts = c.text.split("-")
        if (
            c.kind is not EntityKind.PERSON
            and len(parts) > 1
            and all(p in gaz.by_name and gaz.by_name[p].kind == "place" for p in parts)
        ):
            for tok in doc[c.token_start : c.token_end]:
                if tok.text != "-":
                    key = gaz.by_name[tok.text].key
                    out.append(_single(tok, c, EntityKind.PLACE, key, sentence_of))
            continue
        out.append(c)
    # A person's first and last words; an organisation's first word ("Berkshire"), unless it
    # is generic or another capitalised word follows it (then it begins another name).
    again: dict[str, EntityKind] = {}
    for c in out:
        ws = c.text.split()
        if len(ws) < 2:
            continue
        if c.kind is EntityKind.PERSON:
            again.update((w, c.kind) for w in (ws[0], ws[-1]))
        elif c.kind is EntityKind.ORGANISATION and ws[0].casefold() not in GENERIC_WORDS:
            again.setdefault(ws[0], c.kind)
    for i, word in enumerate(words):
        kind = again.get(word)
        if kind is None:
            continue
        tok = doc[i]
        if (
            tok.i in in_ents
            or len(tok.text) < 2
            or tok.text in gaz.by_name
            or not tok.is_title
            or _verb(tok)
        ):
            continue
        following = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if (
            kind is EntityKind.ORGANISATION
            and following is not None
            and following.is_title
            and not is_title_word(following.text)  # "Ostrander Chief Executive ..."
        ):
            continue
        out.append(_single(tok, None, kind, None, sentence_of))
    return out


def _join_people(doc: Doc, found: list[Candidate]) -> list[Candidate]:
    """Two people's spans with only a space between are one name the model cut in two
    ("Abdulaziz" + "bin Salman"); so are a person's full name and one capitalised word of
    another kind right after it ("Sri Mulyani" + "Indrawati", read as an organisation)."""
    out: list[Candidate] = []
    for c in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind is EntityKind.PERSON
            and prev.token_end == c.token_start
            and prev.key is None
            and c.key is None
            and (
                c.kind is EntityKind.PERSON
                or (
                    prev.token_end - prev.token_start >= 2
                    and c.token_end - c.token_start == 1
                    and not c.firm
                    and doc[c.token_start].is_title
                    and doc[c.token_start].is_alpha
                    and doc[prev.token_end - 1].whitespace_ == " "
                )
            )
        ):
            out[-1] = replace(
                prev,
                end=c.end,
                text=doc[prev.token_start : c.token_end].text,
                token_end=c.token_end,
                titles=prev.titles + c.titles,
            )
            continue
        out.append(c)
    return out


def _single(
    tok: Token,
    like: Candidate | None,
    kind: EntityKind,
    key: str | None,
    sentence_of: list[int],
) -> Candidate:
    known = gazetteer().by_name.get(tok.text)
    return Candidate(
        start=tok.idx,
        end=tok.idx + len(tok.text),
        text=tok.text,
        kind=kind,
        sentence=like.sentence if like else sentence_of[tok.i],
        key=key,
        canonical=known.name if known and key else None,
        firm=key is not None,
        token_start=tok.i,
        token_end=tok.i + 1,
    )


def _company_words(doc: Doc, end: int) -> int:
    """The end of "PERSON & Co." or "PERSON Financial": the company words after a name."""
    i = end
    while (
        i < len(doc)
        and doc[i].lower_ in COMPANY_WORDS
        and (doc[i].is_title or doc[i].text == "&" or doc[i].is_upper)
    ):
        i += 1
        if doc[i - 1].text == "&" and i < len(doc) and doc[i].is_title:
            i += 1  # "& Co."
    return i


def _attach_tickers(doc: Doc, found: list[Candidate], tickers: list[Span]) -> list[Candidate]:
    """3. A ticker note right after an organisation ("Apple Inc. (NASDAQ: AAPL)") is its
    symbol; nothing inside a note is an entity."""
    inside = {i for t in tickers for i in range(t.start, t.end)}
    # "LVMH (LVMHF)": in brackets after a name that is an acronym itself, a ticker symbol.
    for n, c in enumerate(found):
        i = c.token_end
        if (
            c.kind is EntityKind.ORGANISATION
            and is_acronym(c.text)
            and i + 2 < len(doc)
            and doc[i].text == "("
            and doc[i + 2].text == ")"
            and doc[i + 1].is_upper
            and doc[i + 1].is_alpha
            and doc[i + 1].text != c.text
        ):
            found[n] = replace(c, symbols=(*c.symbols, doc[i + 1].text))
            inside.add(i + 1)
    found = [c for c in found if c.token_start not in inside]
    by_end = {c.token_end: n for n, c in enumerate(found)}
    for t in tickers:
        at = by_end.get(t.start)
        if at is None or found[at].kind is not EntityKind.ORGANISATION:
            continue
        symbol = "".join(tok.text for tok in t if tok.text not in "()").replace(" ", "")
        found[at] = replace(found[at], symbols=(*found[at].symbols, symbol))
    return found


def _aliases(doc: Doc, found: list[Candidate]) -> list[Candidate]:
    """3. "X (Y)" and "X, known as Y": Y is another name of X. An acronym in the brackets that
    the model did not mark becomes a mention of X."""
    by_start = {c.token_start: n for n, c in enumerate(found)}
    added: list[Candidate] = []
    for n, cand in enumerate(found):
        if cand.kind is EntityKind.PERSON or cand.token_end >= len(doc):
            continue
        i = cand.token_end
        if doc[i].text == "(" and i + 2 < len(doc) and doc[i + 2].text == ")":
            m = by_start.get(i + 1)
            if m is not None and found[m].token_end == i + 2 and _names(cand, found[m].text):
                found[m] = replace(found[m], alias_of=n, kind=cand.kind)
            elif doc[i + 1].is_alpha and _names(cand, doc[i + 1].text):
                tok = doc[i + 1]
                added.append(
                    replace(
                        cand,
                        start=tok.idx,
                        end=tok.idx + len(tok.text),
                        text=tok.text,
                        key=None,
                        canonical=None,
                        symbols=(),
                        alias_of=n,
                        token_start=i + 1,
                        token_end=i + 2,
                    )
                )
            continue
        if doc[i].text != ",":
            continue
        for cue in _ALIAS_CUES:
            j = i + 1
            if [t.lower_ for t in doc[j : j + len(cue)]] == list(cue):
                m = by_start.get(j + len(cue))
                if m is not None and found[m].kind is not EntityKind.PERSON:
                    found[m] = replace(found[m], alias_of=n, kind=cand.kind)
                break
    return found + added


def _names(cand: Candidate, inner: str) -> bool:
    """Whether "(inner)" after a name is its acronym: any acronym after an organisation, one
    made of the name's initials after anything else. "British Virgin Islands (BVI)" is;
    "LOS ANGELES (Reuters)" and "NEW YORK (AP)" are datelines."""
    if not is_acronym(inner):
        return False
    if cand.kind is EntityKind.ORGANISATION:
        return True
    bare = inner.replace(".", "").upper()
    return any(a.endswith(bare) for a in acronyms(cand.text))


def _titles(doc: Doc, found: list[Candidate]) -> tuple[list[Candidate], set[int]]:
    """4. The titles a person is introduced with, and what qualifies them; also the tokens of
    appositions, which are no references of their own."""
    by_end = {c.token_end: n for n, c in enumerate(found)}
    by_start = {c.token_start: n for n, c in enumerate(found)}
    taken = {i for c in found for i in range(c.token_start, c.token_end)}
    appositions: set[int] = set()
    out = list(found)
    for n, cand in enumerate(found):
        if cand.kind is not EntityKind.PERSON:
            continue
        titles = list(cand.titles)
        qualifiers: list[int] = []
        role_text: str | None = None
        # Before the name: "[Japanese] [Prime Minister] [Prince] NAME".
        i = cand.token_start
        while i > 0 and doc[i - 1].lower_ in HONORIFICS:
            i -= 1
        j = i
        while j > 0 and is_title_word(doc[j - 1].text) and (j - 1) not in taken:
            j -= 1
        if j < i and is_title_head(doc[i - 1].text):
            titles.append(title_of([t.text for t in doc[j:i]]))
            q = _qualifier_before(doc, j, by_end)
            if q is not None:
                qualifiers.append(q)
        # After it: "NAME, [the] [SEC] chair [of JPMorgan Chase],".
        k = cand.token_end
        if k < len(doc) and doc[k].text == ",":
            k += 1
            if k < len(doc) and doc[k].lower_ == "the":
                k += 1
            q = by_start.get(k)
            if q is not None and found[q].kind is not EntityKind.PERSON:
                k = found[q].token_end
            start = k
            while k < len(doc) and is_title_word(doc[k].text) and doc[k].is_lower:
                k += 1
            if k > start and is_title_head(doc[k - 1].text):
                appositions.update(range(start, k))
                titles.append(title_of([t.text for t in doc[start:k]]))
                if q is not None:
                    qualifiers.append(q)
                if k + 1 < len(doc) and doc[k].lower_ in ("of", "at", "for"):
                    after = by_start.get(k + 1 if doc[k + 1].lower_ != "the" else k + 2)
                    if after is not None and found[after].kind is not EntityKind.PERSON:
                        qualifiers.append(after)
                    role_text = _complement(doc, start, k) if q is None else None
        if titles:
            out[n] = replace(
                cand,
                titles=tuple(dict.fromkeys(titles)),
                qualifiers=tuple(qualifiers),
                role_text=role_text,
            )
    return out, appositions


def _complement(doc: Doc, start: int, k: int) -> str | None:
    """4. An apposition's title with what it is of, in full: from the title to the end of
    the phrase (a comma, a bracket, a quote or the sentence's end), at most 16 words; None
    where the phrase runs on (no stop within them)."""
    end = k
    sentence_end = doc[start].sent.end
    while end < sentence_end and end - start <= 16:
        if doc[end].text in _PHRASE_STOPS:
            break
        end += 1
    else:
        if end < sentence_end:
            return None
    while end > k and doc[end - 1].lower_ in ("the", "of", "and", "for", "at"):
        end -= 1
    return doc[start:end].text if end > k + 1 else None


def _qualifier_before(doc: Doc, i: int, by_end: dict[int, int]) -> int | None:
    """The place or organisation right before a title: "Japanese", "Japan's", "IBM"."""
    if i > 0 and doc[i - 1].text in _POSSESSIVE:
        i -= 1
    return by_end.get(i)


def _title_references(
    doc: Doc,
    found: list[Candidate],
    sentence_of: list[int],
    appositions: set[int],
    words: list[str],
) -> list[Candidate]:
    """5. "the prime minister", "Japan's prime minister", "the Chinese president": a title after
    "the" or a possessive, with no name after it."""
    taken = {i for c in found for i in range(c.token_start, c.token_end)} | appositions
    by_end = {c.token_end: n for n, c in enumerate(found)}
    refs: list[Candidate] = []
    i = 0
    while i < len(doc):
        if i in taken or not is_title_word(words[i]):
            i += 1
            continue
        tok = doc[i]
        if not (tok.is_lower or tok.is_title):
            i += 1
            continue
        j = i
        while j < len(doc) and j not in taken and is_title_word(words[j]):
            j += 1
        head = doc[j - 1]
        next_tok = doc[j] if j < len(doc) else None
        named_next = next_tok is not None and (
            next_tok.is_title or next_tok.lower_ in HONORIFICS or j in taken
        )
        mixed = any(t.is_title for t in doc[i:j]) and not (i > 0 and doc[i - 1].lower_ == "the")
        if not is_title_head(head.text) or named_next or mixed or _plural(head):
            i = j
            continue
        qualifier = _qualifier_before(doc, i, by_end)
        determined = i > 0 and (
            doc[i - 1].lower_ == "the"
            or doc[i - 1].text in _POSSESSIVE
            or (qualifier is not None and _after_the(doc, found[qualifier].token_start))
        )
        if determined:
            refs.append(
                Candidate(
                    start=tok.idx,
                    end=head.idx + len(head.text),
                    text=doc[i:j].text,
                    kind=EntityKind.PERSON,
                    sentence=sentence_of[i],
                    titles=(title_of([t.text for t in doc[i:j]]),),
                    qualifiers=(qualifier,) if qualifier is not None else (),
                    by_title=True,
                    token_start=i,
                    token_end=j,
                )
            )
        i = j
    return refs


def _after_the(doc: Doc, i: int) -> bool:
    return i > 0 and doc[i - 1].lower_ == "the"


def _plural(token: Token) -> bool:
    if token.doc.has_annotation("TAG"):
        return token.tag_ in ("NNS", "NNPS")
    word = token.lower_  # without a tagger: title heads ("ministers", "governors") by spelling
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _verb(token: Token) -> bool:
    """A capitalised word that is a verb here ("Will", "Rose" opening a sentence), not the
    surname it spells: by its tag where a tagger ran, else a word a verb follows or that
    "to" precedes."""
    if token.doc.has_annotation("TAG"):
        return token.tag_.startswith("VB")
    return token.i > 0 and token.doc[token.i - 1].lower_ == "to"
