"""action_handoff: the contract §6 record, sent before the text of what happens next."""
from __future__ import annotations

import uuid
from datetime import datetime

from actions import wording
from actions.handoff import ActionHandoff
from actions.handoff_record import channel_of, resident_words
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
    assert uuid.UUID(record["id"]).version == 4
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
