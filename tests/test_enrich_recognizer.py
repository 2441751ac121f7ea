"""The fast decoder of the entity recogniser (enrich/recognizer.py) sets the same entities as
spaCy's own decoder with the same weights: on the written passages, on texts that test the
rules it reproduces (the ruler's preset spans, sentence starts, whitespace, a doc's last
token), on a batch cut into parts, and on empty docs. Its token vectors (vectors.py) agree with
thinc's, and the senter that uses them (senter.py) sets spaCy's sentence starts."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from spacy.language import Language
from spacy.tokens import Doc

from marketdesk.enrich.recognizer import FAST_NER, FastEntityRecognizer, supports
from marketdesk.enrich.senter import FastSentences
from marketdesk.enrich.vectors import FastVectors

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_entities  # noqa: E402

EDGE_CASES = [
    "",
    "Apple",
    "Shares of Goldman Sachs rose.\\n\\nMorgan Stanley fell. Jerome Powell",
    "The Fed and the Bank of Japan met the S&P 500 and gold, (NYSE: IBM) and (7203.T).",
    "   \\n  Tokyo  \\n\\n\\n  Bank of England  \\n",
    "Federal Reserve Federal Reserve Chair Powell. European Central Bank. ECB",
    "NEW YORK (Reuters) - Elon Musk's Tesla Inc. said on Tuesday that SpaceX and "
    "X Corp. would not merge. Musk, 53, spoke in Austin, Texas.",
    "Mr. Kishida met Mr. Liu in Tokyo on Wednesday; Liu Jianchao's office said so.",
]


def _before_ner(nlp: Language, texts: list[str]) -> list[Doc]:
    docs = [nlp.make_doc(t) for t in texts]
    for name, proc in nlp.pipeline:
        if name == FAST_NER:
            break
        docs = [proc(d) for d in docs]
    return docs


def _ents(docs: list[Doc]) -> list[list[tuple[int, int, str, str, str]]]:
    return [[(e.start, e.end, e.label_, e.ent_id_, e.kb_id_) for e in d.ents] for d in docs]


def _iob(docs: list[Doc]) -> list[list[str]]:
    return [[t.ent_iob_ for t in d] for d in docs]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    written = [c.text for c in bench_entities.written_cases()]
    return EDGE_CASES + written + [" ".join(written)]


def test_same_entities_as_spacys_decoder(nlp: Language, texts: list[str]) -> None:
    ner = nlp.get_pipe("ner")
    assert supports(ner)
    spacy_docs = list(ner.pipe(_before_ner(nlp, texts)))
    fast_docs = list(FastEntityRecognizer(ner).pipe(_before_ner(nlp, texts)))
    assert _ents(fast_docs) == _ents(spacy_docs)
    assert _iob(fast_docs) == _iob(spacy_docs)


def test_one_at_a_time_and_in_batches_agree(nlp: Language, texts: list[str]) -> None:
    fast = nlp.get_pipe(FAST_NER)
    batched = list(fast.pipe(_before_ner(nlp, texts), batch_size=64))
    single = [fast(d) for d in _before_ner(nlp, texts)]
    assert _ents(batched) == _ents(single)


def test_the_pipeline_uses_it(nlp: Language) -> None:
    doc = nlp("Jamie Dimon, chief executive of JPMorgan Chase, spoke in New York.")
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Jamie Dimon", "PERSON"),
        ("JPMorgan Chase", "ORG"),
        ("New York", "GPE"),
    ]


def test_token_vectors_agree_with_thincs(nlp: Language, texts: list[str]) -> None:
    """vectors.py's forward pass against thinc's, with a table small enough to be emptied and
    refilled several times over these texts, and on a batch with empty docs."""
    tok2vec = nlp.get_pipe("ner").model.get_ref("tok2vec")
    fast = FastVectors.read(tok2vec, cache_rows=300)
    assert fast is not None
    docs = [nlp.make_doc(t) for t in texts]
    for batch in (docs[:5], docs[5:40], docs, docs[:5], [nlp.make_doc(""), *docs[-3:]]):
        batch = [d for d in batch if len(d)]
        assert np.abs(fast(batch) - tok2vec.predict(batch)).max() < 1e-4
    assert fast(docs[:0]).shape == (0, 64)


def test_a_model_of_another_shape_keeps_thincs_pass(nlp: Language) -> None:
    assert FastVectors.read(nlp.get_pipe("ner").model) is None  # the whole parser model
    assert FastVectors.read(object()) is None


def test_the_fast_senter_sets_the_same_sentences(nlp: Language, texts: list[str]) -> None:
    senter = nlp.get_pipe("senter")
    fast = FastSentences(senter)
    ours = list(fast.pipe(nlp.make_doc(t) for t in texts))
    theirs = list(senter.pipe(nlp.make_doc(t) for t in texts))
    assert [list(d.to_array("SENT_START")) for d in ours] == [
        list(d.to_array("SENT_START")) for d in theirs
    ]
    assert [s.text for s in fast(nlp.make_doc("It rose. Then it fell.")).sents] == [
        "It rose.",
        "Then it fell.",
    ]
