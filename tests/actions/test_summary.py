"""action_summarize and action_ask_fix."""
from __future__ import annotations

from actions.summary import ActionAskFix, ActionSummarize
from tests.actions.factories import intake, make_tracker, member, run, texts

HOUSEHOLD = [member("mother", {"min": 80, "max": 89}, ["elderly_care"], ["物忘れ"]),
             member("older_brother", {"min": 50, "max": 59}, ["hikikomori"])]


def test_summary_per_person_then_the_question(slot_set):
    tracker = make_tracker("以上です", intent="finished", nlu=intake(),
                           slots={"household": HOUSEHOLD, "categories": ["elderly_care", "hikikomori"],
                                  "writer": "family"})
    messages, events = run(ActionSummarize(), tracker)
    assert texts(messages) == [
        "ここまでうかがったことを、まとめます。\n・お母さま（80代）：高齢・介護（「物忘れ」）\n"
        "・お兄さま（50代）：ひきこもり",
        "この内容で合っていますか。",
    ]
    assert messages[1]["buttons"] == [{"title": "はい", "payload": "はい"},
                                      {"title": "ちがいます", "payload": "ちがいます"}]
    assert events == [
        slot_set("household", HOUSEHOLD),
        slot_set("categories", ["elderly_care", "hikikomori"]),
        slot_set("writer", "family"),
        slot_set("crisis", {"level": "none", "types": []}),
        slot_set("stage", "summary"),
    ]


def test_nothing_to_summarize_invites_to_speak(slot_set):
    messages, events = run(ActionSummarize(), make_tracker("以上です", intent="finished"))
    assert texts(messages) == ["まだ、くわしいお話をうかがえていないようです。",
                               "いま気になっていることを、書けるところから書いてください。"]
    assert events[-1] == slot_set("stage", "listening")


def test_ask_fix_asks_what_to_fix():
    messages, events = run(ActionAskFix(), make_tracker("ちがいます", intent="deny", nlu=intake(),
                                                        slots={"stage": "summary", "household": HOUSEHOLD}))
    assert texts(messages) == [
        "教えてくださってありがとうございます。どこを直せばよいか、書いていただけますか。"]
    assert events == []


def test_ask_fix_applies_a_fix_given_with_it(slot_set):
    tracker = make_tracker("いいえ、母は70代です", intent="deny", nlu=intake(),
                           slots={"stage": "summary", "household": HOUSEHOLD,
                                  "categories": ["elderly_care", "hikikomori"]})
    messages, events = run(ActionAskFix(), tracker)
    assert texts(messages)[0] == "お母さまは70代なのですね。"
    assert "・お母さま（70代）：高齢・介護（「物忘れ」）" in texts(messages)[1]
    assert events[-1] == slot_set("stage", "summary")
