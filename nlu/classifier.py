"""A small trained category classifier for what the lexicon misses.

One-vs-rest logistic regression over character n-grams of the folded text: no parse
needed, trains in about a second on the train split of ``tests/data/intake``, predicts in
well under a millisecond. Its guesses are only added to the lexicon's when it is sure
(``threshold``), so the lexicon stays the explainable core.
"""
from __future__ import annotations

import json
import logging
import pickle
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from knowledge.codes import CATEGORIES, CRISIS_TYPES
from nlu.normalize import compact

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "tests" / "data" / "intake"
MODEL_PATH = REPO / "var" / "nlu" / "intake-models.pkl"
MODEL_VERSION = "7"
"""Bump when the features change: saved models of another version are trained again."""
LEXICON_DIR = REPO / "knowledge" / "lexicons"
DEFAULT_THRESHOLD = 0.5
CRISIS_THRESHOLD = 0.5
"""The crisis classifier only adds alarms to the lexicon's, so its threshold leans to recall."""
CRISIS_MIN_CHARS = 12
"""Shorter messages are judged by the crisis lexicon alone: the unit-length n-gram vector
of a few characters is dominated by one fragment (終わり of the button 「話し終わりました」
read as 終わりにしたい), while the lexicon covers short cries (しにたい, たすけて)."""


class ModelError(RuntimeError):
    """The category model cannot be trained or loaded."""


def read_jsonl(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Annotated lines of the given files, skipping blank lines."""
    rows = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ModelError(f"{path.name}:{number}: not JSON ({exc})") from exc
    return rows


def dataset(split: str, data_dir: Path = DATA_DIR) -> list[dict[str, Any]]:
    """The lines of one split (``train`` or ``test``) of every ``*.jsonl`` file."""
    return [r for r in read_jsonl(sorted(data_dir.glob("*.jsonl"))) if r.get("split") == split]


Extras = Mapping[str, float]
"""Dense features beside the character n-grams: lexicon hits, rule guesses (by name)."""

THRESHOLD_GRID = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)
TUNING_FOLDS = 5


@dataclass
class CategoryModel:
    """Vectoriser + one logistic regression per category that has positives.

    Besides the character n-grams it takes named dense features (``extras``: which
    lexicon categories counted, which were negated), so the lexicon's explainable
    evidence and the n-grams are weighed together. ``thresholds`` per code are chosen by
    cross-validation inside the training data (``tune=True``).
    """

    vectorizer: Any
    models: dict[str, Any]
    threshold: float = DEFAULT_THRESHOLD
    thresholds: dict[str, float] = field(default_factory=dict)
    extra_names: tuple[str, ...] = ()
    min_chars: int = 0

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[Sequence[str]],
              threshold: float = DEFAULT_THRESHOLD, codes: Sequence[str] = CATEGORIES,
              extras: Sequence[Extras] | None = None, tune: bool = False,
              recall_weight: float = 1.0) -> CategoryModel:
        """``recall_weight`` > 1 makes threshold tuning favour recall (F-beta)."""
        model = cls._fit(texts, labels, threshold, codes, extras)
        if tune and len(texts) >= 2 * TUNING_FOLDS:
            model.thresholds = _tune_thresholds(texts, labels, threshold, codes, extras, recall_weight)
        return model

    @classmethod
    def _fit(cls, texts: Sequence[str], labels: Sequence[Sequence[str]], threshold: float,
             codes: Sequence[str], extras: Sequence[Extras] | None) -> CategoryModel:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
        names = tuple(sorted({k for e in extras or () for k in e}))
        x = _stack(vectorizer.fit_transform([compact(t) for t in texts]), extras, names)
        models = {}
        for code in codes:
            y = [code in labels_ for labels_ in labels]
            if 0 < sum(y) < len(y):
                lr = LogisticRegression(C=8.0, class_weight="balanced", solver="liblinear")
                models[code] = lr.fit(x, y)
        return cls(vectorizer, models, threshold, {}, names)

    def probabilities(self, text: str, extras: Extras | None = None) -> dict[str, float]:
        """Same numbers as sklearn's predict_proba, computed directly (sklearn's input
        checks cost ~20 ms per message for 13 models; this costs well under 1 ms)."""
        import numpy as np

        if not self.models:
            return {}
        if not hasattr(self, "_weights"):
            n_text = len(self.vectorizer.vocabulary_)
            coefs = np.vstack([m.coef_[0] for m in self.models.values()])
            self._weights, self._extra_weights = coefs[:, :n_text], coefs[:, n_text:]
            self._bias = np.array([m.intercept_[0] for m in self.models.values()])
        cols, values = self._features(compact(text))
        scores = self._bias + (self._weights[:, cols] @ values if cols else 0.0)
        if self.extra_names and extras:
            dense = np.array([float(extras.get(name, 0.0)) for name in self.extra_names])
            scores = scores + self._extra_weights @ dense
        return dict(zip(self.models, (1.0 / (1.0 + np.exp(-scores))).tolist(), strict=True))

    def _features(self, text: str) -> tuple[list[int], Any]:
        """TF-IDF of the character n-grams, as the fitted vectoriser computes them."""
        import numpy as np

        low, high = self.vectorizer.ngram_range
        vocab = self.vectorizer.vocabulary_
        idf = self.__dict__.get("_idf")
        if idf is None:  # sklearn's idf_ rebuilds the array on every access (~1 ms)
            idf = self.__dict__["_idf"] = np.asarray(self.vectorizer.idf_)
        counts = {vocab[g]: c for g, c in char_ngrams(text, low, high).items() if g in vocab}
        if not counts:
            return [], np.zeros(0)
        cols = list(counts)
        values = (1.0 + np.log(np.fromiter(counts.values(), float, len(cols)))) * idf[cols]
        return cols, values / (np.linalg.norm(values) or 1.0)

    def threshold_for(self, code: str) -> float:
        return self.thresholds.get(code, self.threshold)

    def predict(self, text: str, extras: Extras | None = None) -> list[str]:
        """Codes at or above their threshold; none for a text under ``min_chars``."""
        if len(compact(text)) < self.min_chars:
            return []
        return [code for code, p in self.probabilities(text, extras).items() if p >= self.threshold_for(code)]


@lru_cache(maxsize=16)
def char_ngrams(text: str, low: int, high: int) -> dict[str, int]:
    """Counts of the character n-grams of ``text``; cached because the category, crisis
    and writer models each read the same message's n-grams."""
    counts: dict[str, int] = {}
    for n in range(low, high + 1):
        for k in range(len(text) - n + 1):
            gram = text[k:k + n]
            counts[gram] = counts.get(gram, 0) + 1
    return counts


