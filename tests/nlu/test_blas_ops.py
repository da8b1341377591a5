"""numpy's BLAS for GiNZA's matrix products (nlu/blas_ops.py): faster, same parses."""
from __future__ import annotations

import spacy

from nlu.analysis import SPACY_MODEL, UNUSED_PIPES, complete_parse
from nlu.blas_ops import BlasOps, use_blas
from nlu.classifier import dataset


def parses(nlp, texts):
    return [[(t.i, t.pos_, t.dep_, t.head.i, t.tag_) for t in nlp(text)] for text in texts]


def test_dataset_lines_parse_the_same_with_numpy_blas():
    """The first 731 dataset lines (files part_a … part_e: every register, short and long),
    parsed with thinc's blis products and then with numpy's. Later files are left out
    only to keep the test's time fixed (two parses of each line)."""
    nlp = spacy.load(SPACY_MODEL, exclude=list(UNUSED_PIPES))
    texts = [r["text"] for split in ("train", "test") for r in dataset(split) if r["id"][0] in "abcde"]
    assert len(texts) == 731
    before = parses(nlp, texts)
    use_blas(nlp)
    assert isinstance(nlp.get_pipe("tok2vec").model.ops, BlasOps)
    assert parses(nlp, texts) == before


def test_rasa_spacy_model_with_disabled_parser_switches_too():
    """Rasa's SpacyNLP loads ja_ginza with the parser disabled; completing the parse
    switches every pipe, the disabled parser included, and gives the full parse."""
    rasa_like = spacy.load(SPACY_MODEL, disable=["parser"])
    full = spacy.load(SPACY_MODEL)
    text = "80代の母が認知症で、50代の兄がひきこもっています。"
    doc = complete_parse(rasa_like(text), rasa_like)
    assert isinstance(rasa_like.get_pipe("parser").model.ops, BlasOps)
    assert isinstance(rasa_like.get_pipe("tok2vec").model.ops, BlasOps)
    assert [(t.dep_, t.head.i) for t in doc] == [(t.dep_, t.head.i) for t in full(text)]


def test_switching_caps_the_blas_threads(monkeypatch):
    """One BLAS thread per process by default (spinning OpenBLAS threads took CPU from the
    other processes under load); INTAKE_BLAS_THREADS sets another number."""
    from threadpoolctl import threadpool_info

    from nlu.blas_ops import limit_blas_threads

    def blas_threads() -> set[int]:
        return {pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"}

    monkeypatch.setenv("INTAKE_BLAS_THREADS", "2")
    limit_blas_threads()
    assert blas_threads() == {2}
    use_blas(spacy.load(SPACY_MODEL, exclude=list(UNUSED_PIPES)))
    assert blas_threads() == {2}
    monkeypatch.delenv("INTAKE_BLAS_THREADS")
    use_blas(spacy.load(SPACY_MODEL, exclude=list(UNUSED_PIPES)))
    assert blas_threads() == {1}
