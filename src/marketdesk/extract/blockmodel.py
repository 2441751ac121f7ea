"""A small learned block classifier for text dumps: is this block article text?

Two stages of logistic regression over cheap, language-neutral features of a block
and its neighbours: length, punctuation, word shapes (digits, capitals), list item,
repetition, position against the heuristic article span, furniture around it; the
second stage adds the first stage's probabilities of the neighbouring blocks. The
weights live in `block_model.json` next to this file; `benchmarks/train_textdump.py`
fits them on block labels derived from the dev set's gold snippets, on one half of
the pages (md5 of the file name), the other half held out for reporting.

The text features are counted for the whole page at once (`read_page`): the blocks
are joined, the characters looked up in a class table (built on first use) and summed
per block with numpy. The same counts give the heuristic span scores, identical to
`segment.block_score`, so a page's characters are read once. numpy at run time.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from marketdesk.extract.text import (
    CJK_RANGES,
    SENTENCE_END_CHARS,
    SENTENCE_MARKS,
    sentence_like,
    words,
)
from marketdesk.model import Block, BlockKind

MODEL_FILE = Path(__file__).with_name("block_model.json")

_HEAD_CHARS = 160  # word-shape shares are read from the start of a block
_CAP_CHARS = 400
_TERMINAL = frozenset('.!?"”»)。')
_TABLE = 0x10000

FEATURES = (
    "bias",
    "log_words",
    "sentence_like",
    "ends_terminal",
    "is_li",
    "furniture",
    "in_span",
    "before_span",
    "after_span",
    "log_span_distance",
    "relative_position",
    "punct_per_word",
    "digit_share",
    "capitalised_share",
    "mean_word_len",
    "separators",
    "repeated",
    "ends_colon",
    "starts_lower",
    "log_words_prev",
    "log_words_next",
    "sentence_prev",
    "sentence_next",
    "li_prev",
    "li_next",
    "furniture_prev",
    "furniture_next",
    "window_log_words",
    "window_sentence",
    "in_span_x_log_words",
    "li_x_in_span",
    "short_x_in_span",
    "log_share_of_longest",
)


CONTEXT_FEATURES = (
    "p",
    "p_prev",
    "p_next",
    "p_window3",
    "p_max_before3",
    "p_max_after3",
    "p_x_in_span",
)


Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class _Stage:
    weights: Matrix  # already divided by the training scale
    offset: float  # weights · training mean

    @classmethod
    def from_json(cls, d: dict[str, list[float]]) -> _Stage:
        w = np.array(d["weights"]) / np.array(d["scale"])
        return cls(w, float(w @ np.array(d["mean"])))

    def probabilities(self, X: Matrix) -> Matrix:
        # np.clip, without its Python-level wrapper (twice its cost on a page's few rows).
        z = np.minimum(np.maximum(X @ self.weights - self.offset, -30.0), 30.0)
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)


@dataclass(frozen=True, slots=True)
class _Model:
    stage1: _Stage
    stage2: _Stage
    threshold: float


@cache
def load_model(path: Path = MODEL_FILE, features: tuple[str, ...] = FEATURES) -> _Model:
    """A fitted model file; its feature names must match the code's, or it is refused."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != features or tuple(data["context_features"]) != CONTEXT_FEATURES:
        raise RuntimeError(f"{path.name} was trained on other features; retrain it")
    return _Model(
        _Stage.from_json(data["stage1"]),
        _Stage.from_json(data["stage2"]),
        float(data["threshold"]),
    )


def _model() -> _Model:
    return load_model()


def _shift(col: Matrix, by: int, fill: float) -> Matrix:
    """col moved down by `by` rows (up when negative), the gap filled."""
    out = np.full_like(col, fill)
    if by > 0:
        out[by:] = col[:-by]
    elif by < 0:
        out[:by] = col[-by:]
    else:
        out[:] = col
    return out


def _window_mean(col: Matrix, before: int, after: int) -> Matrix:
    n = len(col)
    csum = np.empty(n + 1)
    csum[0] = 0.0
    np.add.accumulate(col, out=csum[1:])  # np.cumsum without its wrapper
    idx = np.arange(n)
    lo = np.maximum(0, idx - before)
    hi = np.minimum(n, idx + after + 1)
    return np.asarray((csum[hi] - csum[lo]) / (hi - lo), dtype=np.float64)


