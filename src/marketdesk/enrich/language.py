"""Which language a text is in, cheaply, for enrichment's note on texts not in English.

The commonest function words of a few languages tell them apart on a few sentences: a text is
English when English words lead clearly. Extraction's own detection (extract/language.py, with
py3langid for the rest) is used where a page carries it; this is for the texts that come
without one (``marketdesk entities``). Pure string work: no model."""

from __future__ import annotations

import re
from collections import Counter

_WORDS = {
    "en": "the of and to in is that for on with was as by at from it are said this be has",
    "de": "der die und das ist nicht mit den von zu dem sich des auf für ein eine im auch",
    "fr": "le la les des est et une du dans que pour pas sur au qui avec il elle sont aux",
    "es": "el la los las de que y en del por con una para es se al como sus pero más",
    "it": "il di che la per non una sono della dei con del gli nel alla le anche più è",
    "pt": "o os de que e do da em um uma para com não dos das por mais como ao é",
    "nl": "de het een van en is dat niet op te zijn met voor ook aan door bij maar",
    "pl": "i w na z się nie do że jest to o jak ale od po za przez są dla",
}
_LOOKUP: dict[str, list[str]] = {}
for _code, _text in _WORDS.items():
    for _w in _text.split():
        _LOOKUP.setdefault(_w, []).append(_code)
_WORD = re.compile(r"[^\W\d_]+")
_SAMPLE = 5_000  # characters read: enough to tell, and bounded on any text
_MIN_HITS = 5


def guess_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language among those listed, or None when the text is too
    short to tell. A text where no listed language leads is given as "und" (undetermined)."""
    counts: Counter[str] = Counter()
    for word in _WORD.findall(text[:_SAMPLE].casefold()):
        for code in _LOOKUP.get(word, ()):
            counts[code] += 1
    if sum(counts.values()) < _MIN_HITS:
        return None
    (best, n), *rest = [*counts.most_common(2), ("", 0)]
    second = rest[0][1]
    if n >= 2 * second or (best == "en" and n > second):
        return best
    return "und"
