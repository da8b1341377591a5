"""Test data factories for the gateway tests."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from tests.channels.fake_rasa import handoff_record


def session_id() -> str:
    """A web chat session id like the page makes."""
    return secrets.token_hex(24)


def record(**overrides: Any) -> dict[str, Any]:
    """A valid contract §6 record with a fresh id."""
    base = handoff_record("factory-" + uuid.uuid4().hex, ["母が認知症で、夜中に家を出てしまいます。"])
    base["id"] = str(uuid.uuid4())
    base.update(overrides)
    return base
