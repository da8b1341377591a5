"""Fixtures shared by the tests of both environments (no project imports here)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared/ folder beside the checkout (CI lays it there; SHARED_DIR overrides)."""
    path = Path(os.environ.get("SHARED_DIR", REPO_ROOT.parent / "shared"))
    assert path.is_dir(), f"shared/ not found at {path}; set SHARED_DIR"
    return path
