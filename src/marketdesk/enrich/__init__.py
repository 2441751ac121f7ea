"""Enrichment: a Page in, Annotations out. No I/O beyond loading the model once.

    nlp = load_pipeline()                 # the bundled small English model, cached
    annotations = enrich(page, nlp)
    for annotations in enrich_many(pages, nlp): ...
    known("place:jp")                     # the gazetteer's facts: Wikidata item, ISO code

Entities come from spaCy's recogniser with marketdesk's entity ruler before it (pipeline.py,
gazetteer.json), cleaned and given titles and aliases (mentions.py), then grouped within the
article by rules (resolve.py). Events are read from the text and the resolved entities
(events.py), their dates resolved against the story's date (dates.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc

from marketdesk.enrich import events, resolve
from marketdesk.enrich.mentions import candidates
from marketdesk.enrich.pipeline import DEFAULT_MODEL, load_pipeline, model_label
from marketdesk.enrich.tone import tone
from marketdesk.enrich.topics import topics
from marketdesk.enrich.vocab import Known, gazetteer
from marketdesk.model import Annotations, Page

__all__ = [
    "DEFAULT_MODEL",
    "MAX_CHARS",
    "Known",
    "country_key",
    "enrich",
    "enrich_many",
    "known",
    "load_pipeline",
    "model_label",
]

# A long page costs time in proportion; entities past this many characters of the article
# are not looked for (the median news article is about 4,000).
MAX_CHARS = 100_000
_GLUE = "\n\n"


def enrich(page: Page, nlp: Language | None = None, *, anchor: date | None = None) -> Annotations:
    """The annotations of one page (nlp: a pipeline from load_pipeline; default the bundled
    model; anchor: as for enrich_many)."""
    return next(enrich_many((page,), nlp, anchor=anchor))


def enrich_many(
    pages: Iterable[Page],
    nlp: Language | None = None,
    *,
    batch_size: int = 32,
    anchor: date | None = None,
) -> Iterator[Annotations]:
    """Annotations for many pages, in order, through spaCy's batched nlp.pipe. Event dates
    ("on Wednesday") are resolved against the story's date: the page's published date (its
    own calendar day, in its own offset), else ``anchor`` (the story's date for pages that
    carry none), else none (the expressions are kept, their dates None)."""
    nlp = nlp if nlp is not None else load_pipeline()
    label = model_label(nlp)
    pending: list[tuple[int, Page]] = []  # body offset and page, in nlp.pipe's order

    def texts() -> Iterator[str]:
        for page in pages:
            title = page.article.title or ""
            body = page.article.text[:MAX_CHARS]
            # The headline is read with the text (its names count); a blank line keeps it a
            # sentence of its own. Offsets stay those of Article.title and Article.text.
            head = title + _GLUE if title.strip() else ""
            pending.append((len(head), page))
            yield head + body

    for doc in nlp.pipe(texts(), batch_size=batch_size):
        body_start, page = pending.pop(0)
        found = annotate(doc, body_start, label)
        article = page.article
        story_date = article.published.date() if article.published else anchor
        yield replace(
            found,
            topics=topics(article),
            tone=tone(article),
            # The modules, not their functions, are imported (see annotate).
            events=events.events(article.text[:MAX_CHARS], found.entities, story_date),
        )


def country_key(alpha3: str) -> Known | None:
    """The gazetteer's country with this ISO 3166-1 alpha-3 code ("JPN"), any case, or None."""
    code = alpha3.strip().upper()
    return next((k for k in gazetteer().by_key.values() if k.alpha3 == code), None)


def known(key: str) -> Known | None:
    """What the bundled gazetteer knows of an organisation or place by its key ("place:jp"):
    its name, its Wikidata item where checked, a country's ISO 3166-1 alpha-3 code."""
    return gazetteer().by_key.get(key)


def annotate(doc: Doc, body_start: int, label: str = "") -> Annotations:
    """Annotations from a processed Doc whose text is headline + blank line + article text
    (body_start: where the article text starts; 0 without a headline)."""
    body_sentence = 0
    if body_start:
        body_sentence = next((n for n, s in enumerate(doc.sents) if s.start_char >= body_start), 0)
    # The module, not its function, is imported: `marketdesk.enrich.resolve` stays the module.
    entities = resolve.resolve(candidates(doc), resolve.Layout(body_start, body_sentence))
    return Annotations(entities=entities, model=label)