def context_features(X: Matrix, p1: Matrix, start: int, end: int) -> Matrix:
    """Stage two sees stage one's probabilities around each block."""
    # Written into one preallocated matrix: the same values as stacking _shift and
    # _window_mean columns, without a dozen small arrays per page.
    n, k = X.shape
    Z = np.empty((n, k + len(CONTEXT_FEATURES)))
    Z[:, :k] = X
    Z[:, k] = p1
    _shift_into(Z[:, k + 1], p1, 1, 0.0)
    _shift_into(Z[:, k + 2], p1, -1, 0.0)
    Z[:, k + 3] = _window_mean(p1, 3, 3)
    shifted = np.empty(n)
    for col, sign in ((k + 4, 1), (k + 5, -1)):  # the max of the three before, or after
        out = Z[:, col]
        _shift_into(out, p1, sign, 0.0)
        for by in (2 * sign, 3 * sign):
            _shift_into(shifted, p1, by, 0.0)
            np.maximum(out, shifted, out=out)
    Z[:, k + 6] = p1 * X[:, FEATURES.index("in_span")]
    return Z


def _shift_into(out: Matrix, col: Matrix, by: int, fill: float) -> None:
    """out[:] = _shift(col, by, fill), written in place."""
    if by > 0:
        out[:by] = fill
        out[by:] = col[:-by]
    else:
        out[by:] = fill
        out[:by] = col[-by:]


def threshold() -> float:
    return _model().threshold


_WORD, _UPPER, _LOWER, _DIGIT, _PUNCT_BIT, _SEP_BIT, _SENT_BIT, _TERM_BIT, _SPACE, _MARK, _CJK = (
    1 << k for k in range(11)
)


@cache
def _char_classes() -> npt.NDArray[np.uint16]:
    """Character classes of the Basic Multilingual Plane as one lookup table (built once)."""
    table = np.zeros(_TABLE, dtype=np.uint16)
    for c in range(_TABLE):
        ch = chr(c)
        bits = 0
        if ch.isalnum() or ch == "_":
            bits |= _WORD
            if ch.isupper():
                bits |= _UPPER
            elif ch.islower():
                bits |= _LOWER
            if ch.isdigit():
                bits |= _DIGIT
        elif ch in ",.;:!?":
            bits |= _PUNCT_BIT
        elif ch in "|»›·•/":
            bits |= _SEP_BIT
        if ch in SENTENCE_END_CHARS:
            bits |= _SENT_BIT
        if ch in _TERMINAL:
            bits |= _TERM_BIT
        if ch.isspace():
            bits |= _SPACE
        if ch in SENTENCE_MARKS:
            bits |= _MARK
        table[c] = bits
    for a, b in CJK_RANGES:  # counted apart from words, as word_count does
        table[a : b + 1] = (table[a : b + 1] & (0xFFFF ^ _WORD)) | _CJK
    return table


# read_page's seven per-character counts, packed into one int64: 0 word starts, 1 sentence
# marks before a space, 2 punctuation, 3 words starting with a digit, 4 words starting with a
# capital, 5 separators ('|', '»', ' - '), 6 CJK characters.
_FIELD_BITS = 9
assert _CAP_CHARS < 1 << _FIELD_BITS  # a segment's count fits its field
_FIELD_SHIFTS = np.arange(0, 7 * _FIELD_BITS, _FIELD_BITS, dtype=np.int64)[:, None]
_FIELD_ONE = [1 << int(k) for k in _FIELD_SHIFTS[:, 0]]
_FIELD_MASK = (1 << _FIELD_BITS) - 1
_WORD_START_BIT, _SPACE_AFTER_BIT = 11, 12  # above the class bits (_CJK is bit 10)


@cache
def _packed_counts() -> npt.NDArray[np.int64]:
    """A character's packed counts by its class, whether it starts a word and whether a
    space follows it (the index read_page builds)."""
    out = np.zeros(1 << (_SPACE_AFTER_BIT + 1), dtype=np.int64)
    for i in range(len(out)):
        c, starts, spaced = i & 0x7FF, (i >> _WORD_START_BIT) & 1, (i >> _SPACE_AFTER_BIT) & 1
        flags = (
            starts,
            spaced and c & _MARK,
            c & _PUNCT_BIT,
            starts and c & _DIGIT,
            starts and c & _UPPER,
            c & _SEP_BIT,
            c & _CJK,
        )
        out[i] = sum(one for one, flag in zip(_FIELD_ONE, flags, strict=True) if flag)
    return out


@dataclass(frozen=True, slots=True)
class PageText:
    """What the characters of a page's blocks say, counted once for the whole page."""

    raw: Matrix  # per block: the kind-independent text columns (see read_page)
    words: Matrix  # \w+ runs, as text.words counts them
    sentence: npt.NDArray[np.bool_]  # as text.sentence_like decides
    exact: bool  # False when a character beyond the BMP made the counts approximate
    # The blocks' texts joined by newlines, each cut at _CAP_CHARS: a page-wide substring test
    # for the rules that first ask whether a page holds a word at all.
    doc: str = ""

    def span_scores(self, blocks: list[Block]) -> tuple[float, ...] | None:
        """segment.block_score of every block taken as text (None: ask segment instead).

        `blocks` are the ones this page was read from.
        """
        if not self.exact or any(b.link_density for b in blocks):
            return None
        n, sent = self.words, self.sentence
        score = np.where(sent & (n >= 10), n, np.where(sent & (n >= 5), n * 0.5, -3.0))
        li = self.raw[:, 3] > 0.0  # the blocks' tags, as read_page read them
        score = np.where(li & (score > 0), score * 0.4, score)
        return tuple(score.tolist())


