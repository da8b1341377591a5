"""Issue 9 "Reach" in the actions: who writes (§9), やさしい日本語, safety at home."""
from __future__ import annotations

import pytest

from actions import wording
from actions.concerned import ActionSetAware, awareness_of
from actions.consent import ActionAskConsent, ActionConsentGiven, ActionSetContact
from actions.counters import ActionExplainCounters
from actions.handoff import ActionHandoff
from actions.handoff_record import build_record
from actions.listening import ActionReflect
from actions.safety import ActionSetNoContact, no_contact_times_of
from actions.smalltalk import ActionAskPending, ActionShortAnswer, ActionUseEasyJapanese
from knowledge.easy_japanese import check_easy
from tests.actions.factories import intake, make_tracker, member, run, texts

AWARE_BUTTONS = wording.buttons(["知っている", "知らない", "わからない"])
CONSENTED = {"share_with_staff": True, "at": "2026-11-28T10:00:00+09:00", "wording": "…"}

# ── who writes (contract §9) ──────────────────────────────────────────────────

WRITERS = [
    ("50歳の息子が仕事をやめてずっと家にいます", "family",
     member("son", {"min": 50, "max": 50}, ["poverty"])),
    ("民生委員です。近所の一人暮らしの男性が食べるものに困っています", "neighbour",
     member("other", None, ["poverty"])),
    ("中学校の教員です。生徒が祖母の介護をしています", "professional",
     member("grandmother", None, ["elderly_care"])),
]


@pytest.mark.parametrize(("text", "writer", "who"), WRITERS, ids=["mother", "minsei_iin", "teacher"])
def test_someone_writing_for_another_is_thanked_and_asked_once(slot_set, text, writer, who):
    tracker = make_tracker(text, nlu=intake(who["categories"], [who], writer=writer))
    messages, events = run(ActionReflect(), tracker)
    assert len(messages) == 1
    lines = messages[0]["text"].splitlines()
    assert lines[-2] == wording.text("writer", "thanks_other")
    assert lines[-1] == "ご本人は、この相談のことを知っていますか。"  # the one question of the turn
    assert sum(line.count("か。") for line in lines) == 1
    assert messages[0]["buttons"] == AWARE_BUTTONS
    assert events[-2:] == [slot_set("aware_asked", True), slot_set("stage", "aware")]
    # asked once: the next worry gets the usual open question
    again = make_tracker("それと", nlu=intake(["poverty"], writer=writer),
                         slots={"writer": writer, "aware_asked": True, "stage": "aware"})
    messages, events = run(ActionReflect(), again)
    assert "知っていますか" not in messages[0]["text"]
    assert events[-1] == slot_set("stage", "listening")


@pytest.mark.parametrize("writer", ["self", "unknown"])
def test_the_person_concerned_is_not_asked(writer):
    tracker = make_tracker("生活が苦しいです", nlu=intake(["poverty"], writer=writer))
    messages, _ = run(ActionReflect(), tracker)
    assert "知っていますか" not in messages[0]["text"]


@pytest.mark.parametrize(("answer", "expected"), [
    ("知っている", True), ("知らない", False), ("わからない", None), ("はい", True), ("いいえ", False),
    ("本人には内緒です", False), ("本人に頼まれて書いています", True), ("たぶん知らないと思います", None),
    ("しって いる", True),
])
def test_awareness_answers(slot_set, answer, expected):
    assert awareness_of(answer) == expected
    tracker = make_tracker(answer, intent="concerned_aware",
                           slots={"stage": "aware", "writer": "family", "aware_asked": True})
    messages, events = run(ActionSetAware(), tracker)
    assert slot_set("concerned_person_aware", expected) in events
    assert events[-1] == slot_set("stage", "listening")
    if len(answer) <= 12:  # a bare answer adds nothing to the household (NLU false alarms)
        assert not any(e["name"] == "categories" for e in events)
    # 「しって いる」 is easy Japanese, so its answer is easy too
    thanks = {wording.text("writer", "aware_thanks", easy) for easy in (False, True)}
    assert texts(messages)[0].splitlines()[0] in thanks
    assert messages[0]["buttons"][0]["title"] in ("話し終わりました", "おわりました")


def test_more_worries_instead_of_an_answer_are_listened_to(slot_set):
    tracker = make_tracker("医療費も大変で、生活が苦しいです", nlu=intake(["poverty"], writer="family"),
                           intent="nlu_fallback", slots={"stage": "aware", "writer": "family",
                                                         "aware_asked": True, "categories": ["elderly_care"]})
    _, events = run(ActionSetAware(), tracker)
    assert slot_set("categories", ["elderly_care", "poverty"]) in events
    assert not any(e["name"] == "concerned_person_aware" for e in events)
    assert events[-1] == slot_set("stage", "listening")


