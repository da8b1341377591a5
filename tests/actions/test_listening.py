"""action_reflect: say back, one open question, slots merged; summary corrections."""
from __future__ import annotations

from actions import wording
from actions.listening import ActionReflect
from tests.actions.factories import intake, make_tracker, member, run, texts

MOTHER = member("mother", {"min": 80, "max": 89}, ["elderly_care"], ["物忘れが進んでいる"])


def test_first_worry_shows_the_notice_then_reflects_and_asks_one_question(slot_set):
    nlu = intake(["elderly_care"], [MOTHER], writer="self")
    tracker = make_tracker("80代の母の物忘れが進んでいる", nlu=nlu, slots={"notice_shown": False})
    messages, events = run(ActionReflect(), tracker)
    assert texts(messages) == [
        wording.text("opening", "notice"),
        "お母さまのこと、「物忘れが進んでいる」と受け止めました。\nいま、いちばん気がかりなのはどんなことですか。",
    ]
    # first contact: the opening also offers やさしい日本語
    assert messages[1]["buttons"] == wording.buttons(["話し終わりました", "やさしい にほんご"])
    assert events == [
        slot_set("notice_shown", True),
        slot_set("household", [MOTHER]),
        slot_set("categories", ["elderly_care"]),
        slot_set("writer", "self"),
        slot_set("crisis", {"level": "none", "types": []}),
        slot_set("listen_turns", 1.0),
        slot_set("stage", "listening"),
    ]


def test_no_counter_is_named_while_listening():
    tracker = make_tracker("母の介護と兄のひきこもり", nlu=intake(["elderly_care", "hikikomori"]))
    messages, _ = run(ActionReflect(), tracker)
    assert not any("センター" in t or "相談室" in t or "課" in t for t in texts(messages))


def test_correction_after_the_summary_shows_the_summary_again(slot_set):
    brother = member("older_brother", {"min": 50, "max": 59}, ["hikikomori"])
    tracker = make_tracker("兄じゃなくて弟です", intent="correct",
                           nlu=intake(members=[member("older_brother")]),
                           slots={"stage": "summary", "household": [brother], "categories": ["hikikomori"],
                                  "writer": "family"})
    messages, events = run(ActionReflect(), tracker)
    fixed = member("younger_brother", {"min": 50, "max": 59}, ["hikikomori"])
    assert texts(messages) == [
        "弟さんですね。直しておきます。",
        "ここまでうかがったことを、まとめます。\n・弟さん（50代）：ひきこもり",
        "この内容で合っていますか。",
    ]
    assert events == [
        slot_set("household", [fixed]),
        slot_set("categories", ["hikikomori"]),
        slot_set("writer", "family"),
        slot_set("crisis", {"level": "none", "types": []}),
        slot_set("stage", "summary"),
    ]


def test_works_without_an_nlu_result():
    messages, events = run(ActionReflect(), make_tracker("聞いてほしいことがあります"))
    assert texts(messages)[0].startswith("お話しくださって、ありがとうございます。")
    assert events[-1] == {"event": "slot", "timestamp": None, "name": "stage", "value": "listening"}
