"""Validate action-server answers with a schema compiled once, not on every action.

Why: Rasa 3.6 checks each custom action's answer with `jsonschema.validate`, which first
validates Rasa's event schema against the 2020-12 meta-schema on every call. With
jsonschema 4.17 (the newest Rasa 3.6 allows) that meta-check was about half of a whole
turn's CPU here (profiled: 48 action calls, 7.7 s of 14.9 s). The schema never changes
while the server runs, so it is checked once; each answer is still validated in full and
a bad answer still raises the same `ValidationError` with Rasa's explanation.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _validator() -> Any:
    """Rasa's action-answer schema, meta-checked once, as a ready validator."""
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    """Drop-in for `RemoteAction._validate_action_result` (same result, same error)."""
    try:
        _validator().validate(result)
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise
    return True


def install() -> None:
    """Replace Rasa's per-call validation in this process (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