def read_page(blocks: list[Block]) -> PageText:
    """Count the characters of every block at once.

    The blocks are joined, turned into an array of code points, and classes of characters
    are summed per block. Long blocks are read up to _CAP_CHARS (their shape is clear by
    then and the arrays stay short); their word counts come from text.words.
    """
    n = len(blocks)
    texts = [b.text for b in blocks]
    full_lengths = list(map(len, texts))
    long_at = [i for i, k in enumerate(full_lengths) if k > _CAP_CHARS]
    capped = texts
    if long_at:
        capped = texts.copy()
        for i in long_at:
            capped[i] = texts[i][:_CAP_CHARS]
    lengths = np.minimum(np.array(full_lengths, dtype=np.int64), _CAP_CHARS)
    doc = "\n".join(capped) + "\n"
    codes: npt.NDArray[np.uint16] | npt.NDArray[np.uint32]
    codes = np.frombuffer(doc.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    exact = len(codes) == len(doc)
    if not exact:  # characters beyond the BMP: one code point a slot, clipped
        codes = np.frombuffer(doc.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    table = _char_classes()
    cls = np.take(table, codes, mode="clip")
    bounds = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths + 1, out=bounds[1:])
    offsets, ends = bounds[:-1], bounds[:-1] + lengths
    head_ends = np.minimum(ends, offsets + _HEAD_CHARS)

    # Segment sums: even slots sum a block's head, odd slots the rest of the block (and its
    # newline), so a full count is the pair's sum. reduceat beats cumsum several times over.
    # The seven counts are packed into one int64 a character (_FIELD_BITS bits each: a
    # segment is at most _CAP_CHARS characters long, so no field overflows into the next), read
    # from one table by the character's class and whether it starts a word and comes before a
    # space; one reduceat over one row sums them all.
    cuts = np.empty(2 * n, dtype=np.int64)
    cuts[0::2] = offsets
    cuts[1::2] = head_ends
    word = (cls & _WORD) != 0
    word_start = word.copy()
    word_start[1:] &= ~word[:-1]
    space_after = np.zeros(len(codes), dtype=np.bool_)
    space_after[:-1] = (cls[1:] & _SPACE) != 0
    index = cls | (word_start.astype(np.uint16) << _WORD_START_BIT)
    index |= space_after.astype(np.uint16) << _SPACE_AFTER_BIT
    packed = np.take(_packed_counts(), index)
    # ' - ' between words: a separator, as '|' is (a dash is in no other count).
    dash = (codes[1:-1] == 45) & (codes[:-2] == 32) & space_after[1:-1]
    packed[1:-1] += dash * _FIELD_ONE[5]
    sums = (np.add.reduceat(packed, cuts) >> _FIELD_SHIFTS) & _FIELD_MASK
    head_sums = sums[:, 0::2]
    full = (head_sums + np.where(head_ends < ends, sums[:, 1::2], 0)).astype(np.float64)
    head = head_sums.astype(np.float64)
    nw_read = full[0] + (full[6] + 1) // 2  # two Chinese or Japanese characters, one word
    nh = np.maximum(1.0, head[0])
    # The last character of each block: the one before its newline, or for a long block the
    # end of its full text; an empty block reads as a space.
    last_codes = np.where(lengths > 0, codes[ends - 1], 32).astype(np.uint32)
    for i in long_at:
        last_codes[i] = ord(texts[i][-1])
    last_cls = np.take(table, last_codes, mode="clip")
    sentence = ((last_cls & _SENT_BIT) != 0) | (full[1] >= 2)
    nw = nw_read.copy()
    for i in long_at:
        nw[i] = words(texts[i])
        sentence[i] = sentence_like(texts[i])
    raw = np.empty((n, 13))
    raw[:, 0] = nw
    raw[:, 1] = sentence
    raw[:, 2] = (last_cls & _TERM_BIT) != 0
    raw[:, 3] = [b.tag == "li" for b in blocks]
    raw[:, 4] = 0.0  # furniture: filled in by block_features
    raw[:, 5] = full[2] / np.maximum(1.0, nw_read)
    raw[:, 6] = head[3] / nh
    raw[:, 7] = head[4] / nh
    raw[:, 8] = (np.minimum(lengths, _HEAD_CHARS) - nh + 1) / nh
    raw[:, 9] = full[5]
    if len(set(texts)) == n:  # most pages: no text twice, no count needed
        raw[:, 10] = 0.0
    else:
        counts = Counter(texts)
        raw[:, 10] = [counts[x] > 1 for x in texts]
    raw[:, 11] = last_codes == 58  # ':'
    raw[:, 12] = (cls[offsets] & _LOWER) != 0
    return PageText(raw, nw, sentence, exact, doc)


def block_features(
    blocks: list[Block],
    kinds: list[BlockKind | None],
    start: int,
    end: int,
    page: PageText | None = None,
) -> Matrix:
    """One feature row per block, in FEATURES order."""
    n = len(blocks)
    if n == 0:
        return np.zeros((0, len(FEATURES)))
    raw = (page or read_page(blocks)).raw
    furn = np.array([k is not None for k in kinds], dtype=np.float64)
    nw = raw[:, 0]
    lw = np.log1p(nw)
    sent, li = raw[:, 1], raw[:, 3]
    idx = np.arange(n, dtype=np.float64)
    in_span = ((idx >= start) & (idx <= end)).astype(np.float64)
    X = np.empty((n, len(FEATURES)))
    X[:, 0] = 1.0
    X[:, 1] = lw
    X[:, 2] = sent
    X[:, 3] = raw[:, 2]
    X[:, 4] = li
    X[:, 5] = furn
    X[:, 6] = in_span
    X[:, 7] = idx < start
    X[:, 8] = idx > end
    if end >= start:
        X[:, 9] = np.log1p(np.where(idx < start, start - idx, np.where(idx > end, idx - end, 0)))
    else:
        X[:, 9] = 0.0
    X[:, 10] = idx / n
    X[:, 11] = np.minimum(3.0, raw[:, 5])
    X[:, 12:14] = raw[:, 6:8]
    X[:, 14] = np.minimum(15.0, raw[:, 8])
    X[:, 15] = np.minimum(3.0, raw[:, 9])
    X[:, 16:19] = raw[:, 10:13]
    for col, (values, fill) in enumerate(((lw, 0.0), (sent, 0.0), (li, 0.0), (furn, 1.0))):
        _shift_into(X[:, 19 + 2 * col], values, 1, fill)
        _shift_into(X[:, 20 + 2 * col], values, -1, fill)
    X[:, 27] = _window_mean(lw, 2, 2)
    X[:, 28] = _window_mean(sent, 2, 2)
    X[:, 29] = in_span * lw
    X[:, 30] = li * in_span
    X[:, 31] = in_span * (nw < 8)
    X[:, 32] = np.log((nw + 1) / (max(1.0, float(nw.max())) + 1))
    return X


def article_probabilities(
    blocks: list[Block],
    kinds: list[BlockKind | None],
    start: int,
    end: int,
    page: PageText | None = None,
    extra: Matrix | None = None,
    model: _Model | None = None,
) -> Matrix:
    """The model's probability that each block is article text.

    `extra` appends caller-specific columns (HTML evidence) after FEATURES; `model` must
    then be one fitted on those columns.
    """
    model = model or _model()
    X = block_features(blocks, kinds, start, end, page)
    if extra is not None:
        X = np.hstack([X, extra])
    p1 = model.stage1.probabilities(X)
    return model.stage2.probabilities(context_features(X, p1, start, end))


def choose(
    blocks: list[Block],
    kinds: list[BlockKind | None],
    start: int,
    end: int,
    page: PageText | None = None,
    extra: Matrix | None = None,
    model: _Model | None = None,
    protected_floor: float = 0.0,
) -> list[bool] | None:
    """Which blocks are article text; None leaves the decision to the heuristic span.

    Long prose inside the span (`protected`) stays unless its probability is under
    `protected_floor`.
    """
    if start > end or not blocks:
        return None
    if model is None:
        if not _model_file_present():
            return None
        model = _model()
    probs = article_probabilities(blocks, kinds, start, end, page, extra, model)
    above = probs >= model.threshold
    keep = above.tolist()
    for i in (np.flatnonzero(~above[start : end + 1]) + start).tolist():
        if protected(blocks[i], i, start, end) and probs[i] >= protected_floor:
            keep[i] = True
    return [k and kind is None for k, kind in zip(keep, kinds, strict=True)]


@cache
def _model_file_present() -> bool:
    # Asked once: the model, once loaded, is cached for the process too.
    return MODEL_FILE.is_file()


def protected(block: Block, i: int, start: int, end: int) -> bool:
    """Long prose inside the heuristic span: kept unless the model all but rules it out."""
    if not start <= i <= end or block.tag == "li":
        return False
    text = block.text
    return len(text.split()) >= 20 and sentence_like(text)
