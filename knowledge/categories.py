"""The issue categories with their Japanese labels (contract §1), read from data.

The codes live in :mod:`knowledge.codes`; the labels live in ``common/categories.yaml``
so that wording can be reviewed and changed without touching code. Loading checks that
the two agree, so a label can never drift away from a code.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge.codes import CATEGORIES
from knowledge.datafile import DATA_DIR, Fields, KnowledgeError, open_file

CATEGORIES_FILE = DATA_DIR / "common" / "categories.yaml"


@dataclass(frozen=True)
class Category:
    """One issue category: its contract code and the label residents see."""

    code: str
    label_ja: str


def load_categories(path: Path | None = None) -> tuple[Category, ...]:
    """The 13 categories in contract order (cached: read once per process)."""
    return _load_categories(Path(path or CATEGORIES_FILE).resolve())


def category_labels(path: Path | None = None) -> dict[str, str]:
    """Code → 表示名, for summaries and staff screens."""
    return {c.code: c.label_ja for c in load_categories(path)}


@lru_cache(maxsize=8)
def _load_categories(path: Path) -> tuple[Category, ...]:
    top = open_file(path).only("categories")
    found = tuple(_category(item) for item in top.items("categories"))
    codes = [c.code for c in found]
    if codes != list(CATEGORIES):
        raise KnowledgeError(
            f"{path.name}: categories: codes must be exactly {list(CATEGORIES)} in this order, got {codes}"
        )
    return found


def _category(item: Fields) -> Category:
    item.only("code", "label_ja")
    return Category(code=item.one_of("code", frozenset(CATEGORIES)), label_ja=item.text("label_ja"))
