"""Token vectors of spaCy 3's CNN pipelines, computed with numpy from the model's own weights.

The small and medium English pipelines embed their tokens with spaCy's ``Tok2Vec.v2``: a
``MultiHashEmbed`` (hashed rows of a few lexical attributes, summed per attribute, joined, then a
maxout layer with layer normalisation) and a ``MaxoutWindowEncoder`` (a few residual layers that
each read a token and its two neighbours), sometimes a linear layer on top. thinc runs them as a
chain of generic layers; this is the same arithmetic with fewer passes over memory:

- The first layer reads only the token's own attributes (NORM, PREFIX, SUFFIX, SHAPE for the
  recogniser), so its output is kept per distinct attribute tuple, in a bounded table: a token
  seen before costs a lookup, not four hashes, a 384-wide product and a normalisation. The
  table is emptied when full, so memory stays flat whatever the number of articles.
- A maxout layer's pieces are laid out side by side, so the maximum is taken over three
  contiguous blocks instead of a strided last axis, and the window is built in one copy.

The arithmetic is the same (products, sums and maxima in float32, the same padding between
documents and the same normalisation): the vectors agree with thinc's to rounding (about 1e-6),
and the entities with spaCy's decoder (tests/test_enrich_recognizer.py). A model of another
shape is not read here (``FastVectors.read`` returns None) and keeps thinc's own forward pass.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.tokens import Doc
from thinc.api import NumpyOps

# Distinct first-layer inputs kept (96 floats each for the recogniser: about 6 MiB when full).
CACHE_ROWS = 16_384
_EPS = 1e-08  # thinc's LayerNorm


@dataclass(frozen=True)
class _Maxout:
    """A maxout layer with its layer normalisation: W (nI, nP * nO), the pieces side by side."""

    W: np.ndarray
    b: np.ndarray
    n_out: int
    n_pieces: int
    G: np.ndarray
    beta: np.ndarray

    def __call__(self, X: np.ndarray) -> np.ndarray:
        Y = X @ self.W
        Y += self.b
        n = self.n_out
        out: np.ndarray = np.maximum(Y[:, :n], Y[:, n : 2 * n])
        for p in range(2, self.n_pieces):
            np.maximum(out, Y[:, p * n : (p + 1) * n], out=out)
        # thinc's LayerNorm: (x - mean) / sqrt(var + eps) * G + b, per row.
        out -= out.mean(axis=1, keepdims=True)
        var = np.square(out).mean(axis=1, keepdims=True)
        var += _EPS
        out *= var ** (-1.0 / 2.0)
        out *= self.G
        out += self.beta
        return out


def _maxout(maxout: Any, norm: Any) -> _Maxout:
    W = np.asarray(maxout.get_param("W"), dtype=np.float32)  # (nO, nP, nI)
    b = np.asarray(maxout.get_param("b"), dtype=np.float32)  # (nO, nP)
    n_out, n_pieces, n_in = W.shape
    return _Maxout(
        W=np.ascontiguousarray(W.transpose(1, 0, 2).reshape(n_pieces * n_out, n_in).T),
        b=np.ascontiguousarray(b.T.reshape(-1)),
        n_out=n_out,
        n_pieces=n_pieces,
        G=np.asarray(norm.get_param("G"), dtype=np.float32),
        beta=np.asarray(norm.get_param("b"), dtype=np.float32),
    )


class FastVectors:
    """A Tok2Vec.v2 model's forward pass (see the module's note); call it on a list of Docs for
    the (tokens, width) array thinc's ``predict`` returns, the docs' rows one after another."""

    def __init__(
        self,
        columns: list[int | str],
        tables: list[tuple[np.ndarray, int]],
        layers: list[_Maxout],
        pad: int,
        linear: tuple[np.ndarray, np.ndarray] | None,
        cache_rows: int = CACHE_ROWS,
    ) -> None:
        self.columns: list[int | str] = list(columns)
        self.tables = tables
        self.first, self.encoder = layers[0], layers[1:]
        self.pad = pad
        self.linear = linear
        self.width = self.first.n_out
        self.cache_rows = cache_rows
        self._ops = NumpyOps(use_blis=False)
        self._lock = threading.Lock()
        self._at: dict[int, int] = {}  # mixed attribute key -> row
        self._rows = np.zeros((0, self.width), dtype=np.float32)
        self._attrs = np.zeros((0, len(columns)), dtype=np.uint64)
        mix = np.arange(1, len(columns) + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        self._mix = mix | np.uint64(1)

    @classmethod
    def read(cls, tok2vec: Any, cache_rows: int = CACHE_ROWS) -> FastVectors | None:
        """The fast pass of a thinc Tok2Vec.v2 (MultiHashEmbed, MaxoutWindowEncoder with
        window 1, optionally a linear layer on top), or None for a model of any other shape."""
        try:
            return cls._read(tok2vec, cache_rows)
        except (AttributeError, KeyError, ValueError, StopIteration, TypeError):
            return None

    @classmethod
    def _read(cls, tok2vec: Any, cache_rows: int) -> FastVectors | None:
        nodes = list(tok2vec.walk(order="dfs_pre"))
        leaves = [n for n in nodes if not n.layers]
        embeds = [n for n in leaves if n.name == "hashembed"]
        maxouts = [n for n in leaves if n.name == "maxout"]
        norms = [n for n in leaves if n.name == "layernorm"]
        depth = len(maxouts) - 1
        # The layers in order, exactly: anything else keeps thinc's forward pass.
        expected = ["extract_features", "list2ragged"]
        expected += ["ints-getitem", "hashembed"] * len(embeds)
        expected += ["maxout", "layernorm", "dropout", "ragged2list"]
        expected += ["expand_window", "maxout", "layernorm", "dropout"] * depth
        names = [n.name for n in leaves]
        linear = None
        if names[-2:] == ["list2array", "linear"]:
            node = leaves[-1]
            linear = (
                np.ascontiguousarray(np.asarray(node.get_param("W"), dtype=np.float32).T),
                np.asarray(node.get_param("b"), dtype=np.float32),
            )
            names = names[:-2]
        # One residual(...) a layer (their chain is named "residual(...)>>residual(...)").
        residuals = [
            n for n in nodes if n.name.startswith("residual(") and ")>>residual(" not in n.name
        ]
        encoders = [n for n in nodes if n.name.startswith("with_array(residual(")]
        if names != expected or depth < 1 or len(residuals) != depth or len(encoders) != 1:
            return None
        if any(n.attrs.get("window_size") != 1 for n in leaves if n.name == "expand_window"):
            return None
        features = leaves[0]
        columns: list[int | str] = list(features.attrs["columns"])
        getitems = [n for n in leaves if n.name == "ints-getitem"]
        if len(columns) != len(embeds) or [g.attrs["index"][1] for g in getitems] != list(
            range(len(columns))
        ):
            return None
        tables = [
            (np.asarray(n.get_param("E"), dtype=np.float32), int(n.attrs["seed"])) for n in embeds
        ]
        layers = [_maxout(m, n) for m, n in zip(maxouts, norms, strict=True)]
        width = layers[0].n_out
        if layers[0].W.shape[0] != width * len(tables):
            return None
        if any(la.n_out != width or la.W.shape[0] != 3 * width for la in layers[1:]):
            return None
        if linear is not None and linear[0].shape[0] != width:
            return None
        return cls(columns, tables, layers, int(encoders[0].attrs["pad"]), linear, cache_rows)

    def __call__(self, docs: Sequence[Doc]) -> np.ndarray:
        lengths = [len(d) for d in docs]
        width = self.width
        if not sum(lengths):
            out_width = self.linear[0].shape[1] if self.linear is not None else width
            return np.zeros((0, out_width), dtype=np.float32)
        attrs = np.concatenate([d.to_array(self.columns) for d in docs if len(d)])
        first = self._embed(attrs.astype(np.uint64).reshape(len(attrs), len(self.columns)))
        # The encoder's input: the docs one after another, `pad` zero rows before, between
        # and after them (thinc's with_array), which the layers update like any row.
        pad = self.pad
        total = sum(lengths) + pad * (len(docs) + 1)
        X = np.zeros((total, width), dtype=np.float32)
        keep = np.zeros(total, dtype=bool)
        at, row = pad, 0
        for n in lengths:
            X[at : at + n] = first[row : row + n]
            keep[at : at + n] = True
            at, row = at + n + pad, row + n
        window = np.zeros((total, 3, width), dtype=np.float32)
        for layer in self.encoder:
            window[1:, 0] = X[:-1]
            window[:, 1] = X
            window[:-1, 2] = X[1:]
            X += layer(window.reshape(total, 3 * width))
        out: np.ndarray = X[keep]
        if self.linear is not None:
            W, b = self.linear
            out = out @ W
            out += b
        return out

    def _embed(self, attrs: np.ndarray) -> np.ndarray:
        """The first layer's output for each row of attributes, from the table where seen."""
        keys = (attrs * self._mix).sum(axis=1, dtype=np.uint64)  # wraps: a 64-bit mix
        uniq, first_of, inverse = np.unique(keys, return_index=True, return_inverse=True)
        with self._lock:
            at = self._at
            rows = np.fromiter((at.get(k, -1) for k in uniq.tolist()), np.int64, len(uniq))
            seen = rows >= 0
            # A mixed key is checked against the attributes it was made from.
            seen[seen] = (self._attrs[rows[seen]] == attrs[first_of[seen]]).all(axis=1)
            new = np.flatnonzero(~seen)
            if not len(new):
                return self._rows[rows[inverse.reshape(-1)]]
            if len(at) + len(new) > self.cache_rows:
                # Full: the table starts again, with this batch's rows.
                at.clear()
                seen[:] = False
                new = np.arange(len(uniq))
            fresh = self._first(attrs[first_of[new]])
            if len(new) > self.cache_rows:  # more distinct rows than the table holds
                return fresh[inverse.reshape(-1)]
            self._grow(len(at) + len(new))
            start = len(at)
            place = np.arange(start, start + len(new))
            self._rows[place] = fresh
            self._attrs[place] = attrs[first_of[new]]
            at.update(zip(uniq[new].tolist(), place.tolist(), strict=True))
            rows[new] = place
            return self._rows[rows[inverse.reshape(-1)]]

    def _grow(self, size: int) -> None:
        if size <= len(self._rows):
            return
        new_size = min(self.cache_rows, max(size, 2 * len(self._rows), 1024))
        rows = np.zeros((new_size, self.width), dtype=np.float32)
        rows[: len(self._rows)] = self._rows
        attrs = np.zeros((new_size, len(self.columns)), dtype=np.uint64)
        attrs[: len(self._attrs)] = self._attrs
        self._rows, self._attrs = rows, attrs

    def _first(self, attrs: np.ndarray) -> np.ndarray:
        """MultiHashEmbed: each attribute's four hashed rows summed, joined, then maxout and
        layer normalisation."""
        parts = []
        for column, (E, seed) in enumerate(self.tables):
            ids = np.ascontiguousarray(attrs[:, column])
            keys = self._ops.hash(ids, seed) % E.shape[0]
            parts.append(self._ops.gather_add(E, keys))
        return self.first(np.hstack(parts))


def doc_batches(docs: Iterable[Doc], size: int, tokens: int) -> Iterator[list[Doc]]:
    """``docs`` in batches of at most ``size`` docs, each ending at the doc that brings it to
    ``tokens`` tokens: a component's ``pipe`` works a batch at a time, a bounded one."""
    batch: list[Doc] = []
    held = 0
    for doc in docs:
        batch.append(doc)
        held += len(doc)
        if held >= tokens or len(batch) >= size:
            yield batch
            batch, held = [], 0
    if batch:
        yield batch
