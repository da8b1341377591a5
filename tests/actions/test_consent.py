"""Consent: one sentence stored verbatim; contact preference; refusal hands nothing over."""
from __future__ import annotations

import pytest

from actions import wording
from actions.consent import ActionAskConsent, ActionConsentGiven, ActionConsentRefused, ActionSetContact
from actions.contact import phone_number, preference_of
from tests.actions.factories import make_tracker, member, run, texts

QUESTION = "この内容を岐阜市の担当者に伝えてもよいですか。"


def test_ask_consent_is_one_sentence_with_yes_no(slot_set):
    messages, events = run(ActionAskConsent(), make_tracker("はい", intent="affirm"))
    assert texts(messages) == [QUESTION]
    assert messages[0]["buttons"] == wording.buttons(["はい", "いいえ"])
    assert events == [slot_set("consent", {"share_with_staff": None, "at": None, "wording": QUESTION}),
                      slot_set("stage", "consent")]


def test_ask_human_on_the_first_turn_shows_the_notice_first():
    messages, _ = run(ActionAskConsent(), make_tracker("人と話したい", intent="ask_human",
                                                      slots={"notice_shown": False}))
    assert texts(messages) == [wording.text("opening", "notice"), QUESTION]


def test_consent_given_records_time_and_wording(slot_set):
    tracker = make_tracker("はい", intent="affirm", slots={
        "stage": "consent", "consent": {"share_with_staff": None, "at": None, "wording": QUESTION}})
    messages, events = run(ActionConsentGiven(), tracker)
    consent = events[0]["value"]
    assert consent["share_with_staff"] is True and consent["wording"] == QUESTION
    assert consent["at"].endswith("+00:00")
    assert events[1:] == [slot_set("stage", "contact")]
    assert texts(messages) == ["担当者からの連絡は、どの方法がよいですか。"]
    assert messages[0]["buttons"] == wording.buttons(["LINE", "電話", "訪問", "連絡はいらない"])


def test_consent_refused_lets_go_of_the_household(slot_set):
    tracker = make_tracker("いいえ", intent="deny", slots={
        "stage": "consent", "household": [member("mother")], "categories": ["elderly_care"],
        "counters_explained": ["地域包括支援センター"],
        "consent": {"share_with_staff": None, "at": None, "wording": QUESTION}})
    messages, events = run(ActionConsentRefused(), tracker)
    assert events[0]["value"]["share_with_staff"] is False
    assert events[1:] == [slot_set("household", []), slot_set("categories", []), slot_set("writer", None),
                          slot_set("concerned_person_aware", None), slot_set("no_contact_times", None),
                          slot_set("stage", "refused")]
    text = texts(messages)[0]
    assert "この内容は担当者には伝えません" in text
    assert "地域包括支援センター" in text
    assert "岐阜市のホームページ" in text


@pytest.mark.parametrize(("text", "preferred"), [
    ("LINE", "line"), ("ラインでお願いします", "line"), ("電話", "phone"), ("訪問", "visit"),
    ("家に来てほしいです", "visit"), ("連絡はいらない", "none"), ("090-1234-5678", "phone"), ("えーと", None),
])
def test_preference_of(text, preferred):
    assert preference_of(text) == preferred


def test_phone_number_full_width():
    assert phone_number("０９０ー１２３４ー５６７８です") == "090-1234-5678"
    assert phone_number("番号は書かずに進む") is None


@pytest.mark.parametrize(("text", "contact", "stage"), [
    ("LINE", {"preferred": "line", "detail": ""}, "handoff"),
    ("訪問", {"preferred": "visit", "detail": ""}, "handoff"),
    ("連絡はいらない", {"preferred": "none", "detail": ""}, "handoff"),
    ("電話で、090-1234-5678です", {"preferred": "phone", "detail": "090-1234-5678"}, "handoff"),
    ("電話", {"preferred": "phone", "detail": ""}, "contact_detail"),
])
def test_set_contact(slot_set, text, contact, stage):
    messages, events = run(ActionSetContact(), make_tracker(text, intent="choose_contact",
                                                            slots={"stage": "contact"}))
    assert events == [slot_set("contact", contact), slot_set("stage", stage)]
    if stage == "contact_detail":
        assert texts(messages) == ["連絡してよい電話番号を教えていただけますか。"]
    else:
        assert messages == []


def test_set_contact_unclear_asks_again(slot_set):
    messages, events = run(ActionSetContact(), make_tracker("うーん", intent="choose_contact",
                                                            slots={"stage": "contact"}))
    assert events == [slot_set("stage", "contact")]
    assert texts(messages) == ["担当者からの連絡は、どの方法がよいですか。"]


@pytest.mark.parametrize(("text", "detail"), [("058-123-4567", "058-123-4567"), ("番号は書かずに進む", "")])
def test_phone_detail(slot_set, text, detail):
    _, events = run(ActionSetContact(), make_tracker(text, intent="give_phone",
                                                     slots={"stage": "contact_detail"}))
    assert events == [slot_set("contact", {"preferred": "phone", "detail": detail}),
                      slot_set("stage", "handoff")]
