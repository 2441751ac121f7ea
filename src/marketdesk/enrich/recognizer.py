"""A faster decoder for spaCy's transition-based entity recogniser, with the model's own weights.

spaCy's greedy decoder (``Parser._parseC``) asks every one of the 74 moves whether it is valid at
every token, and in the spaCy 3.8 wheels each of those checks takes and gives back the GIL
(measured: two thirds of the recogniser's time, ~70 microseconds a token on one core). This
decoder makes the same decisions with numpy:

- The recogniser's state is small: the next token, and, while an entity is open, where it began.
  Its hidden layer is a sum of precomputed rows, one a feature (the token; the entity's first
  token; the token before), so for every token outside an entity the scores are one matrix
  product over the whole batch, and the best valid move (O, B-x, U-x) is an argmax under a mask
  of the same validity rules (spaCy's ``ner.pyx``: no entity across a sentence start, none on
  whitespace, the entity ruler's preset spans kept as they are).
- Only inside an entity does a step depend on the last one, and there just two moves are valid
  (I-x and L-x of the open label): scored a few tokens at a time.

Same weights, same features, same rules: the entities equal spaCy's decoder's (the tests compare
them), at a fraction of the time. Used only for the greedy recogniser with the three NER features
(all spaCy 3 CNN pipelines); anything else keeps spaCy's own decoder.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span
from thinc.api import NumpyOps

from marketdesk.enrich.vectors import FastVectors, doc_batches

FAST_NER = "marketdesk_ner"
_MOVES = {"B": 0, "I": 1, "L": 2, "U": 3, "O": 4}
_B, _I, _L, _U, _O = range(5)
_IOB_I, _IOB_O, _IOB_B = 1, 2, 3
# Tokens per model call: the precomputed rows take 1.5 KB a token, so memory stays flat.
_CHUNK_TOKENS = 8_000
_LOOKAHEAD = 8  # tokens of an open entity scored at once
_ATTRS: list[int | str] = ["ENT_IOB", "ENT_TYPE", "SENT_START", "IS_SPACE"]


def supports(ner: Any) -> bool:
    """Whether this recogniser is one the fast decoder reproduces: greedy, with the tok2vec,
    lower (three features, maxout) and upper layers of spaCy 3's TransitionBasedParser."""
    try:
        model = ner.model
        lower = model.get_ref("lower")
        names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
        return (
            type(ner).__name__ == "EntityRecognizer"
            and ner.cfg.get("beam_width", 1) == 1
            and model.has_ref("upper")
            and lower.get_dim("nF") == 3
            and lower.get_dim("nP") >= 2
            and lower.name == "precomputable_affine"
            and all(lower.has_param(p) for p in ("W", "b", "pad"))
            and all(n == "O" or n[:2] in ("B-", "I-", "L-", "U-") for n in names)
        )
    except (AttributeError, KeyError, ValueError):
        return False