def _stack(x_text: Any, extras: Sequence[Extras] | None, names: Sequence[str]) -> Any:
    """The n-gram matrix with the named dense features appended as columns."""
    if not names:
        return x_text
    from scipy.sparse import csr_matrix, hstack

    dense = [[float(e.get(n, 0.0)) for n in names] for e in extras or ()]
    return hstack([x_text, csr_matrix(dense)]).tocsr()


def _tune_thresholds(texts: Sequence[str], labels: Sequence[Sequence[str]], threshold: float,
                     codes: Sequence[str], extras: Sequence[Extras] | None,
                     recall_weight: float) -> dict[str, float]:
    """Per code, the threshold of THRESHOLD_GRID with the best out-of-fold F-beta.

    Folds are interleaved (line k goes to fold k mod 5), all inside the given lines.
    """
    n = len(texts)
    probs: list[dict[str, float]] = [{} for _ in range(n)]
    for fold in range(TUNING_FOLDS):
        inside = [i for i in range(n) if i % TUNING_FOLDS != fold]
        model = CategoryModel._fit([texts[i] for i in inside], [labels[i] for i in inside], threshold, codes,
                                   [extras[i] for i in inside] if extras else None)
        for i in range(fold, n, TUNING_FOLDS):
            probs[i] = model.probabilities(texts[i], extras[i] if extras else None)
    beta2 = recall_weight ** 2
    chosen = {}
    for code in codes:
        best = (-1.0, threshold)
        for t in THRESHOLD_GRID:
            tp = sum(1 for p, y in zip(probs, labels, strict=True) if p.get(code, 0.0) >= t and code in y)
            fp = sum(1 for p, y in zip(probs, labels, strict=True) if p.get(code, 0.0) >= t and code not in y)
            fn = sum(1 for p, y in zip(probs, labels, strict=True) if p.get(code, 0.0) < t and code in y)
            denom = (1 + beta2) * tp + beta2 * fn + fp
            f = (1 + beta2) * tp / denom if denom else 0.0
            if f > best[0] + 1e-9:
                best = (f, t)
        chosen[code] = best[1]
    return chosen


WRITER_C = 32.0
"""Inverse regularisation of the writer model. 5-fold CV inside train, accuracy on the
older lines / on part_f … part_k: C 1: 0.915 / 0.783, 4: 0.926 / 0.816, 16: 0.926 / 0.827,
32: 0.931 / 0.831, 64: 0.926 / 0.836."""


@dataclass
class WriterModel:
    """Who writes (contract §9): one multinomial logistic regression over the character
    n-grams plus named dense features (the rules' guess, cue kinds, people found)."""

    vectorizer: Any
    classes: tuple[str, ...]
    weights: Any
    bias: Any
    extra_names: tuple[str, ...] = ()

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[str],
              extras: Sequence[Extras] | None = None) -> WriterModel:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
        names = tuple(sorted({k for e in extras or () for k in e}))
        x = _stack(vectorizer.fit_transform([compact(t) for t in texts]), extras, names)
        if len(set(labels)) < 2:
            raise ModelError("the writer model needs at least two writer kinds in the data")
        lr = LogisticRegression(C=WRITER_C, class_weight="balanced", max_iter=3000).fit(x, list(labels))
        return cls(vectorizer, tuple(lr.classes_), lr.coef_, lr.intercept_, names)

    def scores(self, text: str, extras: Extras | None = None) -> dict[str, float]:
        import numpy as np

        n_text = len(self.vectorizer.vocabulary_)
        cols, values = CategoryModel._features(self, compact(text))  # type: ignore[arg-type]
        out = self.bias + (self.weights[:, :n_text][:, cols] @ values if cols else 0.0)
        if self.extra_names and extras:
            dense = np.array([float(extras.get(name, 0.0)) for name in self.extra_names])
            out = out + self.weights[:, n_text:] @ dense
        return dict(zip(self.classes, np.atleast_1d(out).tolist(), strict=True))

    def predict(self, text: str, extras: Extras | None = None) -> str:
        scores = self.scores(text, extras)
        return max(scores, key=scores.__getitem__)


