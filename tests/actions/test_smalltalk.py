"""The opening, the restart, the pending question, nlu_fallback."""
from __future__ import annotations

import pytest

from actions import wording
from actions.fallback import ActionFallback
from actions.smalltalk import ActionAskPending, ActionGreet, ActionRestart
from tests.actions.factories import intake, make_tracker, member, run, texts

NOTICE = wording.text("opening", "notice")
INVITE = wording.text("opening", "invite")


def test_greet_first_contact_is_the_notice_then_the_invitation(slot_set):
    tracker = make_tracker("こんにちは", intent="greet", slots={"notice_shown": False})
    messages, events = run(ActionGreet(), tracker)
    assert texts(messages) == [NOTICE, INVITE]
    assert events == [slot_set("notice_shown", True)]


def test_greet_again():
    messages, events = run(ActionGreet(), make_tracker("こんにちは", intent="greet"))
    assert texts(messages) == [wording.text("opening", "greet"), INVITE]
    assert events == []


def test_greet_with_a_worry_is_listened_to():
    nlu = intake(["elderly_care"], [member("mother", None, ["elderly_care"])])
    messages, _ = run(ActionGreet(), make_tracker("こんにちは、母の介護のことで", intent="greet", nlu=nlu))
    assert texts(messages)[0].startswith("お母さまの介護のことが気がかりなのですね。")


def test_restart(slot_set):
    messages, events = run(ActionRestart(), make_tracker("/restart", intent="restart"))
    assert texts(messages) == [wording.text("opening", "restart"), NOTICE, INVITE]
    assert events == [{"event": "restart", "timestamp": None}, slot_set("notice_shown", True)]


@pytest.mark.parametrize(("stage", "expected"), [
    ("listening", INVITE),
    ("summary", "先ほどのまとめは、合っていますか。"),
    ("consent", "この内容を岐阜市の担当者に伝えてもよいですか。"),
    ("contact", "担当者からの連絡は、どの方法がよいですか。"),
    ("contact_detail", "連絡してよい電話番号を教えていただけますか。"),
    ("done", wording.text("dialogue", "after_handoff")),
    ("refused", wording.text("dialogue", "after_refusal")),
])
def test_pending_question_by_stage(stage, expected):
    tracker = make_tracker("ありがとう", intent="thanks", slots={"stage": stage})
    messages, events = run(ActionAskPending(), tracker)
    assert texts(messages) == [expected]
    assert events == []


def test_pending_on_first_contact_shows_the_notice(slot_set):
    tracker = make_tracker("😢", intent="emoji_only", slots={"notice_shown": False})
    messages, events = run(ActionAskPending(), tracker)
    assert texts(messages) == [NOTICE, INVITE]
    assert events == [slot_set("notice_shown", True)]


def test_fallback_kind_and_asks_again():
    messages, events = run(ActionFallback(), make_tracker("あれがそれで", intent="nlu_fallback"))
    assert texts(messages) == [wording.text("dialogue", "default"), wording.text("dialogue", "ask_rephrase")]
    assert events == []


def test_fallback_emoji_only_in_consent_asks_the_consent_again():
    tracker = make_tracker("🙏🙏", intent="nlu_fallback", slots={"stage": "consent"})
    messages, _ = run(ActionFallback(), tracker)
    assert texts(messages) == [wording.text("dialogue", "emoji"),
                               "この内容を岐阜市の担当者に伝えてもよいですか。"]


def test_fallback_with_a_worry_listens():
    tracker = make_tracker("家賃が", intent="nlu_fallback", nlu=intake(["housing"]))
    messages, events = run(ActionFallback(), tracker)
    assert texts(messages)[0].startswith("住まいのことで、困っていらっしゃるのですね。")
    assert events[-1]["name"] == "stage"
