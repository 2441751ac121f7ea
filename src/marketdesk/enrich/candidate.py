"""A mention before resolution: what mentions.py finds in a Doc and resolve.py groups. Plain
data, so that resolution is a pure function with no spaCy in it."""

from __future__ import annotations

from dataclasses import dataclass

from marketdesk.model import EntityKind


@dataclass(frozen=True, slots=True)
class Candidate:
    """A mention before resolution; offsets are into the Doc's text."""

    start: int
    end: int
    text: str
    kind: EntityKind
    sentence: int  # index of the sentence in the Doc
    key: str | None = None  # the gazetteer's id
    canonical: str | None = None  # the gazetteer's name
    firm: bool = False  # kind settled by the gazetteer or a rule: resolution keeps it
    titles: tuple[str, ...] = ()  # titles this mention introduces its person with
    qualifiers: tuple[int, ...] = ()  # candidates that qualify those titles (Japan, IBM)
    alias_of: int | None = None  # the candidate this one is another name for
    symbols: tuple[str, ...] = ()
    by_title: bool = False  # a reference by title alone ("the prime minister")
    # The title in full as an apposition gives it ("head of the International Department of
    # the Communist Party's Central Committee"), where it says what the title is of.
    role_text: str | None = None
    token_start: int = 0
    token_end: int = 0
