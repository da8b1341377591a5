"""action_crisis: the numbers first, a crisis payload, then the choice."""
from __future__ import annotations

import pytest

from actions import sources, wording
from actions.crisis import ActionCrisis
from tests.actions.factories import intake, make_tracker, run, texts


@pytest.mark.parametrize(("types", "numbers"), [
    (["suicide"], ["0570-783-556", "0120-279-338"]),
    (["violence"], ["110"]),
    (["abuse"], ["189"]),
    (["medical"], ["119"]),
    ([], ["110", "119"]),
])
def test_fitting_numbers_come_first(types, numbers):
    tracker = make_tracker("…", intent="crisis", nlu=intake(crisis_types=types),
                           slots={"notice_shown": False})
    messages, _ = run(ActionCrisis(), tracker)
    first = messages[0]["text"]
    assert first.startswith(wording.text("crisis", "intro"))
    for number in numbers:
        assert number in first
    assert messages[1]["custom"] == {"crisis": {"level": "urgent", "types": types}}
    # at risk at home (violence, abuse): safety notes right after the numbers; then the notice
    after = texts(messages)[1:]
    if set(types) & {"violence", "abuse"}:
        assert after.pop(0).startswith(wording.text("safety", "intro"))
    assert after[0] == wording.text("opening", "notice")
    assert messages[-1]["buttons"] == wording.buttons(
        ["このまま話を続ける", "いますぐ担当者につないでほしい"])


def test_crisis_events(slot_set):
    tracker = make_tracker("死にたい", intent="crisis", nlu=intake(crisis_types=["suicide"]))
    _, events = run(ActionCrisis(), tracker)
    assert events == [
        slot_set("household", []),
        slot_set("categories", []),
        slot_set("writer", "unknown"),
        slot_set("crisis", {"level": "urgent", "types": ["suicide"]}),
        slot_set("stage", "listening"),
    ]


def test_crisis_without_types_from_the_classifier_alone(slot_set):
    _, events = run(ActionCrisis(), make_tracker("もう限界", intent="crisis"))
    assert slot_set("crisis", {"level": "urgent", "types": []}) in events


def test_fallback_list_when_the_directory_fails(monkeypatch):
    import knowledge.hotlines

    def broken(*_args, **_kwargs):
        raise knowledge.hotlines.KnowledgeError("hotlines.yaml: broken")

    monkeypatch.setattr(knowledge.hotlines, "hotlines_for", broken)
    assert ("いのちの電話", "0570-783-556") in sources.hotlines_for(["suicide"])