def test_an_answer_that_is_not_one_leaves_null(slot_set):
    tracker = make_tracker("😢", intent="nlu_fallback", slots={"stage": "aware", "writer": "family"})
    _, events = run(ActionSetAware(), tracker)
    assert not any(e["name"] == "concerned_person_aware" for e in events)
    assert events[-1] == slot_set("stage", "listening")


def test_aware_answer_without_a_question_pending_is_not_recorded():
    messages, events = run(ActionSetAware(), make_tracker("知らない", intent="concerned_aware"))
    assert events == [] and texts(messages)


@pytest.mark.parametrize("writer", ["family", "neighbour", "professional"])
def test_consent_asks_the_writer_about_what_they_told(writer):
    messages, events = run(ActionAskConsent(), make_tracker("はい", intent="affirm", slots={
        "writer": writer, "stage": "summary"}))
    question = wording.text("consent", "question_for_other")
    assert texts(messages) == [question]
    assert "あなたがここに書いてくださった内容" in question
    assert "代わりに決めていただくことではありません" in question
    assert events[0]["value"]["wording"] == question  # stored verbatim
    # the wording shown is the wording recorded when they say yes
    given = make_tracker("はい", intent="affirm", slots={"writer": writer, "stage": "consent",
                                                       "consent": events[0]["value"]})
    _, events = run(ActionConsentGiven(), given)
    assert events[0]["value"]["wording"] == question


def test_the_resident_themself_gets_the_usual_consent_sentence():
    messages, _ = run(ActionAskConsent(), make_tracker("はい", slots={"writer": "self"}))
    assert texts(messages) == [wording.text("consent", "question")]


@pytest.mark.parametrize(("writer", "aware", "expected"), [
    ("family", False, False), ("neighbour", True, True), ("professional", None, None), ("self", True, None),
])
def test_record_carries_writer_and_awareness(writer, aware, expected):
    record = build_record({"writer": writer, "concerned_person_aware": aware, "consent": CONSENTED},
                          [], "rest", {})
    assert record["writer"] == writer
    assert record["concerned_person_aware"] is expected


# ── safety for people at risk at home ─────────────────────────────────────────


@pytest.mark.parametrize(("channel", "expected", "absent"), [
    ("line", "LINEのこのトークの履歴", "すぐに閉じる"),
    ("web", "すぐに閉じる", "トークの履歴"),
])
def test_dv_gets_safety_notes_once(slot_set, channel, expected, absent):
    husband = member("husband", None, ["dv"])
    tracker = make_tracker("夫から毎日怒鳴られます", nlu=intake(["dv"], [husband], writer="self"),
                           metadata={"channel": channel})
    messages, events = run(ActionReflect(), tracker)
    notes = texts(messages)[0]
    assert wording.text("safety", "intro") in notes and expected in notes and absent not in notes
    assert "通知のプレビュー" in notes
    assert texts(messages)[-1].endswith("か。")  # then the one question
    assert slot_set("safety_shown", True) in events
    shown = make_tracker("夫から毎日怒鳴られます", nlu=intake(["dv"], [husband]),
                         slots={"safety_shown": True})
    messages, _ = run(ActionReflect(), shown)
    assert not any(wording.text("safety", "intro") in t for t in texts(messages))


AT_RISK = {"categories": ["dv"], "consent": CONSENTED, "stage": "contact"}


def test_at_risk_the_contact_step_asks_when_not_to_contact(slot_set):
    messages, events = run(ActionSetContact(), make_tracker("LINE", intent="choose_contact", slots={
        **AT_RISK, "safety_shown": True}))
    assert texts(messages) == [wording.text("consent", "no_contact_question")]
    assert messages[-1]["buttons"] == wording.buttons(["特にない"])
    assert events[-2:] == [slot_set("no_contact_asked", True), slot_set("stage", "no_contact")]


def test_safety_notes_come_before_the_question_if_not_yet_shown():
    slots = {**AT_RISK, "categories": [], "crisis": {"level": "urgent", "types": ["abuse"]}}
    messages, _ = run(ActionSetContact(), make_tracker("LINE", intent="choose_contact", slots=slots))
    assert texts(messages)[0].startswith(wording.text("safety", "intro"))


def test_no_question_when_no_contact_is_wanted(slot_set):
    tracker = make_tracker("連絡はいらない", intent="choose_contact", slots=AT_RISK)
    _, events = run(ActionSetContact(), tracker)
    assert events[-1] == slot_set("stage", "handoff")


def test_after_the_phone_number_the_question_comes(slot_set):
    slots = {**AT_RISK, "stage": "contact_detail", "contact": {"preferred": "phone", "detail": ""}}
    _, events = run(ActionSetContact(), make_tracker("090-1234-5678", intent="give_phone", slots=slots))
    assert events[0] == slot_set("contact", {"preferred": "phone", "detail": "090-1234-5678"})
    assert events[-1] == slot_set("stage", "no_contact")


