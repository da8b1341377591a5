"""rasa_ext: the once-compiled check of action answers and the event table keep Rasa's answers."""
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


def test_event_table_gives_rasas_class_for_every_event_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.shared.core.events import Event, SlotSet, UserUttered
    from rasa.shared.utils.common import all_subclasses

    from rasa_ext import event_types

    rasas_own = Event.resolve_by_type
    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(rasas_own))  # restored afterwards
    event_types.install()
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is rasas_own(cls.type_name)
    assert Event.resolve_by_type("topic") is None  # Rasa's backwards-compatible answer
    assert Event.resolve_by_type("no_such", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such")
    events = [{"event": "user", "text": "こんにちは", "parse_data": {"intent": {"name": "greet"}}},
              {"event": "slot", "name": "stage", "value": "x"}]
    assert [type(Event.from_parameters(e)) for e in events] == [UserUttered, SlotSet]
