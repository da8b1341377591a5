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


BLAS_THREADS_ENV = "INTAKE_BLAS_THREADS"
DEFAULT_BLAS_THREADS = 1
"""OpenBLAS starts one thread per core, and its threads spin while they wait. The
assistant runs several processes on few cores (two Rasa servers, actions, gateway), and
under load those spinning threads took CPU from the other processes. With one BLAS thread
per process, on 2 cores with 2 Rasa servers: 10 residents p95 866 → 548 ms, 50 residents
10.8 → 13.9 turns/s (docs/evidence.md, 2026-11-29). A lone process parsing one message
at a time gains from more threads: set INTAKE_BLAS_THREADS."""


def limit_blas_threads() -> None:
    """Cap the process's BLAS thread pools (INTAKE_BLAS_THREADS, default 1)."""
    import os

    from threadpoolctl import threadpool_limits

    threads = int(os.environ.get(BLAS_THREADS_ENV) or DEFAULT_BLAS_THREADS)
    threadpool_limits(limits=max(1, threads), user_api="blas")


def use_blas(nlp: Language) -> Language:
    """Switch every thinc layer of ``nlp``'s pipes to ``BlasOps`` (idempotent, in place),
    with the process's BLAS threads capped (``limit_blas_threads``).

    Layers keep the Ops they were built with, so this walks them after loading rather
    than relying on the current-ops context at load time (Rasa loads its SpacyNLP model
    in its own way)."""
    ops = BlasOps()
    switched = False
    for _, pipe in nlp.components:  # disabled pipes too (SpacyNLP disables the parser)
        model = getattr(pipe, "model", None)
        if model is None or not hasattr(model, "walk") or isinstance(model.ops, BlasOps):
            continue
        for node in model.walk():
            node.ops = ops
        switched = True
    if switched:
        limit_blas_threads()
    return nlp
