"""Entities as a service: ``marketdesk entities`` (JSON Lines of texts in, each text's entity
spans out) and ``marketdesk analyze`` (a page's extraction with its entities, countries and
events).

Both enrich through ``enrich_many`` (spaCy's batched ``nlp.pipe``) a batch at a time and hand
each batch back as soon as it is done, so a long input streams: nothing waits for the end of
standard input, and memory holds one batch. The pipeline is the Desk's (``Desk.nlp``), loaded
before the first input is read, so a missing model fails before anything is printed.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date as Date
from itertools import islice
from typing import IO

from marketdesk.app.desk import Desk
from marketdesk.app.ingest import extract_sources
from marketdesk.app.touched import countries, wikidata_ids
from marketdesk.app.touched import touched as touched_by
from marketdesk.enrich import MAX_CHARS, enrich_many
from marketdesk.markets.links import InstrumentLink
from marketdesk.model import Annotations, Article, Mention, Page

__all__ = [
    "BATCH",
    "BATCH_CHARS",
    "MAX_LINE_BYTES",
    "Analysis",
    "InstrumentLink",
    "TextEntities",
    "analyze_sources",
    "countries",
    "entities_lines",
    "facts",
    "links",
    "wikidata_ids",
]

# A batch is at most BATCH texts and ends at the text that brings it to BATCH_CHARS characters:
# short texts gain from batches of 32 (1.5x over one at a time), but whole articles lose about
# 13 % in batches of 32 against batches of 8 or fewer (benchmarks/bench_entities_cli.py).
BATCH = 32
BATCH_CHARS = 40_000
# A line past this is refused unread (its id with it): a text is only read to MAX_CHARS anyway,
# and one runaway line must not take the memory of the machine.
MAX_LINE_BYTES = 16 * 1024 * 1024
_SPACE = re.compile(r"\s+")
_BREAK = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")  # str.splitlines' breaks


@dataclass(frozen=True, slots=True)
class TextEntities:
    """One input line of ``entities``: its text's annotations, or why it has none."""

    line: int  # 1-based
    id: object = None  # the line's "id", any JSON value, as given (None: none given)
    text: str = ""  # the text as given, up to MAX_CHARS
    # Every mention's offsets are into ``text`` and its text is text[start:end].
    annotations: Annotations = field(default_factory=Annotations)
    truncated: bool = False  # longer than MAX_CHARS: entities past it were not looked for
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Analysis:
    """One input of ``analyze``: its page with entities and countries, or the error."""

    source: str
    page: Page | None = None
    annotations: Annotations = field(default_factory=Annotations)
    wikidata: Mapping[str, str] = field(default_factory=dict)  # gazetteer key -> Wikidata item
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-3, most salient first
    instruments: tuple[InstrumentLink, ...] = ()  # the markets it touches, most relevant first
    error: str | None = None

    @property
    def failed(self) -> bool:
        """An error, or a page with neither an article nor quotes (as ``extract`` counts it)."""
        return self.page is None or not (self.page.article.paragraphs or self.page.quotes)


