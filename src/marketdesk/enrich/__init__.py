"""Enrichment: a Page in, Annotations out. No I/O beyond loading the model once.

    nlp = load_pipeline()                 # the bundled small English model, cached
    annotations = enrich(page, nlp)
    for annotations in enrich_many(pages, nlp): ...
    known("place:jp")                     # the gazetteer's facts: Wikidata item, ISO code
    enrich_many(pages, nlp, kb=load_kb(path), date=day)   # another knowledge base; a date
                                                          # for pages that carry none

Entities come from spaCy's recogniser with marketdesk's entity ruler before it (pipeline.py,
gazetteer.json), cleaned and given titles and aliases (mentions.py), then grouped within the
article by rules (resolve.py) and linked to the knowledge base (kb.py, kb.jsonl) with the
role each person held on the story's date: the page's published date, else ``date`` (link.py).
Events are read from the text and the resolved entities (events.py), their dates resolved
against the story's date (dates.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date as Date

from spacy.language import Language
from spacy.tokens import Doc

from marketdesk.enrich import events, resolve
from marketdesk.enrich.candidate import Candidate
from marketdesk.enrich.kb import KnowledgeBase
from marketdesk.enrich.kb import load as load_kb
from marketdesk.enrich.language import guess_language
from marketdesk.enrich.link import Clues, link
from marketdesk.enrich.mentions import candidates
from marketdesk.enrich.pipeline import DEFAULT_MODEL, load_pipeline, model_label
from marketdesk.enrich.tone import tone
from marketdesk.enrich.topics import topics
from marketdesk.enrich.vocab import Known, gazetteer
from marketdesk.model import Annotations, Entity, Page

__all__ = [
    "CUT_NOTE",
    "DEFAULT_MODEL",
    "MAX_CHARS",
    "NOT_ENGLISH_NOTE",
    "KnowledgeBase",
    "Known",
    "country_key",
    "enrich",
    "enrich_many",
    "known",
    "load_kb",
    "load_pipeline",
    "model_label",
    "story_date",
]

# A long page costs time in proportion; entities past this many characters of the article
# are not looked for (the median news article is about 4,000).
MAX_CHARS = 100_000
_GLUE = "\n\n"
CUT_NOTE = f"text cut to its first {MAX_CHARS:,} characters for enrichment"
NOT_ENGLISH_NOTE = "enrichment is for English; entities may be missing"
# What the vocabulary keeps between batches (see _batch): the words of the first articles,
# until their strings number this many beyond the model's own (about 8,000 words, 10 MiB).
KEEP_STRINGS = 20_000
_strings_at_start: dict[int, int] = {}


def enrich(
    page: Page,
    nlp: Language | None = None,
    *,
    kb: KnowledgeBase | None = None,
    date: Date | None = None,
) -> Annotations:
    """The annotations of one page (nlp: a pipeline from load_pipeline; default the bundled
    model; kb: the knowledge base, default the bundled one; date: the story's date where the
    page carries none)."""
    return next(enrich_many((page,), nlp, kb=kb, date=date))


def enrich_many(
    pages: Iterable[Page],
    nlp: Language | None = None,
    *,
    batch_size: int = 32,
    kb: KnowledgeBase | None = None,
    date: Date | None = None,
) -> Iterator[Annotations]:
    """Annotations for many pages, in order, through spaCy's batched nlp.pipe; entities are
    linked to ``kb`` (default the bundled knowledge base) as of each story's date (its
    published date, else ``date``), against which event dates are resolved too.

    Each batch runs in a spaCy memory zone: the words it brings to the vocabulary are
    forgotten after it, so memory stays flat over any number of pages (a long-running daemon
    meets new names every day). Nothing of a batch's Docs outlives it: Annotations are plain
    data."""
    nlp = nlp if nlp is not None else load_pipeline()
    kb = kb if kb is not None else load_kb()
    label = model_label(nlp)
    batch: list[Page] = []
    for page in pages:
        batch.append(page)
        if len(batch) >= batch_size:
            yield from _batch(batch, nlp, label, batch_size, kb, date)
            batch = []
    if batch:
        yield from _batch(batch, nlp, label, batch_size, kb, date)


def _batch(
    pages: list[Page],
    nlp: Language,
    label: str,
    batch_size: int,
    kb: KnowledgeBase,
    date: Date | None,
) -> list[Annotations]:
    starts: list[int] = []
    texts: list[str] = []
    for page in pages:
        title = page.article.title or ""
        # The headline is read with the text (its names count); a blank line keeps it a
        # sentence of its own. Offsets stay those of Article.title and Article.text.
        head = title + _GLUE if title.strip() else ""
        starts.append(len(head))
        texts.append(head + page.article.text[:MAX_CHARS])
    out: list[Annotations] = []
    source: list[str] | list[Doc] = texts
    strings = len(nlp.vocab.strings)  # outside a zone: the strings kept
    if strings < _strings_at_start.setdefault(id(nlp.vocab), strings) + KEEP_STRINGS:
        # Tokenized outside the memory zone while the vocabulary is small: these words stay,
        # and so does the tokenizer's cache of them (spaCy caches nothing within a zone), so
        # a later article's common words are looked up, not split and described again (a
        # third of the tokenizer's time). Past KEEP_STRINGS, words are forgotten after their
        # batch: memory stays bounded.
        source = [nlp.make_doc(t) for t in texts]
    with nlp.memory_zone():
        docs = nlp.pipe(source, batch_size=batch_size)
        for doc, body_start, page in zip(docs, starts, pages, strict=True):
            day = story_date(page, date)
            found = annotate(doc, body_start, label, kb=kb, date=day)
            language, notes = _reading(page)
            article = page.article
            out.append(
                replace(
                    found,
                    topics=topics(article),
                    tone=tone(article),
                    # The modules, not their functions, are imported (see annotate).
                    events=events.events(article.text[:MAX_CHARS], found.entities, day),
                    language=language,
                    notes=notes,
                )
            )
    return out


def _reading(page: Page) -> tuple[str | None, tuple[str, ...]]:
    """The language the page was read as (extraction's, else a cheap guess) and the notes:
    text cut at MAX_CHARS, a language other than English (entities are still looked for)."""
    text = page.article.text
    language = page.article.language or guess_language(text)
    notes = []
    if len(text) > MAX_CHARS:
        notes.append(CUT_NOTE)
    if language is not None and language != "en":
        notes.append(NOT_ENGLISH_NOTE)
    return language, tuple(notes)


def story_date(page: Page, default: Date | None = None) -> Date | None:
    """The day a story is of: its published date (as the page gives it), else ``default``."""
    published = page.article.published
    return published.date() if published is not None else default


def country_key(alpha3: str) -> Known | None:
    """The gazetteer's country with this ISO 3166-1 alpha-3 code ("JPN"), any case, or None."""
    code = alpha3.strip().upper()
    return next((k for k in gazetteer().by_key.values() if k.alpha3 == code), None)


def known(key: str) -> Known | None:
    """What the bundled gazetteer knows of an organisation or place by its key ("place:jp"):
    its name, its Wikidata item where checked, a country's ISO 3166-1 alpha-3 code."""
    return gazetteer().by_key.get(key)


def annotate(
    doc: Doc,
    body_start: int,
    label: str = "",
    *,
    kb: KnowledgeBase | None = None,
    date: Date | None = None,
) -> Annotations:
    """Annotations from a processed Doc whose text is headline + blank line + article text
    (body_start: where the article text starts; 0 without a headline), linked to ``kb``
    (default the bundled knowledge base) as of ``date``."""
    body_sentence = 0
    if body_start:
        body_sentence = next((n for n, s in enumerate(doc.sents) if s.start_char >= body_start), 0)
    cands = candidates(doc)
    # The module, not its function, is imported: `marketdesk.enrich.resolve` stays the module.
    entities = resolve.resolve(cands, resolve.Layout(body_start, body_sentence))
    kb = kb if kb is not None else load_kb()
    linked = link(entities, kb, date, _clues(cands, entities, body_start))
    return Annotations(entities=linked, model=label)


def _clues(
    cands: Sequence[Candidate], entities: Sequence[Entity], body_start: int
) -> dict[int, Clues]:
    """What each entity's candidates say beyond its names: the qualifiers of its titles (by
    gazetteer key, else as written) and the title in full (link.py reads them)."""
    at = {c.start: i for i, c in enumerate(cands)}
    out: dict[int, Clues] = {}
    for e in entities:
        quals: list[str] = []
        role_text = None
        for m in e.mentions:
            i = at.get(m.start + (body_start if m.part == "text" else 0))
            if i is None:
                continue
            c = cands[i]
            quals.extend(cands[q].key or cands[q].text for q in c.qualifiers)
            role_text = role_text or c.role_text
        out[e.id] = Clues(e.titles, tuple(dict.fromkeys(quals)), role_text)
    return out
