"""The block model for HTML: the text model's features plus what the markup says.

Same two-stage logistic regression as blockmodel.py (its code, its training method); the
extra columns are link density, the block's tag, furniture hints from class names and
landmark elements, whether the block sits in the page's main container, and the HTML
block score. Weights: `html_model.json`, fitted by `benchmarks/train_html.py` on the
dev set's training half.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from marketdesk.extract import blockmodel
from marketdesk.extract.blockmodel import Matrix
from marketdesk.extract.text import sentence_like, words
from marketdesk.model import Block, BlockKind

MODEL_FILE = Path(__file__).with_name("html_model.json")

EXTRA_FEATURES = (
    "link_density",
    "link_heavy",
    "is_heading",
    "is_cell",
    "is_quote_or_pre",
    "hint_navigation",
    "hint_social",
    "hint_related",
    "in_container",
    "container_found",
    "html_score",
    "relative_depth",
    "link_density_prev",
    "link_density_next",
    "in_container_prev",
    "in_container_next",
    "in_article_element",
    "in_content_class",
    "in_container_x_log_words",
    "in_container_x_sentence",
    "in_container_x_link_density",
    "in_container_x_hint",
    "in_container_x_heading",
    "outside_x_log_words",
    "log_siblings",
    "sibling_prose_share",
    "sibling_link_density",
    "sibling_text_share",
)
FEATURES = (*blockmodel.FEATURES, *EXTRA_FEATURES)

_NAVIGATION = frozenset({BlockKind.NAVIGATION, BlockKind.FOOTER})
_SOCIAL = frozenset({BlockKind.SHARE, BlockKind.COMMENTS})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def evidence(
    blocks: list[Block],
    hints: list[BlockKind | None],
    container: frozenset[int] | None,
    scores: list[float],
    depths: list[int],
    marks: list[int],
    paths: list[tuple[int, ...]],
) -> Matrix:
    """The markup columns, one row per block, in EXTRA_FEATURES order.

    `hints` are the furniture hints left after the container cleared those inherited from
    around it; `depths` are each block's depth below the container (or below the page body
    when there is none); `marks` say whether markup names the block's surroundings as the
    article (bit 1: <article>/<main>/articleBody, bit 2: a content-like class or id).
    """
    n = len(blocks)
    X = np.zeros((n, len(EXTRA_FEATURES)), dtype=np.float64)
    if not n:
        return X
    ld = np.array([b.link_density for b in blocks], dtype=np.float64)
    inside = np.array([1.0 if container is not None and i in container else 0.0 for i in range(n)])
    X[:, 0] = ld
    X[:, 1] = ld >= 0.5
    X[:, 2] = [b.tag in _HEADINGS for b in blocks]
    X[:, 3] = [b.tag in ("td", "th", "dd", "dt") for b in blocks]
    X[:, 4] = [b.tag in ("blockquote", "pre") for b in blocks]
    X[:, 5] = [h in _NAVIGATION for h in hints]
    X[:, 6] = [h in _SOCIAL for h in hints]
    X[:, 7] = [h is not None and h not in _NAVIGATION and h not in _SOCIAL for h in hints]
    X[:, 8] = inside
    X[:, 9] = 1.0 if container else 0.0
    X[:, 10] = np.clip(np.array(scores, dtype=np.float64), -10.0, 60.0) / 10.0
    X[:, 11] = np.minimum(np.array(depths, dtype=np.float64), 20.0) / 5.0
    X[:, 12] = blockmodel._shift(ld, 1, 1.0)
    X[:, 13] = blockmodel._shift(ld, -1, 1.0)
    X[:, 14] = blockmodel._shift(inside, 1, 0.0)
    X[:, 15] = blockmodel._shift(inside, -1, 0.0)
    X[:, 16] = [m & 1 for m in marks]  # inside <article>, <main> or itemprop=articleBody
    X[:, 17] = [(m >> 1) & 1 for m in marks]  # inside an element named like content
    lw = np.log1p(np.array([words(b.text) for b in blocks], dtype=np.float64))
    sent = np.array([sentence_like(b.text) for b in blocks], dtype=np.float64)
    X[:, 18] = inside * lw
    X[:, 19] = inside * sent
    X[:, 20] = inside * ld
    X[:, 21] = inside * (X[:, 5] + X[:, 6] + X[:, 7])
    X[:, 22] = inside * X[:, 2]
    X[:, 23] = (1.0 - inside) * lw
    # Blocks that share a parent element: a parent of many short linked blocks is a menu,
    # one of several long unlinked ones a text body.
    parents = np.fromiter((path[-2] if len(path) > 1 else 0 for path in paths), np.int64, n)
    _, group = np.unique(parents, return_inverse=True)
    size = np.bincount(group).astype(np.float64)
    nw = np.expm1(lw)
    prose = sent * (nw >= 10)
    X[:, 24] = np.log1p(size[group])
    X[:, 25] = (np.bincount(group, weights=prose) / size)[group]
    X[:, 26] = (np.bincount(group, weights=ld) / size)[group]
    X[:, 27] = np.bincount(group, weights=nw)[group] / max(1.0, float(nw.sum()))
    return X


# With markup evidence the model may overrule the span's long prose where it is sure:
# consent notices, teasers and author notes are prose too. Chosen on the training half
# (floors 0.1-0.5 all beat none there). Text dumps keep their prose (a closing paragraph
# after an ad marker scores low there).
PROTECTED_FLOOR = 0.2

# The link density at or above which a block the model keeps is dropped all the same (0.5-0.75
# all gained on the body set's training half; 0.7 kept the most recall).
LINKED_CEILING = 0.7


def available() -> bool:
    return MODEL_FILE.is_file()


def choose(
    blocks: list[Block],
    kinds: list[BlockKind | None],
    start: int,
    end: int,
    extra: Matrix,
) -> list[bool] | None:
    """Which blocks are article text; None leaves the decision to the span."""
    if not available():
        return None
    model = blockmodel.load_model(MODEL_FILE, FEATURES)
    chosen = blockmodel.choose(
        blocks, kinds, start, end, extra=extra, model=model, protected_floor=PROTECTED_FLOOR
    )
    if chosen is None:
        return None
    # A block whose text is mostly links is a menu or a teaser card, however long its text
    # (a drop-down menu's blurbs): never the article's paragraph.
    chosen = _within_container(chosen, blocks, extra)
    return [c and b.link_density < LINKED_CEILING for c, b in zip(chosen, blocks, strict=True)]


def _within_container(chosen: list[bool], blocks: list[Block], extra: Matrix) -> list[bool]:
    """The model's choice, cut to the main container where the container holds most of it.

    What the model keeps outside a container that holds most of the article is the site's
    (a blurb about the blog, the headline again, a bio in the sidebar); where most of it lies
    outside, the container was the wrong element and the model's choice stands.
    """
    if not blocks or not extra[0, _CONTAINER_FOUND]:
        return chosen
    inside = extra[:, _IN_CONTAINER]
    kept = [words(b.text) if c else 0 for c, b in zip(chosen, blocks, strict=True)]
    total = sum(kept)
    held = sum(n for n, flag in zip(kept, inside, strict=True) if flag)
    if not total or held < CONTAINER_SHARE * total:
        return chosen
    first = int(np.flatnonzero(inside)[0])
    # The lead above the body's element (a standfirst in an element of its own) stays.
    return [
        c and (bool(flag) or first - _LEAD_REACH <= i < first)
        for i, (c, flag) in enumerate(zip(chosen, inside, strict=True))
    ]


# The share of the kept words the container must hold to stand: 0.5 to 0.9 all gained on the
# body set's training half, 0.7 most; under 0.7 the dev set's news pages lost article text
# (leads and body parts in elements of their own).
CONTAINER_SHARE = 0.7
_LEAD_REACH = 3
_IN_CONTAINER = EXTRA_FEATURES.index("in_container")
_CONTAINER_FOUND = EXTRA_FEATURES.index("container_found")
