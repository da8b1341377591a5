"""Merging members and categories across turns, and the resident's corrections."""
from __future__ import annotations

import pytest

from actions.household_state import (
    clause,
    has_content,
    merge_crisis,
    merge_turn,
    parse_ages,
    parse_corrections,
)
from tests.actions.factories import intake, member


@pytest.mark.parametrize(("text", "expected"), [
    ("兄じゃなくて弟です", [("older_brother", "younger_brother")]),
    ("兄ではなく弟です。", [("older_brother", "younger_brother")]),
    ("すみません、母ではなくて祖母です", [("mother", "grandmother")]),
    ("娘じゃなくて息子です", [("daughter", "son")]),
    ("義母じゃなくて母です", [("mother_in_law", "mother")]),
    ("母の介護をしています", []),
])
def test_parse_corrections(text, expected):
    assert parse_corrections(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("母は70代です", [("mother", {"min": 70, "max": 79})]),
    ("父は８５歳です", [("father", {"min": 85, "max": 85})]),
    ("80代の母がいます", []),
])
def test_parse_ages(text, expected):
    assert parse_ages(text) == expected


def test_members_accumulate_and_merge_by_relation():
    first = merge_turn([], [], None, None, intake(
        ["elderly_care"], [member("mother", {"min": 80, "max": 89}, ["elderly_care"], ["物忘れ"])],
        writer="family"), "80代の母の物忘れ")
    second = merge_turn(first.household, first.categories, first.writer, first.crisis, intake(
        ["hikikomori", "elderly_care"],
        [member("older_brother", {"min": 50, "max": 59}, ["hikikomori"]),
         member("mother", None, ["elderly_care"], ["夜中に家を出てしまう"])]),
        "兄はひきこもりで、母は夜中に…")
    assert second.household == [
        member("mother", {"min": 80, "max": 89}, ["elderly_care"], ["物忘れ", "夜中に家を出てしまう"]),
        member("older_brother", {"min": 50, "max": 59}, ["hikikomori"]),
    ]
    assert second.categories == ["elderly_care", "hikikomori"]
    assert second.writer == "family"


def test_correction_renames_the_member_and_ignores_the_wrong_mention():
    before = [member("older_brother", {"min": 50, "max": 59}, ["hikikomori"], ["部屋から出てこない"])]
    result = merge_turn(before, ["hikikomori"], "family", None,
                        intake(members=[member("older_brother"), member("younger_brother")]),
                        "兄じゃなくて弟です")
    assert result.household == [member("younger_brother", {"min": 50, "max": 59}, ["hikikomori"],
                                       ["部屋から出てこない"])]
    assert result.corrections == [("older_brother", "younger_brother")]


def test_age_correction_without_nlu_age():
    before = [member("mother", {"min": 80, "max": 89}, ["elderly_care"])]
    result = merge_turn(before, ["elderly_care"], "family", None, intake(members=[member("mother")]),
                        "母は70代です")
    assert result.household[0]["age"] == {"min": 70, "max": 79}
    assert result.ages == [("mother", {"min": 70, "max": 79})]


def test_age_from_the_nlu_overrides():
    before = [member("mother", {"min": 80, "max": 89})]
    result = merge_turn(before, [], None, None, intake(members=[member("mother", {"min": 70, "max": 79})]),
                        "母は70代です")
    assert result.household == [member("mother", {"min": 70, "max": 79})]
    assert result.ages == []


def test_two_children_in_one_message_stay_two():
    result = merge_turn([], [], None, None, intake(members=[member("child"), member("child")]), "子ども2人")
    assert [m["relation"] for m in result.household] == ["child", "child"]


def test_writer_keeps_the_first_known():
    result = merge_turn([], [], "family", None, intake(writer="self"), "はい")
    assert result.writer == "family"
    assert merge_turn([], [], None, None, intake(), "はい").writer == "unknown"


def test_crisis_stays_urgent_and_types_accumulate():
    assert merge_crisis({"level": "urgent", "types": ["suicide"]}, {"level": "none", "types": []}) == {
        "level": "urgent", "types": ["suicide"]}
    assert merge_crisis(None, {"level": "urgent", "types": ["violence"]}) == {
        "level": "urgent", "types": ["violence"]}


def test_has_content():
    assert has_content(intake(["poverty"]))
    assert has_content(intake(), "兄じゃなくて弟です")
    assert not has_content(intake(), "こんにちは")
    assert not has_content(None)


@pytest.mark.parametrize(("note", "text", "expected"), [
    ("介護をし", "80代の母の介護をしています", "介護をしています"),
    ("物忘れがひどく", "母は物忘れがひどくて、夜中に家を出てしまいます", "物忘れがひどくて"),
    ("夜中に家を出", "母は物忘れがひどくて、夜中に家を出てしまいます。", "夜中に家を出てしまいます"),
    ("不登校", "娘が不登校気味です", "不登校気味です"),
    ("物忘れ。", "", "物忘れ"),
])
def test_clause_keeps_the_residents_words(note, text, expected):
    assert clause(note, text) == expected


def test_notes_become_the_residents_clauses():
    text = "母は物忘れがひどくて、夜中に家を出てしまうこともあります"
    result = merge_turn([], [], None, None, intake(
        members=[member("mother", None, ["elderly_care"], ["物忘れがひどく", "夜中に家を出"])]), text)
    assert result.household[0]["notes"] == ["物忘れがひどくて", "夜中に家を出てしまうこともあります"]
