"""Validate action-server answers quickly, with exactly Rasa's verdicts.

Why: Rasa 3.6 checks each custom action's answer with `jsonschema.validate`, which first
validates Rasa's event schema against the 2020-12 meta-schema on every call. With
jsonschema 4.17 (the newest Rasa 3.6 allows) that meta-check was about half of a whole
turn's CPU here (profiled: 48 action calls, 7.7 s of 14.9 s). The schema never changes
while the server runs, so it is checked once.

Even compiled, the event schema is a ``oneOf`` of 23 event kinds, so every event was tried
against all 23 (about 8 ms per answer, a tenth of a turn). Each kind is told apart by its
``"event": {"const": …}``, so an event that matches its own kind's schema fails all the
others: the answer is valid exactly when each event is valid for its own kind. That is
the fast path. Anything it does not accept (an unknown kind, a bad field, events not a
list) goes through the full schema, which gives Rasa's own verdict and explanation.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


def _compile(schema: dict[str, Any]) -> Any:
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@lru_cache(maxsize=1)
def _validator() -> Any:
    """Rasa's action-answer schema, meta-checked once, as a ready validator."""
    return _compile(RemoteAction.action_response_format_spec())


@lru_cache(maxsize=1)
def _by_kind() -> tuple[Any, dict[str, Any]]:
    """(the answer without its events' details, {event kind: validator of one event}),
    built from Rasa's schema so that it follows Rasa's version."""
    schema = RemoteAction.action_response_format_spec()
    event = schema["properties"]["events"]["items"]
    common = {key: value for key, value in event.items() if key != "oneOf"}
    kinds = {sub["properties"]["event"]["const"]: _compile({"allOf": [common, sub]})
             for sub in event["oneOf"]}
    outer = {**schema, "properties": {**schema["properties"], "events": {"type": "array"}}}
    return _compile(outer), kinds


def _plainly_valid(result: Any) -> bool:
    """True only when the full schema would accept ``result`` (see the module docstring)."""
    outer, kinds = _by_kind()
    if not outer.is_valid(result):
        return False
    for event in result.get("events") or ():
        kind = event.get("event") if isinstance(event, dict) else None
        check = kinds.get(kind) if isinstance(kind, str) else None
        if check is None or not check.is_valid(event):
            return False
    return True


def validate_action_result(_action: RemoteAction, result: dict[str, Any]) -> bool:
    """Drop-in for `RemoteAction._validate_action_result` (same result, same error)."""
    if _plainly_valid(result):
        return True
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
