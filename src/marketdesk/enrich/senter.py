"""spaCy's sentence recogniser (senter) with its own weights, its token vectors computed by numpy
(vectors.py): the same sentence starts as spaCy's component, in a fraction of its time.

The senter is a tagger over two labels, "I" (inside) and "S" (a sentence starts here): a small
Tok2Vec.v2 and a softmax layer. A token is a sentence start where the "S" score is the larger,
and, as spaCy's component does without ``overwrite``, only tokens not marked already are set.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, cast

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from marketdesk.enrich.vectors import FastVectors, doc_batches

FAST_SENTER = "marketdesk_senter"
_BATCH_TOKENS = 8_000


def read(senter: Any) -> tuple[FastVectors, np.ndarray, np.ndarray] | None:
    """The token vectors and the softmax layer's weights of a spaCy senter, or None for one
    this module does not reproduce (another architecture, labels or options)."""
    try:
        if type(senter).__name__ != "SentenceRecognizer" or tuple(senter.labels) != ("I", "S"):
            return None
        if senter.cfg.get("overwrite", False):
            return None
        layers = senter.model.layers
        if len(layers) != 2 or layers[1].name != "with_array(softmax)":
            return None
        softmax = layers[1].layers[0]
        if softmax.attrs.get("softmax_temperature", 1.0) != 1.0:
            return None
        vectors = FastVectors.read(layers[0])
        if vectors is None or vectors.linear is not None:
            return None
        W = np.asarray(softmax.get_param("W"), dtype=np.float32)
        b = np.asarray(softmax.get_param("b"), dtype=np.float32)
        if W.shape != (2, vectors.width):
            return None
        return vectors, np.ascontiguousarray(W.T), b
    except (AttributeError, KeyError, ValueError, IndexError):
        return None


class FastSentences:
    """A pipeline component that sets sentence starts as the wrapped senter would."""

    def __init__(self, senter: Any) -> None:
        parts = read(senter)
        if parts is None:
            raise ValueError("this senter is not one marketdesk's fast senter reproduces")
        self.vectors, self.W, self.b = parts

    def __call__(self, doc: Doc) -> Doc:
        self._annotate([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        for batch in doc_batches(docs, batch_size, _BATCH_TOKENS):
            self._annotate(batch)
            yield from batch

    def _annotate(self, docs: list[Doc]) -> None:
        work = [d for d in docs if len(d)]
        if not work:
            return
        scores = self.vectors(work) @ self.W
        scores += self.b
        starts = scores.argmax(axis=1) == 1
        at = 0
        for doc in work:
            n = len(doc)
            current = doc.to_array("SENT_START").astype(np.int64)
            # Only where nothing is set yet (spaCy's senter without overwrite).
            guess = np.where(starts[at : at + n], 1, -1)
            marks = np.where(current == 0, guess, current)
            doc.from_array(["SENT_START"], cast(Any, marks.astype(np.uint64).reshape(n, 1)))
            at += n


@Language.factory(FAST_SENTER, default_config={"source": "senter"})
def make_fast_senter(nlp: Language, name: str, source: str) -> FastSentences:
    return FastSentences(nlp.get_pipe(source))
