"""Fixtures for the knowledge tests: the shared source documents and pack copies.

The source documents live outside the repository (``/work/shared`` next to the repo, or
``$SHARED_DIR``). They are the authority the data is checked against, so a missing
document is a failure, never a skip.
"""
from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
import yaml

from knowledge.datafile import load_yaml
from knowledge.pack import PACKS_DIR
from tests.knowledge.kb_support import read_shared


@pytest.fixture(scope="session")
def seed003() -> str:
    return read_shared("seeds/003_*.txt")


@pytest.fixture(scope="session")
def contract() -> str:
    return read_shared("spec/intake-contract.md")


@pytest.fixture(scope="session")
def reliability() -> str:
    return read_shared("spec/reliability.md")


PackEditor = Callable[..., Path]
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@cache
def _gifu_data() -> dict:
    """The gifu pack's files, parsed once; tests edit deep copies."""
    names = ("counters.yaml", "routing.yaml")
    return {n: load_yaml(PACKS_DIR / "gifu" / n) for n in names}


@pytest.fixture
def pack_copy(tmp_path: Path) -> PackEditor:
    """Copy the gifu pack into ``tmp_path/packs/<code>`` and let a test edit its data.

    ``edit(data_by_file)`` receives ``{"counters.yaml": ..., "routing.yaml": ...}`` parsed,
    and may change them in place. Returns the packs root to pass as ``root=``.
    """

    def make(edit: Callable[[dict], None] | None = None, code: str = "gifu") -> Path:
        root = tmp_path / "packs"
        target = root / code
        shutil.copytree(PACKS_DIR / "gifu", target)
        data = copy.deepcopy(_gifu_data())
        data["routing.yaml"]["pack"]["code"] = code
        if edit:
            edit(data)
        for name, content in data.items():
            text = yaml.dump(content, Dumper=_DUMPER, allow_unicode=True, sort_keys=False)
            (target / name).write_text(text, encoding="utf-8")
        return root

    return make
