"""Text measures shared across extraction: tokens, word counts, sentence shape, CJK ranges.

The bottom of extract/: it imports nothing from the package, so the furniture rules, both
block models, segmentation and the HTML reader all read text the same way from here.
"""

from __future__ import annotations

import re
from functools import lru_cache

TOKEN = re.compile(r"\w+")
# TOKEN.findall(text.casefold()) without the regex for Latin-1 text (most blocks): a byte table
# keeps word characters, lower-cases ASCII capitals (casefold does the rest) and blanks the
# others, and split() cuts the runs: the same tokens at a third less cost.
ASCII_WORD_BYTES = bytes(
    c + 32 if 65 <= c <= 90 else c if chr(c).isalnum() or c == 95 else 32 for c in range(256)
)
_LATIN1_WORD_BYTES = bytes(c if chr(c).isalnum() or c == 95 else 32 for c in range(256))
# casefold() maps every Latin-1 character to one Latin-1 character, but for 'ß' ('ss') and 'µ'
# (a Greek mu): a text without those two is folded and cut by one byte table.
_FOLD_APART = (0xDF, 0xB5)
_LATIN1_FOLDED_WORD_BYTES = bytes(
    ord(chr(c).casefold()) if (chr(c).isalnum() or c == 95) and c not in _FOLD_APART else 32
    for c in range(256)
)
_NON_WORD_MARKS = "\u2018\u2019\u201c\u201d\u201e\u2013\u2014\u2026\u2022\u20ac"  # ‘’“”„–—…•€

# Chinese and Japanese write no spaces between words: their characters count half a word
# each (a word there is one to two characters), so a sentence weighs as it would in English.
CJK_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_CJK = re.compile("[" + "".join(f"{chr(a)}-{chr(b)}" for a, b in CJK_RANGES) + "]")

# A block that ends in one of these reads as a sentence; so does one with two of SENTENCE_MARKS
# before a space or its end. blockmodel.py's character table holds the same two sets.
SENTENCE_END_CHARS = frozenset(".!?:;…\"”’'»)]。！？")
SENTENCE_MARKS = ".!?。！？"
_SENTENCE_MARK = re.compile("[" + re.escape(SENTENCE_MARKS) + r"](?:\s|$)")


def folded_tokens(text: str) -> list[str]:
    """The \\w+ runs of the casefolded text, as TOKEN.findall(text.casefold()) gives them."""
    if text.isascii():
        return text.encode("ascii").translate(ASCII_WORD_BYTES).decode("ascii").split()
    latin1 = _latin1(text)
    if latin1 is None:  # other scripts: casefolding rarely makes them Latin-1
        return TOKEN.findall(text.casefold())
    if b"\xdf" in latin1 or b"\xb5" in latin1:
        latin1 = _latin1(text.casefold())
        if latin1 is None:
            return TOKEN.findall(text.casefold())
        return latin1.translate(_LATIN1_WORD_BYTES).decode("latin-1").split()
    return latin1.translate(_LATIN1_FOLDED_WORD_BYTES).decode("latin-1").split()


def _latin1(text: str) -> bytes | None:
    """The text as Latin-1 bytes for the byte-table paths, or None where it cannot be.

    Typographic quotes and dashes are the usual non-Latin-1 characters; they are not word
    characters, so blanking them keeps the tokens and the fast path.
    """
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        pass
    blanked = text
    for mark in _NON_WORD_MARKS:
        blanked = blanked.replace(mark, " ")
    try:
        return blanked.encode("latin-1")
    except UnicodeEncodeError:
        return None


def word_count(text: str) -> int:
    """len(TOKEN.findall(text)), through the byte table where the text allows.

    Chinese and Japanese characters are not runs of a word: two of them count one word.
    """
    data = _latin1(text)
    if data is None:
        cjk = len(_CJK.findall(text))
        if not cjk:
            return len(TOKEN.findall(text))
        return len(TOKEN.findall(_CJK.sub(" ", text))) + (cjk + 1) // 2
    return len(data.translate(_LATIN1_WORD_BYTES).split())


def casefolded_words(text: str) -> str:
    """The text's words, casefolded, one space apart: how titles and names compare."""
    return " ".join(TOKEN.findall(text.casefold()))


@lru_cache(maxsize=4096)
def words(text: str) -> int:
    """word_count(text), cached."""
    # Cached: the span, the title search and the removed kinds all ask about the same blocks.
    return word_count(text)


def sentence_like(text: str) -> bool:
    """The text reads as a sentence: it ends like one, or holds two sentence marks."""
    t = text.rstrip()
    # The last character first: a `[...]$` search would walk the whole block.
    return t[-1:] in SENTENCE_END_CHARS or len(_SENTENCE_MARK.findall(t)) >= 2
