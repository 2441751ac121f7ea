"""The article's element: which element of the page holds the article.

`html_block_score` weighs a block by its text, links and tag; `main_container` picks the
element whose subtree gathers the most of that score (and the sibling elements that carry the
article on); `clear_hints` drops the furniture hints that the container or the elements around
it gave to the blocks inside, and those that the article's own prose outweighs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from marketdesk.extract.boilerplate import classify
from marketdesk.extract.segment import FIRM_HINTS
from marketdesk.extract.text import sentence_like, words
from marketdesk.model import Block, BlockKind

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def _prose(block: Block) -> bool:
    """Sentence text with few links: inside the article, stronger than a class name."""
    return block.link_density < 0.1 and words(block.text) >= 25 and sentence_like(block.text)


def _hinted_from_above(path: tuple[int, ...], src: int, container: int) -> bool:
    """True when a block's hint comes from the container itself or an element around it."""
    if not src or container not in path:
        return False
    return path.index(src) <= path.index(container)


def block_kind(block: Block) -> BlockKind | None:
    """The text's kind, else a firm hint, or the hint of a block too short to outweigh it."""
    kind = classify(block)
    hint = block.hint
    if kind is None and hint is not None and (hint in FIRM_HINTS or words(block.text) < 30):
        return hint
    return kind


def html_block_score(block: Block, kind: BlockKind | None) -> float:
    """Article score of an HTML block: text rules plus link density and tag evidence."""
    if kind is BlockKind.AD:
        return -0.5
    n = words(block.text)
    if kind is not None:
        return -max(2.0, n * 0.5)
    ld = block.link_density
    if ld >= 0.5 and n < 40:
        return -2.0 - 3.0 * ld  # menus and link lists
    text = block.text.rstrip()
    sentence = sentence_like(text) or text.endswith(",")
    if n >= 10 and sentence:
        score = float(n)
    elif n >= 5 and sentence:
        score = n * 0.5
    elif block.tag in _HEADINGS:
        return -0.5  # subheadings sit between paragraphs
    elif n >= 15:
        score = n * 0.3
    else:
        return -0.3
    if block.tag == "li":
        score *= 0.6
    return score * (1.0 - 1.5 * ld)


def main_container(
    blocks: list[Block],
    paths: list[tuple[int, ...]],
    scores: list[float],
    penalty: float = 0.5,
    anchors: Sequence[int] = (),
) -> tuple[int, frozenset[int] | None]:
    """The blocks of the element whose subtree holds the most article-like text.

    Each element scores the positive block scores under it plus `penalty` times the
    negative ones, so a wrapper that adds menus and footers to the article loses to
    the article's own container. Returns None when no element holds real prose.

    `anchors` are the blocks that show a title the page declares: the article follows its
    headline, so where the best element lies away from all of them (a blog's blurb about its
    author, a sidebar of teasers outweighing a short post), the best element among those right
    after a headline is the article's, if it holds more than one block of prose.
    """
    gain: dict[int, float] = {}
    for path, score in zip(paths, scores, strict=True):
        s = score if score > 0 else score * penalty
        for eid in path:
            gain[eid] = gain.get(eid, 0.0) + s
    if not gain:
        return 0, None
    best, best_gain = max(gain.items(), key=lambda item: (item[1], -item[0]))
    found = best_gain >= _MIN_GAIN
    nears = [range(a, min(len(paths), a + 1 + _ANCHOR_REACH)) for a in anchors]
    if nears and not (found and any(best in paths[i] for near in nears for i in near)):
        # Not the elements that hold the best one: they would bring it along.
        around = set(paths[next(i for i, p in enumerate(paths) if best in p)]) if found else set()
        candidates = {eid for near in nears for i in near for eid in paths[i]} - around
        if candidates:
            alt = max(candidates, key=lambda eid: (gain[eid], -eid))
            prose = sum(1 for p, sc in zip(paths, scores, strict=True) if sc > 0 and alt in p)
            if gain[alt] >= _MIN_ANCHORED_GAIN and (prose >= 2 or not found):
                best, best_gain, found = alt, gain[alt], True
    if not found:
        return 0, None
    inside = {i for i, path in enumerate(paths) if best in path}
    # Articles split over sibling elements (a section per subheading, an element per page
    # part): take the siblings that hold real prose of their own, as readability does.
    some_path = paths[min(inside)]
    depth = some_path.index(best)
    if depth > 0:
        parent = some_path[depth - 1]
        groups: dict[int, list[int]] = {}
        for i, path in enumerate(paths):
            if len(path) > depth and path[depth - 1] == parent and path[depth] != best:
                groups.setdefault(path[depth], []).append(i)
        threshold = max(10.0, 0.2 * best_gain)
        for sibling, members in groups.items():
            if gain.get(sibling, 0.0) >= threshold:
                inside.update(members)
    return best, frozenset(inside) or None


_MIN_GAIN = 15.0
# How many blocks after the headline the article's element must reach, and the least score
# it must gather there.
_ANCHOR_REACH = 10
_MIN_ANCHORED_GAIN = 10.0


def clear_hints(
    blocks: list[Block],
    paths: list[tuple[int, ...]],
    hint_srcs: list[int],
    best: int,
    container: frozenset[int],
) -> list[Block]:
    """The blocks without the hints that the container's choice overrules.

    A hint given by the container itself or an element around it ("has-sidebar" on a page-wide
    wrapper) says nothing of the blocks inside; inside the container, long prose outweighs any
    hint but a firm one.
    """
    return [
        replace(b, hint=None)
        if b.hint is not None
        and (
            _hinted_from_above(path, src, best)
            or (i in container and b.hint not in FIRM_HINTS and _prose(b))
        )
        else b
        for i, (b, path, src) in enumerate(zip(blocks, paths, hint_srcs, strict=True))
    ]


def depths_below(paths: list[tuple[int, ...]], best: int) -> list[int]:
    """Each block's depth below the container, or below the root where it lies outside."""
    return [len(path) - path.index(best) if best and best in path else len(path) for path in paths]
