"""Tone: whether a story reads as good or bad news for the markets it talks about, from word
lists written for marketdesk (MIT, like the code; no third-party lexicon is bundled: the
Loughran-McDonald lists' licence is for individual research).

Words of POSITIVE and NEGATIVE count once each where they stand, three times in the headline;
a negation ("not", "no", "never", "without") up to three words before a word turns it to the
other side. The score is (positive - negative) / (positive + negative + 2), between -1 and 1,
so that a story with one tone word stays near 0; ``label`` is "positive" above THRESHOLD,
"negative" below -THRESHOLD, else "neutral".
"""

from __future__ import annotations

import re

from marketdesk.model import Article, Tone

__all__ = ["NEGATIVE", "POSITIVE", "THRESHOLD", "tone"]

THRESHOLD = 0.1
_HEAD = 3

POSITIVE = frozenset(
    [
        "advance",
        "advanced",
        "advances",
        "beat",
        "beats",
        "boost",
        "boosted",
        "boosts",
        "bullish",
        "climb",
        "climbed",
        "climbs",
        "confidence",
        "expand",
        "expanded",
        "expansion",
        "firm",
        "firmed",
        "gain",
        "gained",
        "gains",
        "grew",
        "growth",
        "high",
        "higher",
        "improve",
        "improved",
        "improvement",
        "improves",
        "jump",
        "jumped",
        "lift",
        "lifted",
        "lifts",
        "optimism",
        "optimistic",
        "outperform",
        "outperformed",
        "profit",
        "profitable",
        "profits",
        "rally",
        "rallied",
        "rebound",
        "rebounded",
        "record",
        "recover",
        "recovered",
        "recovery",
        "rise",
        "rises",
        "rising",
        "rose",
        "soar",
        "soared",
        "stabilise",
        "stabilised",
        "stabilize",
        "stabilized",
        "strength",
        "strong",
        "stronger",
        "surge",
        "surged",
        "surplus",
        "upbeat",
        "upgrade",
        "upgraded",
        "win",
        "won",
    ]
)
NEGATIVE = frozenset(
    [
        "bankrupt",
        "bankruptcy",
        "bearish",
        "collapse",
        "collapsed",
        "concern",
        "concerns",
        "crisis",
        "cut",
        "cuts",
        "decline",
        "declined",
        "declines",
        "default",
        "deficit",
        "delay",
        "delayed",
        "downgrade",
        "downgraded",
        "drop",
        "dropped",
        "drops",
        "fall",
        "fallen",
        "falling",
        "fear",
        "fears",
        "fell",
        "fine",
        "fined",
        "fraud",
        "halt",
        "halted",
        "hurt",
        "layoffs",
        "lose",
        "loses",
        "losing",
        "loss",
        "losses",
        "lower",
        "miss",
        "missed",
        "plunge",
        "plunged",
        "probe",
        "recession",
        "risk",
        "risks",
        "selloff",
        "shortfall",
        "shrank",
        "shrink",
        "slid",
        "slide",
        "slip",
        "slipped",
        "slow",
        "slowed",
        "slowdown",
        "slowing",
        "slump",
        "slumped",
        "strike",
        "tumble",
        "tumbled",
        "turmoil",
        "uncertainty",
        "unrest",
        "warn",
        "warned",
        "warning",
        "weak",
        "weaken",
        "weakened",
        "weaker",
        "weakness",
        "worries",
        "worry",
        "worse",
        "worsened",
    ]
)
_NEGATIONS = frozenset({"not", "no", "never", "without", "nor", "didn't", "don't", "won't"})
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def _count(text: str, weight: int) -> tuple[int, int]:
    words = _WORD.findall(text.casefold())
    pos = neg = 0
    for i, word in enumerate(words):
        side = 1 if word in POSITIVE else -1 if word in NEGATIVE else 0
        if not side:
            continue
        if any(w in _NEGATIONS for w in words[max(0, i - 3) : i]):
            side = -side
        if side > 0:
            pos += weight
        else:
            neg += weight
    return pos, neg


def tone(article: Article) -> Tone:
    """The article's tone (see the module docstring)."""
    hp, hn = _count(article.title or "", _HEAD)
    bp, bn = _count(article.text, 1)
    pos, neg = hp + bp, hn + bn
    score = (pos - neg) / (pos + neg + 2)
    label = "positive" if score > THRESHOLD else "negative" if score < -THRESHOLD else "neutral"
    return Tone(round(score, 3), label, pos, neg)