@dataclass
class Models:
    """The trained parts: categories, crisis types (recall-leaning), writer."""

    categories: CategoryModel | None = None
    crisis: CategoryModel | None = None
    writer: WriterModel | None = None
    fingerprint: str = ""


Features = tuple[Extras, Extras]
"""(category, writer) extras of one text: what the rules found and the message vector, as
model features."""
Featurizer = Callable[[str], Features]


def fingerprint(data_dir: Path = DATA_DIR) -> str:
    """Hash of the training data, the lexicons and this module: a saved model made from
    other ones is stale and is trained again."""
    import hashlib

    h = hashlib.sha256(MODEL_VERSION.encode())
    files = sorted(data_dir.glob("*.jsonl")) + sorted(LEXICON_DIR.glob("*.yaml"))
    for path in files:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def train_from_data(featurize: Featurizer | None = None, data_dir: Path = DATA_DIR) -> Models:
    """All models, trained on the ``train`` split only."""
    rows = dataset("train", data_dir)
    if not rows:
        raise ModelError(f"{data_dir}: no annotated train lines (*.jsonl) to learn from")
    models = train_models(rows, featurize)
    models.fingerprint = fingerprint(data_dir)
    return models


def train_models(rows: Sequence[dict[str, Any]], featurize: Featurizer | None = None) -> Models:
    """Category (thresholds tuned by CV inside ``rows``), crisis and writer models.

    Without ``featurize`` the models see the character n-grams only.
    """
    texts = [r["text"] for r in rows]
    feats = [featurize(t) for t in texts] if featurize else None
    cat_extras = [f[0] for f in feats] if feats else None
    writer_extras = [f[1] for f in feats] if feats else None
    categories = CategoryModel.train(texts, [r.get("categories", []) for r in rows], extras=cat_extras,
                                     tune=True)
    crisis = CategoryModel.train(texts, [r.get("crisis", {}).get("types", []) for r in rows],
                                 threshold=CRISIS_THRESHOLD, codes=CRISIS_TYPES)
    crisis.min_chars = CRISIS_MIN_CHARS
    writer = WriterModel.train(texts, [r.get("writer", "unknown") for r in rows], extras=writer_extras)
    return Models(categories, crisis, writer)


def save_models(models: Models, path: Path = MODEL_PATH) -> None:
    """The models, and beside them their fingerprint (read by ``is_current`` without
    unpickling: that takes seconds)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(models))
    _fingerprint_file(path).write_text(models.fingerprint, encoding="utf-8")


def _fingerprint_file(path: Path) -> Path:
    return path.with_suffix(".fingerprint")


def load_models(path: Path = MODEL_PATH) -> Models:
    try:
        models = pickle.loads(path.read_bytes())  # noqa: S301 - our own file, made by `intake train`
    except (OSError, pickle.UnpicklingError, AttributeError, EOFError, ModuleNotFoundError) as exc:
        raise ModelError(f"{path}: cannot load the models ({exc})") from exc
    if not isinstance(models, Models):
        raise ModelError(f"{path}: is not a set of intake models")
    return models


def is_current(path: Path = MODEL_PATH) -> bool:
    """True when the saved models were made from the current data, lexicons and code."""
    try:
        saved = _fingerprint_file(path).read_text(encoding="utf-8").strip()
        return path.exists() and saved == fingerprint()
    except OSError:
        return False


def load_or_train(featurize: Featurizer | None = None) -> Models:
    """The saved models if made from the current data and lexicons; else models trained
    now (and saved); else none: lexicons and rules only."""
    try:
        current = fingerprint()
    except OSError:
        current = ""
    if MODEL_PATH.exists():
        try:
            models = load_models(MODEL_PATH)
            if models.fingerprint == current:
                return models
            logger.info("saved models are stale (data or lexicons changed): training again")
        except ModelError as exc:
            logger.warning("%s; training again", exc)
    try:
        models = train_from_data(featurize)
    except ModelError as exc:
        logger.warning("classifiers unavailable, using the lexicons only: %s", exc)
        return Models()
    try:
        save_models(models, MODEL_PATH)
        logger.info("trained the classifiers into %s", MODEL_PATH)
    except OSError as exc:
        logger.warning("cannot save the models (%s); using them for this process only", exc)
    return models
