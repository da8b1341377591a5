"""spaCy inference with numpy's BLAS for matrix products.

thinc 8.1's ``NumpyOps.gemm`` calls blis; on these machines numpy's OpenBLAS does the same
products (ja_ginza's tok2vec: ~40×768 by 768×768, several per message) about 40 % faster,
and tok2vec is most of a GiNZA parse (median 24 → 15 ms per message, see docs/evidence.md).
The results are the same parses (checked on every dataset line in tests/nlu).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy
from thinc.api import NumpyOps

if TYPE_CHECKING:
    from spacy.language import Language


class BlasOps(NumpyOps):
    """NumpyOps with ``gemm`` done by ``numpy.matmul`` (OpenBLAS) instead of blis."""

    name = "numpy_blas"

    def gemm(self, x: Any, y: Any, out: Any = None, trans1: bool = False, trans2: bool = False) -> Any:
        a = x.T if trans1 else x
        b = y.T if trans2 else y
        if out is None:
            return numpy.matmul(a, b)
        numpy.matmul(a, b, out=out)
        return out


def use_blas(nlp: Language) -> Language:
    """Switch every thinc layer of ``nlp``'s pipes to ``BlasOps`` (idempotent, in place).

    Layers keep the Ops they were built with, so this walks them after loading rather
    than relying on the current-ops context at load time (Rasa loads its SpacyNLP model
    in its own way)."""
    ops = BlasOps()
    for _, pipe in nlp.components:  # disabled pipes too (SpacyNLP disables the parser)
        model = getattr(pipe, "model", None)
        if model is None or not hasattr(model, "walk") or isinstance(model.ops, BlasOps):
            continue
        for node in model.walk():
            node.ops = ops
    return nlp