class FastEntityRecognizer:
    """A pipeline component that sets doc.ents as the wrapped recogniser would."""

    def __init__(self, ner: Any) -> None:
        self.ner = ner
        strings = ner.vocab.strings
        names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
        self.n_classes = len(names)
        self.kind = np.array([_MOVES[n[0]] for n in names], dtype=np.int8)
        self.label = np.array(
            [strings.add(n[2:]) if len(n) > 2 else 0 for n in names], dtype=np.uint64
        )
        unseen = set(ner.model.attrs.get("unseen_classes", ()))
        seen = np.array([i not in unseen for i in range(self.n_classes)])
        labelled = self.label != 0
        self.mask_out = (self.kind == _O) & seen
        self.mask_begin = (self.kind == _B) & labelled & seen
        self.mask_unit = (self.kind == _U) & labelled & seen
        # The I-x and L-x moves of each label x, by the class of its B-x move.
        self.inside: dict[int, tuple[int, int]] = {}
        for c in np.flatnonzero(self.kind == _B):
            lab = self.label[c]
            i = np.flatnonzero((self.kind == _I) & (self.label == lab))
            last = np.flatnonzero((self.kind == _L) & (self.label == lab))
            if len(i) and len(last):
                self.inside[int(c)] = (int(i[0]), int(last[0]))
        units = {int(self.label[c]): int(c) for c in np.flatnonzero(self.kind == _U)}
        self.unit_of = units
        ops = NumpyOps(use_blis=False)  # numpy's BLAS: faster than blis's generic kernels
        for node in ner.model.walk():
            node.ops = ops
        self.tok2vec = ner.model.get_ref("tok2vec")
        # The token vectors by numpy (vectors.py), else thinc's forward pass.
        self.vectors = FastVectors.read(self.tok2vec)
        self.lower = ner.model.get_ref("lower")
        upper = ner.model.get_ref("upper")
        self.nO = self.lower.get_dim("nO")
        self.nP = self.lower.get_dim("nP")
        self.W = np.array(upper.get_param("W")[: self.n_classes], dtype=np.float32)
        self.b = np.array(upper.get_param("b")[: self.n_classes], dtype=np.float32)
        # The lower layer's weights with each feature's maxout pieces side by side (spaCy's
        # order is output-major, pieces last): the maximum is then over contiguous blocks.
        nO, nP = self.nO, self.nP
        lower_W = np.asarray(self.lower.get_param("W"), dtype=np.float32)  # (nF, nO, nP, nI)
        nF, n_in = lower_W.shape[0], lower_W.shape[3]
        self.lower_W = np.ascontiguousarray(
            lower_W.transpose(0, 2, 1, 3).reshape(nF * nP * nO, n_in).T
        )
        pad = np.asarray(self.lower.get_param("pad"), dtype=np.float32).reshape(nF, nO, nP)
        self.pad = np.ascontiguousarray(pad.transpose(0, 2, 1).reshape(nF, nP * nO))
        bias = np.asarray(self.lower.get_param("b"), dtype=np.float32).reshape(nO, nP)
        self.bias = np.ascontiguousarray(bias.T.reshape(-1))

    def __call__(self, doc: Doc) -> Doc:
        self._annotate([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        for batch in doc_batches(docs, batch_size, _CHUNK_TOKENS):
            self._annotate(batch)
            yield from batch

    def _annotate(self, docs: list[Doc]) -> None:
        work = [d for d in docs if len(d)]
        # A long batch is cut into parts of about _CHUNK_TOKENS; one long doc is one part.
        part: list[Doc] = []
        size = 0
        for doc in work:
            if part and size + len(doc) > _CHUNK_TOKENS:
                self._decode(part)
                part, size = [], 0
            part.append(doc)
            size += len(doc)
        if part:
            self._decode(part)

    def _decode(self, docs: list[Doc]) -> None:
        X = self.vectors(docs) if self.vectors is not None else self.tok2vec.predict(docs)
        # The lower layer precomputed (spaCy's precomputable_affine): a row a token and
        # feature, its pieces side by side; the paddings stand for the absent features.
        n = len(X)
        rows = (X @ self.lower_W).reshape(n, 3, self.nP * self.nO)
        pad1, pad2 = self.pad[1], self.pad[2]
        arrays = [d.to_array(_ATTRS) for d in docs]
        attrs = np.concatenate(arrays).astype(np.int64)
        iob, etype = attrs[:, 0], attrs[:, 1].astype(np.uint64)
        sent, space = attrs[:, 2], attrs[:, 3].astype(bool)
        ends = np.cumsum([len(d) for d in docs])
        last = np.zeros(n, dtype=bool)
        last[ends - 1] = True
        next_iob = np.append(iob[1:], 0)
        next_iob[last] = 0
        next_start = np.append(sent[1:] == 1, False)
        next_start[last] = False
        # Outside an entity (spaCy's feature order: token, then the two paddings, then bias).
        closed = ((rows[:, 0] + pad1) + pad2) + self.bias
        scores = self._scores(closed)
        can_begin = ~last & (next_iob != _IOB_B) & ~next_start & ~space
        can_unit = (next_iob != _IOB_I) & ~space
        valid = (
            self.mask_out[None, :]
            | (self.mask_begin[None, :] & can_begin[:, None])
            | (self.mask_unit[None, :] & can_unit[:, None])
        )
        best = np.where(valid, scores, -np.inf).argmax(axis=1)
        preset = (iob == _IOB_B) | (iob == _IOB_I)
        kinds = self.kind[best]
        can_in = ~last & (next_iob != _IOB_B) & ~next_start
        starts = np.flatnonzero(preset | (kinds == _B) | (kinds == _U))
        found: list[tuple[int, int, int]] = []  # (start, end, label) in batch tokens
        blocked: list[tuple[int, int]] = []
        t = 0
        for s in starts.tolist():
            if s < t:
                continue
            if preset[s]:
                t = self._preset(s, iob, etype, next_iob, found, blocked)
                continue
            c = int(best[s])
            if kinds[s] == _U:
                found.append((s, s + 1, int(self.label[c])))
                t = s + 1
                continue
            t = self._entity(s, c, rows, can_in, found)
        self._set(docs, ends, found, blocked)

    def _hidden(self, pre: np.ndarray) -> np.ndarray:
        """The maxout over the pieces, which lie side by side in each row."""
        nO = self.nO
        out: np.ndarray = np.maximum(pre[:, :nO], pre[:, nO : 2 * nO])
        for p in range(2, self.nP):
            np.maximum(out, pre[:, p * nO : (p + 1) * nO], out=out)
        return out

    def _scores(self, pre: np.ndarray) -> np.ndarray:
        out: np.ndarray = self._hidden(pre) @ self.W.T + self.b
        return out

    def _preset(
        self,
        s: int,
        iob: np.ndarray,
        etype: np.ndarray,
        next_iob: np.ndarray,
        found: list[tuple[int, int, int]],
        blocked: list[tuple[int, int]],
    ) -> int:
        """A span the entity ruler set: kept as it is (the only valid moves are its own)."""
        if iob[s] == _IOB_I:  # an I without its B: spaCy's set_ents never leaves one
            return s + 1
        label = int(etype[s])
        end = s + 1
        while next_iob[end - 1] == _IOB_I:
            end += 1
        if label == 0:
            blocked.extend((i, i + 1) for i in range(s, end))
        else:
            found.append((s, end, label))
        return end

    def _entity(
        self,
        s: int,
        begin: int,
        rows: np.ndarray,
        can_in: np.ndarray,
        found: list[tuple[int, int, int]],
    ) -> int:
        """An entity opened at token s by the move `begin` (B-x): I-x or L-x at each next token,
        by the model's scores with the open entity's features, until L-x."""
        i_move, l_move = self.inside[begin]
        pair = np.array([i_move, l_move])
        W, b = self.W[pair], self.b[pair]
        first = rows[s, 1]
        t = s + 1
        while True:
            stop = min(len(rows), t + _LOOKAHEAD)
            pre = ((rows[t:stop, 0] + first) + rows[t - 1 : stop - 1, 2]) + self.bias
            sc = self._hidden(pre) @ W.T + b
            for k in range(stop - t):
                u = t + k
                keep = bool(can_in[u]) and (
                    sc[k, 0] > sc[k, 1] or (sc[k, 0] == sc[k, 1] and i_move < l_move)
                )
                if not keep:
                    found.append((s, u + 1, int(self.label[begin])))
                    return u + 1
            t = stop

    def _set(
        self,
        docs: list[Doc],
        ends: np.ndarray,
        found: list[tuple[int, int, int]],
        blocked: list[tuple[int, int]],
    ) -> None:
        per: list[list[Span]] = [[] for _ in docs]
        held: list[list[Span]] = [[] for _ in docs]
        offsets = np.concatenate(([0], ends[:-1]))
        at = np.searchsorted(ends, [s for s, _, _ in found], side="right")
        for (s, e, label), d in zip(found, at.tolist(), strict=True):
            doc, o = docs[d], int(offsets[d])
            per[d].append(Span(doc, s - o, e - o, label=label, kb_id=doc[s - o].ent_kb_id))
        if blocked:
            at = np.searchsorted(ends, [s for s, _ in blocked], side="right")
            for (s, e), d in zip(blocked, at.tolist(), strict=True):
                o = int(offsets[d])
                held[d].append(Span(docs[d], s - o, e - o))
        for doc, ents, block in zip(docs, per, held, strict=True):
            doc.set_ents(ents, blocked=block, default="outside")


@Language.factory(FAST_NER, default_config={"source": "ner"})
def make_fast_ner(nlp: Language, name: str, source: str) -> FastEntityRecognizer:
    return FastEntityRecognizer(nlp.get_pipe(source))
