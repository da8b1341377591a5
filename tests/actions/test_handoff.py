"""action_handoff: the contract §6 record, sent before the text of what happens next."""
from __future__ import annotations

from datetime import datetime

from actions import wording
from actions.handoff import ActionHandoff
from actions.handoff_record import channel_of, record_id_for, resident_words
from tests.actions.factories import make_tracker, member, run, texts

CONSENT = {"share_with_staff": True, "at": "2026-11-28T03:00:00+00:00",
           "wording": "この内容を岐阜市の担当者に伝えてもよいですか。"}
MOTHER = member("mother", {"min": 80, "max": 89}, ["elderly_care"], ["物忘れ"])


def user(text):
    return {"event": "user", "text": text, "parse_data": {"text": text}}


def bot(text):
    return {"event": "bot", "text": text}


SLOTS = {"stage": "handoff", "consent": CONSENT, "contact": {"preferred": "phone", "detail": "090-1234-5678"},
         "household": [MOTHER], "categories": ["elderly_care"], "writer": "family",
         "crisis": {"level": "none", "types": []}, "counters_explained": ["地域包括支援センター"]}


def test_record_then_text(slot_set):
    history = [user("/restart"), user("母の物忘れが心配です"), bot("…"), user("以上です"), user("はい"),
               user("はい")]
    tracker = make_tracker("090-1234-5678", intent="give_phone", slots=SLOTS, events=history)
    messages, events = run(ActionHandoff(), tracker)
    record = messages[0]["custom"]["handoff"]
    assert texts(messages) == [wording.text("dialogue", "handoff_done")]
    assert record["id"] == record_id_for(tracker.sender_id, SLOTS["consent"])  # stable on resend
    datetime.fromisoformat(record["created_at"])
    assert {k: v for k, v in record.items() if k not in ("id", "created_at", "summary_ja")} == {
        "channel": "web",
        "status": "new",
        "consent": CONSENT,
        "contact": {"preferred": "phone", "detail": "090-1234-5678"},
        "household": [MOTHER],
        "categories": ["elderly_care"],
        "crisis": {"level": "none", "types": []},
        "counters_explained": ["地域包括支援センター"],
        "resident_words": ["母の物忘れが心配です", "以上です", "はい", "はい", "090-1234-5678"],
        "writer": "family",
        "concerned_person_aware": None,
        "no_contact_times": None,
    }
    assert record["summary_ja"].startswith(
        "ご家族からの相談です。世帯・関係者：母80代（物忘れ、高齢・介護）。")
    assert events == [slot_set("handoff_id", record["id"]), slot_set("stage", "done")]


def test_no_contact_wording():
    tracker = make_tracker("連絡はいらない", intent="choose_contact",
                           slots={**SLOTS, "contact": {"preferred": "none", "detail": ""}})
    messages, _ = run(ActionHandoff(), tracker)
    assert texts(messages) == [wording.text("dialogue", "handoff_done_no_contact")]


def test_never_without_consent(slot_set):
    tracker = make_tracker("LINE", intent="choose_contact", slots={**SLOTS, "consent": None})
    messages, events = run(ActionHandoff(), tracker)
    assert not any(m.get("custom") for m in messages)
    assert events == [slot_set("stage", "refused")]


def test_channel_of():
    assert channel_of("rest", {}) == "web"
    assert channel_of("rest", {"channel": "line"}) == "line"
    assert channel_of("line", None) == "line"


def test_resident_words_start_after_restart_and_after_a_refusal():
    events = [user("前の話"), {"event": "restart"}, user("母のこと"),
              {"event": "slot", "name": "consent", "value": {"share_with_staff": False}},
              user("やっぱり伝えたい"), user("/greet")]
    assert resident_words(events) == ["やっぱり伝えたい"]


def test_a_rewound_turn_counts_once_when_resent():
    """The gateway rewinds a turn it could not finish; the resent words are kept once."""
    events = [user("母のこと"), user("LINE"), {"event": "rewind"}, user("LINE"),
              user("/greet"), {"event": "rewind"}]
    assert resident_words(events) == ["母のこと", "LINE"]


def test_the_record_id_is_stable_for_one_consent():
    """A resent handoff turn (after the gateway rewound it) carries the same id."""
    consent = {"share_with_staff": True, "at": "2026-11-28T10:00:00+00:00"}
    assert record_id_for("s1", consent) == record_id_for("s1", dict(consent))
    assert record_id_for("s2", consent) != record_id_for("s1", consent)
    assert record_id_for("s1", {**consent, "at": "2026-11-28T11:00:00+00:00"}) != record_id_for("s1", consent)
    assert record_id_for("s1", {}) != record_id_for("s1", {})
