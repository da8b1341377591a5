"""rasa_ext.action_results: the once-compiled check of action answers keeps Rasa's verdicts."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from rasa_ext.action_results import install, validate_action_result

RASAS_OWN = RemoteAction._validate_action_result  # before any install()
GOOD = {"events": [{"event": "slot", "name": "stage", "value": "listening"}],
        "responses": [{"text": "お話を聞かせてください。"}]}


def test_a_valid_answer_passes() -> None:
    assert validate_action_result(None, GOOD) is True  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [
    {"events": {"event": "slot"}},                       # events not a list
    {"events": [{"event": "no_such_event"}]},            # unknown event kind
    {"responses": "お話を聞かせてください。"},            # responses not a list
])
def test_a_malformed_answer_is_refused_with_rasas_explanation(bad: dict) -> None:
    with pytest.raises(ValidationError):  # Rasa's own check refuses it too
        RASAS_OWN(RemoteAction("action_x", None), bad)
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        validate_action_result(None, bad)  # type: ignore[arg-type]


def test_install_replaces_the_per_call_check_and_agrees_with_rasa(monkeypatch: pytest.MonkeyPatch) -> None:
    action = RemoteAction("action_x", None)
    assert RASAS_OWN(action, GOOD) is True
    monkeypatch.setattr(RemoteAction, "_validate_action_result", RASAS_OWN)  # restored afterwards
    install()
    assert RemoteAction._validate_action_result is validate_action_result
    assert action._validate_action_result(GOOD) is True
    with pytest.raises(ValidationError):
        action._validate_action_result({"events": [{"event": "no_such_event"}]})