def entities_lines(
    desk: Desk,
    stream: IO[bytes],
    *,
    batch_size: int = BATCH,
    batch_chars: int = BATCH_CHARS,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Iterator[list[TextEntities]]:
    """Each batch (up to ``batch_size`` lines, or fewer that hold ``batch_chars`` characters of
    text) of JSON Lines ``{"id", "text"}``, one result a line in input order. A line that is
    not a JSON object with a string "text" is a result with its error; the rest go on."""
    nlp = desk.nlp()
    read = (_read_line(n, raw) for n, raw in enumerate(_lines(stream, max_line_bytes), start=1))
    for batch in _batches(read, batch_size, batch_chars):
        spaced = {t.line: Spaced.of(t.text) for t in batch if t.error is None}
        # The model reads the text with its whitespace tidied (Spaced), as an article without a
        # title whose paragraphs are the text's: Article.text is then Spaced.text, and so the
        # offsets enrichment gives are Spaced.text's, mapped back to the input's here.
        pages = (_text_page(n, s) for n, s in spaced.items())
        found = dict(zip(spaced, enrich_many(pages, nlp, kb=desk.kb()), strict=True))
        yield [
            _with(t, spaced[t.line].restore(found[t.line], t.text)) if t.line in found else t
            for t in batch
        ]


@dataclass(frozen=True, slots=True)
class Spaced:
    """A text with each run of whitespace made one space, or a blank line where the run holds
    two line breaks or more, and its ends trimmed: what the model reads best (it reads "Fumio
    Kishida" across a line break or a double space as two names, or none), with the way back
    to the text's own offsets. No run grows, so each offset maps into the same run or word."""

    text: str
    starts: tuple[int, ...]  # where each piece (a word run, or one run of whitespace) begins
    origins: tuple[int, ...]  # where that piece begins in the original text

    @classmethod
    def of(cls, original: str) -> Spaced:
        parts: list[str] = []
        starts: list[int] = []
        origins: list[int] = []
        at = 0  # length of the tidied text so far
        last = 0  # end of the last whitespace run in the original
        for m in _SPACE.finditer(original):
            for piece, origin in ((original[last : m.start()], last), (m.group(), m.start())):
                if piece.isspace():
                    if not at or m.end() == len(original):
                        continue  # leading and trailing whitespace: left out
                    piece = "\n\n" if len(_BREAK.findall(piece)) >= 2 else " "
                if piece:
                    starts.append(at)
                    origins.append(origin)
                    parts.append(piece)
                    at += len(piece)
            last = m.end()
        if last < len(original):
            starts.append(at)
            origins.append(last)
            parts.append(original[last:])
        return cls("".join(parts), tuple(starts), tuple(origins))

    def original(self, i: int) -> int:
        """The original offset of the character at ``i`` in ``text``."""
        k = bisect_right(self.starts, i) - 1
        return self.origins[k] + (i - self.starts[k])

    def restore(self, annotations: Annotations, original: str) -> Annotations:
        """The annotations with every mention's offsets and text the original's."""
        entities = tuple(
            replace(e, mentions=tuple(self._back(m, original) for m in e.mentions))
            for e in annotations.entities
        )
        return replace(annotations, entities=entities)

    def _back(self, m: Mention, original: str) -> Mention:
        start, end = self.original(m.start), self.original(m.end - 1) + 1
        # A span never starts or ends in whitespace (the model's may take a line break along).
        while start < end and original[start].isspace():
            start += 1
        while end > start and original[end - 1].isspace():
            end -= 1
        return replace(m, start=start, end=end, text=original[start:end])


def analyze_sources(
    desk: Desk,
    sources: Iterable[str],
    *,
    kind: str = "auto",
    allow_private: bool = False,
    batch_size: int = 8,
    date: Date | None = None,
) -> Iterator[Analysis]:
    """Each source extracted as ``marketdesk extract`` does it (the same reading, fetching and
    errors), then enriched, in input order; a batch of pages goes through the pipeline at once.
    ``date``: the story's date for pages that carry none (roles are those held that day)."""
    nlp = desk.nlp()
    kb = desk.kb()
    outcomes = extract_sources(desk, sources, kind=kind, allow_private=allow_private)
    while batch := list(islice(outcomes, batch_size)):
        pages = [o.page for o in batch if o.page is not None]
        enriched = iter(enrich_many(pages, nlp, kb=kb, date=date))
        for o in batch:
            if o.page is None:
                yield Analysis(o.source, error=o.error)
                continue
            annotations = next(enriched)
            known_ids, codes, touched = facts(desk, annotations)
            yield Analysis(
                o.source,
                o.page,
                annotations,
                wikidata=known_ids,
                countries=codes,
                instruments=touched,
            )


def facts(
    desk: Desk, annotations: Annotations
) -> tuple[dict[str, str], tuple[str, ...], tuple[InstrumentLink, ...]]:
    """What the gazetteer and the registry add to annotations: Wikidata items by gazetteer
    key, countries, and the instruments touched (app/touched.py)."""
    entities = annotations.entities
    return wikidata_ids(entities), countries(entities), links(desk, annotations)


def links(desk: Desk, annotations: Annotations) -> tuple[InstrumentLink, ...]:
    """The registry's instruments a story touches, from its countries and topics."""
    return touched_by(desk.registry, annotations)


def _batches(lines: Iterable[TextEntities], size: int, chars: int) -> Iterator[list[TextEntities]]:
    """Each batch as soon as it is full: nothing waits for lines after it."""
    batch: list[TextEntities] = []
    held = 0
    for t in lines:
        batch.append(t)
        held += len(t.text)
        if len(batch) >= size or held >= chars:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch


def _lines(stream: IO[bytes], limit: int) -> Iterator[bytes | None]:
    """Each line of the stream, or None for one over ``limit`` bytes (skipped unkept)."""
    while line := stream.readline(limit + 1):
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
            pass
        yield None


def _read_line(n: int, raw: bytes | None) -> TextEntities:
    if raw is None:
        return TextEntities(n, error=f"over {MAX_LINE_BYTES // (1024 * 1024)} MiB, not read")
    try:
        # A byte-order mark may open the stream (files saved by some Windows editors).
        line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        return TextEntities(n, error=f"not UTF-8 (byte {exc.start + 1})")
    if not line.strip():
        return TextEntities(n, error='an empty line, not a JSON object {"id", "text"}')
    try:
        value = json.loads(line, parse_constant=_refuse, parse_float=_finite)
    except json.JSONDecodeError as exc:
        return TextEntities(n, error=f"not JSON: {exc.msg} at column {exc.colno}")
    except ValueError as exc:  # NaN, 1e999, an integer of thousands of digits
        return TextEntities(n, error=f"not JSON: {exc}")
    except RecursionError:
        return TextEntities(n, error="not JSON this program can read: nested too deeply")
    if not isinstance(value, dict):
        return TextEntities(n, error=f'a JSON {_json_type(value)}, not an object {{"id", "text"}}')
    ident = value.get("id")
    if "text" not in value:
        return TextEntities(n, ident, error='no "text"')
    text = value["text"]
    if not isinstance(text, str):
        return TextEntities(n, ident, error=f'"text" is a JSON {_json_type(text)}, not a string')
    return TextEntities(n, ident, text[:MAX_CHARS], truncated=len(text) > MAX_CHARS)


def _refuse(name: str) -> object:
    # Python's json reads NaN and Infinity, which are not JSON and could not be printed back.
    raise ValueError(f"{name} is not a JSON value")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is out of range for a number")
    return value


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _text_page(line: int, spaced: Spaced) -> Page:
    paragraphs = tuple(spaced.text.split("\n\n")) if spaced.text else ()
    page = Page(f"line {line}", "text", Article(title=None, paragraphs=paragraphs))
    assert page.article.text == spaced.text  # the offsets enrichment gives are Spaced.text's
    return page


def _with(t: TextEntities, annotations: Annotations) -> TextEntities:
    return TextEntities(t.line, t.id, t.text, annotations, t.truncated)
