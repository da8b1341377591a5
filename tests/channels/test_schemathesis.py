"""schemathesis over the OpenAPI of /api/chat, in-process, with the fake Rasa (tooling.md §4).

The operation's strategies are driven from inside an ordinary test, because the
fixture-based loader of schemathesis does not work with this pytest version.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode


@pytest.mark.parametrize(
    "mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["positive", "negative"]
)
def test_chat_api_conforms(app: FastAPI, mode: GenerationMode) -> None:
    """No 5xx, no schema violations, negative data rejected, positive data accepted."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operation = schema["/api/chat"]["POST"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case) -> None:
        case.call_and_validate()

    run()