@pytest.mark.parametrize(("answer", "expected"), [
    ("平日の夜と土日はやめてください", "平日の夜と土日はやめてください"),
    ("特にない", None), ("とくに ない", None), ("特にありません。", None), ("ないです", None),
    ("夜はよくありません", "夜はよくありません"), ("夫がいる18時以降", "夫がいる18時以降"),
])
def test_no_contact_times_are_kept_verbatim(slot_set, answer, expected):
    assert no_contact_times_of(answer) == expected
    tracker = make_tracker(answer, slots={**AT_RISK, "stage": "no_contact"})
    messages, events = run(ActionSetNoContact(), tracker)
    assert events[-2:] == [slot_set("no_contact_times", expected), slot_set("stage", "handoff")]
    assert messages == []  # the record comes first (action_handoff), then any text


def test_handoff_record_carries_no_contact_times():
    tracker = make_tracker("平日の夜はやめてください", slots={
        **AT_RISK, "stage": "handoff", "contact": {"preferred": "line", "detail": ""},
        "no_contact_times": "平日の夜はやめてください"})
    messages, _ = run(ActionHandoff(), tracker)
    record = messages[0]["custom"]["handoff"]
    assert record["no_contact_times"] == "平日の夜はやめてください"
    assert texts(messages)[0] == ("「平日の夜はやめてください」ですね。"
                                  "その時間には連絡しないよう、担当者に伝えます。")
    assert "連絡してはいけない時間：平日の夜はやめてください。" in record["summary_ja"]


# ── やさしい日本語 ──────────────────────────────────────────────────────────────

EASY_TEXT = "わたしの おかあさんは 80さいです。 ものわすれが あります。"


def assert_easy(messages):
    """Every text the resident reads is easy; counter names (after 「・」) are proper nouns."""
    for text in texts(messages):
        lines = [line for line in text.splitlines() if not line.startswith("・")]
        assert check_easy("\n".join(lines)) == [], text
    for message in messages:
        for button in message.get("buttons") or []:
            assert check_easy(button["title"]) == []


def test_an_easy_writer_gets_easy_answers_and_the_slot(slot_set):
    mother = member("mother", {"min": 80, "max": 80}, ["elderly_care"])
    tracker = make_tracker(EASY_TEXT, nlu=intake(["elderly_care"], [mother]), slots={"notice_shown": False})
    messages, events = run(ActionReflect(), tracker)
    assert events[0] == slot_set("easy_japanese", True)
    assert texts(messages)[0] == wording.text("opening", "notice", easy=True)
    assert "やさしい にほんご" not in [b["title"] for b in messages[-1]["buttons"]]
    assert_easy(messages)


def test_easy_stays_on_for_later_plain_messages():
    tracker = make_tracker("はい", intent="affirm", slots={"easy_japanese": True, "stage": "summary",
                                                          "categories": ["elderly_care", "poverty"]})
    for action in (ActionExplainCounters(), ActionAskConsent()):
        messages, events = run(action, tracker)
        assert_easy(messages)
        assert not any(e.get("name") == "easy_japanese" for e in events)
    messages, _ = run(ActionExplainCounters(), tracker)
    assert "地域包括支援センター" in texts(messages)[0]  # the name, explained in easy words below it


def test_the_opening_offers_easy_japanese_and_choosing_it(slot_set):
    messages, _ = run(ActionAskPending(), make_tracker("こんにちは", intent="greet"))
    assert messages[-1]["buttons"] == wording.buttons(["やさしい にほんご"])
    messages, events = run(ActionUseEasyJapanese(), make_tracker("やさしい にほんご", intent="choose_easy"))
    assert slot_set("easy_japanese", True) in events
    assert texts(messages)[0] == wording.text("opening", "easy_chosen", easy=True)
    assert texts(messages)[-1] == wording.text("opening", "invite", easy=True)
    assert messages[-1]["buttons"] == []
    assert_easy(messages)


@pytest.mark.parametrize("intent", ["thanks", "goodbye", "come_back", "emoji_only", "ask_privacy",
                                    "out_of_scope", "continue_talking", "affirm"])
def test_short_answers_have_both_versions(intent):
    plain, _ = run(ActionShortAnswer(), make_tracker("…", intent=intent))
    easy, _ = run(ActionShortAnswer(), make_tracker("…", intent=intent, slots={"easy_japanese": True}))
    assert texts(plain) and texts(easy)
    assert texts(plain) != texts(easy) or intent == "affirm"  # 「わかりました。」 is easy already
    assert_easy(easy)
