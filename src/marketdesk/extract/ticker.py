"""Ticker strips: runs of blocks that read NAME LAST CHANGE (PCT%).

Shapes handled: one field a line inside one list item (the reference page), one
instrument a line ("Dow 39,357.27 +49.27 (+0.13%)"), fields in consecutive
blocks, tab-separated table rows, arrows for signs, 'unch', locale separators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from marketdesk.extract.numerals import NUMBER, SIGN, SIGNED, decimals_of, parse_number
from marketdesk.extract.numerals import guess_decimal_separator as _guess_decimal
from marketdesk.model import Block, QuoteObservation

_UNCH = r"unch(?:anged)?\.?|unv\.?|n/?c"
_RECORD = re.compile(
    rf"""^(?P<name>.+?)[\s:]+
    (?P<last>{NUMBER})\s*(?:[A-Z]{{3}}\s+)?
    (?:(?P<chg>{SIGNED}|{_UNCH})\s*)?
    \(?\s*(?P<pct>{SIGNED})\s?%\s*\)?$""",
    re.VERBOSE | re.IGNORECASE,
)
# One to three of a record's numbers: its fields in separate blocks, or all three together
# after a name in a block of its own.
_NUMERIC_LINE = re.compile(
    rf"^[\s()%]*(?:{SIGNED}|{_UNCH})[\s()%]*(?:(?:{SIGNED}|{_UNCH})[\s()%]*){{0,2}}$", re.I
)
_NAME_LINE_MAX_WORDS = 6
RECORD_MAX_CHARS = 200  # a record is a name and three numbers; longer text is prose
_DIGIT = re.compile(r"\d")
_NUMERIC_START = frozenset("()%+-\u2212\u2013\u2014\u25b2\u25bc\u25b4\u25be\u2191\u2193uUnN")


@dataclass(frozen=True, slots=True)
class Strip:
    start: int  # first block position (inclusive)
    end: int  # last block position (inclusive)
    quotes: tuple[QuoteObservation, ...]


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    name: str
    last: str
    chg: str | None
    pct: str


def find_strips(blocks: list[Block]) -> list[Strip]:
    """Find every run of two or more quote records; a lone record is not a strip."""
    strips: list[Strip] = []
    i = 0
    n = len(blocks)
    # A record needs a '%' in its block, or a next block that opens like a number ('+1.2',
    # '(0.5%)', 'unch'); most blocks have neither, and skip the record patterns.
    maybe = [False] * n
    for k in range(n):
        text = blocks[k].text
        if "%" in text:
            maybe[k] = True
        if k and text and (text[0] in _NUMERIC_START or text[0].isdigit() or text[0].isspace()):
            maybe[k - 1] = True
    while i < n:
        if not maybe[i]:
            i += 1
            continue
        run: list[_Candidate] = []
        j = i
        while j < n:
            cand = _record_at(blocks, j)
            if cand is None:
                break
            run.append(cand)
            j = cand.end + 1
        if len(run) >= 2:
            strips.append(_to_strip(run))
            i = j
        else:
            i += 1
    return strips


def _record_at(blocks: list[Block], i: int) -> _Candidate | None:
    """A quote record starting at block i: within the block, or across up to 3 blocks."""
    first = blocks[i]
    # Within one block: list items keep their lines; table rows may be tab-separated.
    # A record ends in a percentage, so a block without '%' skips the record pattern.
    if "%" in first.text and len(first.text) <= RECORD_MAX_CHARS:
        m = _RECORD.match(_tidy(spaced_text(first)))
        if m and _plausible_name(m.group("name")):
            return _Candidate(
                i, i, m.group("name"), m.group("last"), m.group("chg"), m.group("pct")
            )
    # Fields in consecutive blocks: a short name block followed by numeric blocks.
    if (
        i + 1 >= len(blocks)
        or not _DIGIT.search(blocks[i + 1].text)
        or len(first.text.split()) > _NAME_LINE_MAX_WORDS
        or _NUMERIC_LINE.match(first.text)
    ):
        return None
    parts = [first.text]
    for k in range(i + 1, min(i + 4, len(blocks))):
        fields = spaced_text(blocks[k])
        if not _NUMERIC_LINE.match(fields):
            break
        parts.append(fields)
        m = _RECORD.match(_tidy(" ".join(parts)))
        if m and _plausible_name(m.group("name")):
            return _Candidate(
                i, k, m.group("name"), m.group("last"), m.group("chg"), m.group("pct")
            )
    return None


def spaced_text(block: Block) -> str:
    """The block's text with its lines (or HTML text nodes) kept apart by spaces."""
    return " ".join(block.lines) if block.lines else block.text


def _tidy(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text.replace("\t", " ")).strip()


def _plausible_name(name: str) -> bool:
    name = name.strip(" :-")
    words = name.split()
    return 1 <= len(words) <= _NAME_LINE_MAX_WORDS and any(c.isalpha() for c in name)


def _to_strip(run: list[_Candidate]) -> Strip:
    tokens = [c.pct for c in run] + [c.chg for c in run if c.chg] + [c.last for c in run]
    dec = _guess_decimal(tokens)
    quotes = []
    for c in run:
        change: float | None
        if c.chg is None:
            change = None
        elif re.fullmatch(_UNCH, c.chg.strip(), re.I):
            change = 0.0
        else:
            change = parse_number(c.chg, dec)
        pct = parse_number(c.pct, dec)
        # An arrow or sign on the change carries over to an unsigned percentage.
        if change is not None and change < 0 and pct > 0 and not re.match(SIGN, c.pct.strip()):
            pct = -pct
        quotes.append(
            QuoteObservation(
                name=c.name.strip(" :-"),
                last=parse_number(c.last, dec),
                change=change,
                change_pct=pct,
                decimals=decimals_of(c.last, dec),
            )
        )
    return Strip(start=run[0].start, end=run[-1].end, quotes=tuple(quotes))
