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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.codes import CATEGORIES, CRISIS_TYPES
from nlu.normalize import compact

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
DATA_DIR = REPO / "tests" / "data" / "intake"
MODEL_PATH = REPO / "var" / "nlu" / "categories.pkl"
CRISIS_MODEL_PATH = REPO / "var" / "nlu" / "crisis.pkl"
DEFAULT_THRESHOLD = 0.5
CRISIS_THRESHOLD = 0.5
"""The crisis classifier only adds alarms to the lexicon's, so its threshold leans to recall."""


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


@dataclass
class CategoryModel:
    """Vectoriser + one logistic regression per category that has positives."""

    vectorizer: Any
    models: dict[str, Any]
    threshold: float = DEFAULT_THRESHOLD

    @classmethod
    def train(cls, texts: Sequence[str], labels: Sequence[Sequence[str]],
              threshold: float = DEFAULT_THRESHOLD, codes: Sequence[str] = CATEGORIES) -> CategoryModel:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1)
        x = vectorizer.fit_transform([compact(t) for t in texts])
        models = {}
        for code in codes:
            y = [code in labels_ for labels_ in labels]
            if 0 < sum(y) < len(y):
                models[code] = LogisticRegression(C=8.0, class_weight="balanced", max_iter=2000).fit(x, y)
        return cls(vectorizer, models, threshold)

    def probabilities(self, text: str) -> dict[str, float]:
        """Same numbers as sklearn's predict_proba, computed directly (sklearn's input
        checks cost ~20 ms per message for 13 models; this costs well under 1 ms)."""
        import numpy as np

        if not hasattr(self, "_weights"):
            self._weights = np.vstack([m.coef_[0] for m in self.models.values()])
            self._bias = np.array([m.intercept_[0] for m in self.models.values()])
        cols, values = self._features(compact(text))
        scores = self._bias + (self._weights[:, cols] @ values if cols else 0.0)
        return dict(zip(self.models, (1.0 / (1.0 + np.exp(-scores))).tolist(), strict=True))

    def _features(self, text: str) -> tuple[list[int], Any]:
        """TF-IDF of the character n-grams, as the fitted vectoriser computes them."""
        import numpy as np

        low, high = self.vectorizer.ngram_range
        vocab, idf = self.vectorizer.vocabulary_, self.vectorizer.idf_
        counts: dict[int, int] = {}
        for n in range(low, high + 1):
            for k in range(len(text) - n + 1):
                col = vocab.get(text[k:k + n])
                if col is not None:
                    counts[col] = counts.get(col, 0) + 1
        cols = list(counts)
        values = np.array([(1.0 + np.log(c)) * idf[col] for col, c in counts.items()])
        norm = np.linalg.norm(values) if cols else 1.0
        return cols, values / (norm or 1.0)

    def predict(self, text: str) -> list[str]:
        return [code for code, p in self.probabilities(text).items() if p >= self.threshold]

    def save(self, path: Path = MODEL_PATH) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(self))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> CategoryModel:
        try:
            model = pickle.loads(path.read_bytes())  # noqa: S301 - our own file, made by `intake train`
        except (OSError, pickle.UnpicklingError, AttributeError, EOFError) as exc:
            raise ModelError(f"{path}: cannot load the category model ({exc})") from exc
        if not isinstance(model, cls):
            raise ModelError(f"{path}: is not a category model")
        return model


def train_from_data(data_dir: Path = DATA_DIR) -> tuple[CategoryModel, CategoryModel]:
    """Category and crisis-type models, trained on the ``train`` split only."""
    rows = dataset("train", data_dir)
    if not rows:
        raise ModelError(f"{data_dir}: no annotated train lines (*.jsonl) to learn from")
    return train_models(rows)


def train_models(rows: Sequence[dict[str, Any]]) -> tuple[CategoryModel, CategoryModel]:
    texts = [r["text"] for r in rows]
    categories = CategoryModel.train(texts, [r.get("categories", []) for r in rows])
    crisis = CategoryModel.train(texts, [r.get("crisis", {}).get("types", []) for r in rows],
                                 threshold=CRISIS_THRESHOLD, codes=CRISIS_TYPES)
    return categories, crisis


def load_or_train() -> tuple[CategoryModel | None, CategoryModel | None]:
    """The saved models; else models trained now (and saved); else none: lexicons only."""
    if MODEL_PATH.exists() and CRISIS_MODEL_PATH.exists():
        return CategoryModel.load(MODEL_PATH), CategoryModel.load(CRISIS_MODEL_PATH)
    try:
        categories, crisis = train_from_data()
    except ModelError as exc:
        logger.warning("classifiers unavailable, using the lexicons only: %s", exc)
        return None, None
    categories.save(MODEL_PATH)
    crisis.save(CRISIS_MODEL_PATH)
    logger.info("trained the classifiers into %s", MODEL_PATH.parent)
    return categories, crisis
