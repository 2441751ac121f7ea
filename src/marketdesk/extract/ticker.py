"""Ticker strips: runs of blocks that read NAME LAST CHANGE (PCT%).

Shapes handled: one field a line inside one list item (the reference page), one
instrument a line ("Dow 39,357.27 +49.27 (+0.13%)"), fields in consecutive
blocks, tab-separated table rows, arrows for signs, 'unch', locale separators.

Tables of other numbers have the shape too (a recipe's nutrition, ratings), so a
record is a quote only when it reads as one: each of its numbers is a whole token
(no unit glued to it: "198g" is a weight), and its printed change agrees with its
percentage, or its name reads like an instrument (_reads_as_quote).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from marketdesk.extract.numerals import NUMBER, SIGN, SIGNED, decimals_of, parse_number
from marketdesk.extract.numerals import guess_decimal_separator as _guess_decimal
from marketdesk.model import Block, QuoteObservation

_UNCH = r"unch(?:anged)?\.?|unv\.?|n/?c"
# A number ends where the next field starts: at a space, a bracket or a sign. Not at a letter
# (a unit: "198g", "512mg") and not at a digit, or "305%" would read as 30 and 5%.
_FIELD_END = rf"(?=[\s(]|{SIGN})"
_RECORD = re.compile(
    rf"""^(?P<name>.+?)[\s:]+
    (?P<last>{NUMBER}){_FIELD_END}\s*(?:[A-Z]{{3}}\s+)?
    (?:(?P<chg>{SIGNED}|{_UNCH}){_FIELD_END}\s*)?
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
            strips.extend(_quote_strips(run))
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


def _quote_strips(run: list[_Candidate]) -> list[Strip]:
    """The strips in a run of records: its stretches of two or more records that read as
    quotes (one decimal separator for the whole run, as it was printed together)."""
    dec = _guess_decimal(
        [c.pct for c in run] + [c.chg for c in run if c.chg] + [c.last for c in run]
    )
    strips: list[Strip] = []
    stretch: list[_Parsed] = []
    for c in run:
        parsed = _parse(c, dec)
        if _reads_as_quote(parsed):
            stretch.append(parsed)
            continue
        if len(stretch) >= 2:
            strips.append(_to_strip(stretch))
        stretch = []
    if len(stretch) >= 2:
        strips.append(_to_strip(stretch))
    return strips


@dataclass(frozen=True, slots=True)
class _Parsed:
    """A record's numbers, read once: what the quote check and the strip both need."""

    record: _Candidate
    dec: str  # the run's decimal separator
    last: float
    last_decimals: int
    change: float | None  # None: not printed; 0.0 for 'unch'
    change_signed: bool  # printed with a sign (else a fall may show by colour alone)
    unchanged: bool  # printed as a word ('unch'): an exact zero, no rounding
    pct: float  # as printed, sign included
    pct_signed: bool


_SIGN_START = re.compile(SIGN)
_UNCH_WORD = re.compile(_UNCH, re.I)


def _parse(c: _Candidate, dec: str) -> _Parsed:
    change: float | None = None
    signed = unchanged = False
    if c.chg is not None:
        text = c.chg.strip()
        if _UNCH_WORD.fullmatch(text):  # 'unch' is an exact zero
            change, signed, unchanged = 0.0, True, True
        else:
            change = parse_number(c.chg, dec)
            signed = _SIGN_START.match(text) is not None
    return _Parsed(
        record=c,
        dec=dec,
        last=parse_number(c.last, dec),
        last_decimals=decimals_of(c.last, dec),
        change=change,
        change_signed=signed,
        unchanged=unchanged,
        pct=parse_number(c.pct, dec),
        pct_signed=_SIGN_START.match(c.pct.strip()) is not None,
    )


# Wording that names a market instrument: indices and exchanges, metals and energy, crypto,
# bonds and yields, volatility and futures, currencies. Food and sport words stay out, though
# sugar and corn trade too: a recipe's table must not read as a strip.
_INSTRUMENT_WORDS = re.compile(
    r"(?:^|(?<=[\W\d]))(?:"
    r"index|indices|indizes|indice|dow|nasdaq|nyse|s&p|stoxx|nikkei|topix|hang seng|kospi|"
    r"sensex|nifty|russell|ftse|dax|mdax|sdax|tecdax|cac|ibex|smi|atx|aex|tsx|asx|bovespa|"
    r"composite|leitindex|"
    r"gold|silver|platinum|palladium|copper|crude|oil|brent|wti|natural gas|erdgas|öl|"
    r"bitcoin|ethereum|ether|crypto|btc|eth|"
    r"bonds?|yields?|treasury|treasuries|bunds?|gilts?|t-notes?|rendite|anleihen?|"
    r"\d{1,2}-?(?:y|yr)s?|"  # a maturity as strips write it: 10Y, 10-Yr
    r"volatility|vix|futures?|"
    r"dollar|euro|yen|pound|sterling|franc|yuan|renminbi|rupee"
    r")(?=$|[\W\d])",
    re.IGNORECASE,
)
# Twice the rounding slack: sites round from unrounded values, and a price may have moved
# between the fields' updates.
_SLACK_FACTOR = 2.0
# A currency pair (EUR/USD), or a name that is one ticker symbol (AAPL, SAP.DE, BRK.B).
_PAIR_OR_SYMBOL = re.compile(r"[A-Z]{3} ?/ ?[A-Z]{3}\b|^[A-Z]{2,5}(?:\.[A-Z]{1,2})?$")


def _reads_as_quote(p: _Parsed) -> bool:
    """A record whose change agrees with its percentage, or whose name reads like an
    instrument: a table of other numbers in the same shape (nutrition, ratings) does neither."""
    # The name first: one search, and most strips name their instruments.
    return _instrument_like(p.record.name.strip(" :-")) or _change_agrees(p)


def _change_agrees(p: _Parsed) -> bool:
    """pct = change / (last - change) * 100, within the rounding of the printed numbers.

    An unsigned change may be a fall (the sign shown by colour alone): either reading will do.
    """
    if p.change is None or p.record.chg is None:
        return False
    last, pct, half_last = p.last, abs(p.pct), 0.5 * 10.0**-p.last_decimals
    # Half the last printed digit of each number: how far its rounding reaches.
    half_pct = 0.5 * 10.0 ** -decimals_of(p.record.pct, p.dec)
    half_chg = 0.0 if p.unchanged else 0.5 * 10.0 ** -decimals_of(p.record.chg, p.dec)
    changes = [p.change] if p.change_signed else [p.change, -p.change]
    for change in changes:
        prev = last - change
        if prev <= 0:
            continue
        # How far the printed rounding of each number can move the computed percentage.
        slack = half_pct + 100.0 * (last * half_chg + abs(change) * half_last) / prev**2
        if abs(abs(100.0 * change / prev) - pct) <= _SLACK_FACTOR * slack:
            return True
    return False


def _instrument_like(name: str) -> bool:
    return bool(_INSTRUMENT_WORDS.search(name) or _PAIR_OR_SYMBOL.search(name))


def _to_strip(run: list[_Parsed]) -> Strip:
    quotes = []
    for p in run:
        pct = p.pct
        # An arrow or sign on the change carries over to an unsigned percentage.
        if p.change is not None and p.change < 0 and pct > 0 and not p.pct_signed:
            pct = -pct
        quotes.append(
            QuoteObservation(
                name=p.record.name.strip(" :-"),
                last=p.last,
                change=p.change,
                change_pct=pct,
                decimals=p.last_decimals,
            )
        )
    return Strip(start=run[0].record.start, end=run[-1].record.end, quotes=tuple(quotes))
