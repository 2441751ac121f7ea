"""Which story a new copy joins (interim)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from marketdesk.stories.signature import Signature, jaccard

THRESHOLD = 0.5


@dataclass(frozen=True, slots=True)
class Candidate:
    article_id: int
    story_id: int
    signature: Signature


def choose_story(sig: Signature, candidates: Sequence[Candidate]) -> int | None:
    best: tuple[float, int] | None = None
    for c in candidates:
        j = jaccard(sig, c.signature)
        if j >= THRESHOLD and (best is None or (j, -c.story_id) > (best[0], -best[1])):
            best = (j, c.story_id)
    return best[1] if best else None
