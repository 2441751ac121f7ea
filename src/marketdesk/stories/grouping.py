"""The grouping decision: which stored story, if any, a new copy of an article joins.

The storage layer finds the candidates (stored articles that share a band key with the new
one, signature.band_keys) and passes them here with their signatures. Two bodies are copies
when the estimated containment, |A ∩ B| / min(|A|, |B|) over their shingle sets, reaches
THRESHOLD. Containment, not Jaccard: a copy with its ending cut or a promo added is a subset
or superset of the original, which lowers Jaccard but not containment. Different articles
about one event share names and numbers but few runs of five words, so their containment
stays low.

Two pages of one site are held to more: the same headline (when both have one) and Jaccard of
SAME_SITE_JACCARD or more. A site does not syndicate to itself, so its two pages are one
article only as near-identical texts under one headline (the story at a second address, an
AMP copy, a corrected paragraph); what two different articles of one site share is the site's
own text that extraction kept (a sidebar, a blurb, a standing paragraph), which can make one
look contained in the other, or even equal to it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from marketdesk.stories.signature import VALUE_BITS, Signature

# Estimated containment at or above which two bodies are one article (benchmarks/
# bench_stories.py: copies sit well above it, different articles on one subject well below).
THRESHOLD = 0.5
# Below this share of equal values the estimate is noise: a short teaser against a long
# article can reach any containment by chance, so such pairs are never joined.
MIN_JACCARD = 0.1
# Two pages of one site (the same non-empty site): at least this share of their shingles.
SAME_SITE_JACCARD = 0.5


@dataclass(frozen=True, slots=True)
class Candidate:
    article_id: int
    story_id: int
    signature: Signature
    site: str = ""  # the host it was published on; "" when unknown
    title: str | None = None


_WORD = re.compile(r"\w+")


def same_headline(a: str | None, b: str | None) -> bool:
    """Equal headlines by their words (case, punctuation and spacing aside); an absent
    headline does not tell them apart."""
    if not a or not b:
        return True
    return _WORD.findall(a.casefold()) == _WORD.findall(b.casefold())


# Two b-bit values of different shingles agree by chance with this probability.
_CHANCE = 2.0**-VALUE_BITS


def jaccard(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity: the share of equal values, less the chance agreements
    of b-bit values (share = J + (1 - J) * 2**-VALUE_BITS)."""
    if len(a.hashvalues) != len(b.hashvalues):
        raise ValueError("signatures of different lengths cannot be compared")
    same = sum(x == y for x, y in zip(a.hashvalues, b.hashvalues, strict=True))
    return max(0.0, (same / len(a.hashvalues) - _CHANCE) / (1.0 - _CHANCE))


def containment(a: Signature, b: Signature) -> float:
    """Estimated |A ∩ B| / min(|A|, |B|), from Jaccard J and the two sizes:
    |A ∩ B| = J (|A| + |B|) / (1 + J)."""
    j = jaccard(a, b)
    smaller = min(a.size, b.size)
    if smaller <= 0:
        return 0.0
    return min(1.0, j * (a.size + b.size) / ((1.0 + j) * smaller))


def score(a: Signature, b: Signature, *, same_site: bool = False) -> float:
    """How surely two bodies are one article: their containment, or 0 below MIN_JACCARD
    (SAME_SITE_JACCARD for two pages of one site)."""
    if jaccard(a, b) < (SAME_SITE_JACCARD if same_site else MIN_JACCARD):
        return 0.0
    return containment(a, b)


def choose_story(
    sig: Signature, candidates: Sequence[Candidate], site: str = "", title: str | None = None
) -> int | None:
    """The story the new copy (published on ``site``, "" when unknown, under ``title``) joins,
    or None for a new story.

    The story of the best-scoring candidate at or above THRESHOLD; ties go to the lowest story
    id, so the answer does not depend on the order the storage returns candidates in."""
    best: tuple[float, int] | None = None
    for candidate in candidates:
        same_site = bool(site) and candidate.site == site
        if same_site and not same_headline(title, candidate.title):
            continue
        s = score(sig, candidate.signature, same_site=same_site)
        if s < THRESHOLD:
            continue
        if best is None or s > best[0] or (s == best[0] and candidate.story_id < best[1]):
            best = (s, candidate.story_id)
    return None if best is None else best[1]
