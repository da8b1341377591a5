"""Wording built from knowledge/wording/*.yaml."""
from __future__ import annotations

import pytest

from actions import wording
from actions.household_state import merge_turn
from knowledge.datafile import KnowledgeError
from tests.actions.factories import intake, member


@pytest.mark.parametrize(("age", "expected"), [
    ({"min": 85, "max": 85}, "85歳"),
    ({"min": 80, "max": 89}, "80代"),
    ({"min": 12, "max": 15}, "12〜15歳"),
    (None, ""),
])
def test_age_text(age, expected):
    assert wording.age_text(age) == expected


def test_reflection_uses_the_residents_words():
    mother = member("mother", {"min": 80, "max": 89}, ["elderly_care"], ["物忘れが進んでいる"])
    text = "80代の母の物忘れが進んでいる"
    result = merge_turn([], [], None, None, intake(["elderly_care"], [mother]), text)
    assert wording.reflection(result) == "お母さまのこと、「物忘れが進んでいる」と受け止めました。"


def test_reflection_of_an_age():
    result = merge_turn([member("mother")], [], None, None,
                        intake(members=[member("mother", {"min": 70, "max": 79})]), "母は70代です")
    assert wording.reflection(result) == "お母さまは70代なのですね。"


def test_reflection_of_worries_without_members():
    result = merge_turn([], [], None, None, intake(["poverty"]), "生活費が足りない")
    assert wording.reflection(result) == "生活費や仕事のことで、困っていらっしゃるのですね。"


def test_reflection_of_a_correction():
    result = merge_turn([member("older_brother")], [], None, None, intake(), "兄じゃなくて弟です")
    assert wording.reflection(result) == "弟さんですね。直しておきます。"


def test_reflection_when_nothing_was_recognised():
    result = merge_turn([], [], None, None, intake(), "うまく言えないんですが")
    assert wording.reflection(result) == "お話しくださって、ありがとうございます。"


def test_follow_up_is_one_question_and_repeats_the_last():
    questions = [wording.follow_up(i) for i in range(10)]
    assert all(q.count("か。") == 1 for q in questions)
    assert questions[-1] == questions[-2]


def test_summary_text_per_person_and_own_worries():
    text = wording.summary_text(
        [member("mother", {"min": 80, "max": 89}, ["elderly_care"], ["物忘れ"]),
         member("older_brother", None, ["hikikomori"])],
        ["elderly_care", "hikikomori", "poverty"])
    assert text.splitlines() == [
        "ここまでうかがったことを、まとめます。",
        "・お母さま（80代）：高齢・介護（「物忘れ」）",
        "・お兄さま：ひきこもり",
        "・あなたご自身：生活困窮・就労",
    ]


def test_caseworker_summary():
    record = {"writer": "family", "household": [member("mother", {"min": 80, "max": 89}, ["elderly_care"])],
              "categories": ["elderly_care", "hikikomori"],
              "crisis": {"level": "urgent", "types": ["suicide"]},
              "contact": {"preferred": "phone", "detail": ""}}
    assert wording.caseworker_summary(record) == (
        "ご家族からの相談です。世帯・関係者：母80代（高齢・介護）。困りごと：高齢・介護、ひきこもり。"
        "複数の分野にまたがる相談です。緊急の訴えあり（希死念慮）。緊急連絡先を案内済みです。"
        "ご本人がこの相談を知っているかは不明です。連絡方法の希望：電話。")


def test_buttons_payload_equals_title():
    assert wording.buttons(["はい", "いいえ"]) == [
        {"title": "はい", "payload": "はい"}, {"title": "いいえ", "payload": "いいえ"}]


def test_missing_key_names_the_file():
    with pytest.raises(KnowledgeError, match=r"consent\.yaml: nothing"):
        wording.text("consent", "nothing")


def test_missing_file_names_the_file():
    with pytest.raises(KnowledgeError, match=r"nosuchfile\.yaml"):
        wording.templates("nosuchfile")
