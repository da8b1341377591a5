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


def _every_kind() -> list[dict]:
    """One minimal event of every kind in Rasa's schema, plus realistic full ones."""
    from rasa.shared.utils.schemas.events import EVENT_SCHEMA

    minimal = [{"event": sub["properties"]["event"]["const"]} for sub in EVENT_SCHEMA["oneOf"]]
    full = [
        {"event": "slot", "name": "stage", "value": {"a": [1, None]}, "timestamp": 1.5, "metadata": {}},
        {"event": "user", "text": "こんにちは", "parse_data": {"intent": {"name": "greet", "confidence": 0.9},
                                                          "entities": [{"entity": "e", "value": 1}]}},
        {"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0,
         "hide_rule_turn": False},
        {"event": "bot", "text": "はい", "data": {"buttons": []}, "metadata": {"utter_action": "utter_x"}},
        {"event": "entities", "entities": [{"entity": "e", "value": "v", "start": 0, "end": 1}]},
    ]
    return minimal + full


def _variants() -> list[dict]:
    """Good answers and every way we could think of to spoil one."""
    kinds = _every_kind()
    spoiled = [
        {"event": "slot", "name": "stage"},                     # slot without value
        {"event": "slot", "name": 3, "value": 1},               # name not a string
        {"event": "user", "text": 5},                           # text not a string
        {"event": "action", "hide_rule_turn": "no"},            # not a boolean
        {"event": "bot", "timestamp": "yesterday"},             # timestamp not a number
        {"event": "bot", "metadata": []},                       # metadata not an object
        {"event": "entities"},                                  # entities missing
        {"event": "entities", "entities": [{"entity": "e"}]},   # entity without value
        {"event": "no_such_event"}, {"event": 7}, {"name": "stage"}, {}, [], "slot", None,
        {"event": "user", "parse_data": {"response_selector": {"all_retrieval_intents": "x"}}},
    ]
    answers = [{"events": [event]} for event in kinds + spoiled]
    answers += [{"events": kinds, "responses": [{"text": "はい"}]}, {"events": [*kinds, spoiled[0]]},
                {}, {"events": []}, {"events": None}, {"responses": [1]}, {"events": {"event": "slot"}},
                [], "x"]
    return answers


@pytest.mark.parametrize("answer", _variants())
def test_the_fast_check_gives_rasas_own_verdict(answer: dict) -> None:
    """Per-kind validation accepts exactly what Rasa's full oneOf schema accepts."""
    def verdict(check) -> bool:
        try:
            return check(answer) is True
        except ValidationError:
            return False

    rasas = verdict(lambda a: RASAS_OWN(RemoteAction("action_x", None), a))
    assert verdict(lambda a: validate_action_result(None, a)) == rasas  # type: ignore[arg-type]


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
