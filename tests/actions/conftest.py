"""Fixtures of the action tests (factories live in factories.py)."""
from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture()
def slot_set():
    def _slot(name: str, value: Any) -> dict[str, Any]:
        return {"event": "slot", "timestamp": None, "name": name, "value": value}
    return _slot
