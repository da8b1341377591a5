"""Household members: kinship registers, compounds, plurals, ages, speaker, neighbours."""
from __future__ import annotations

import pytest


def relations(result: dict) -> list[str]:
    return sorted(m["relation"] for m in result["members"])


def age_of(result: dict, relation: str) -> tuple[int, int] | None:
    member = next(m for m in result["members"] if m["relation"] == relation)
    return (member["age"]["min"], member["age"]["max"]) if member["age"] else None


@pytest.mark.parametrize(("text", "relation"), [
    ("母が入院しました", "mother"),
    ("お母さんが心配です", "mother"),
    ("母親が認知症です", "mother"),
    ("うちのおかんが物忘れ", "mother"),
    ("おふくろが寝たきりで", "mother"),
    ("実母の介護をしています", "mother"),
    ("義母の介護をしています", "mother_in_law"),
    ("姑と同居しています", "mother_in_law"),
    ("主人が失業しました", "husband"),
    ("旦那が働かない", "husband"),
    ("夫が暴言を吐きます", "husband"),
    ("嫁が入院した", "wife"),
    ("家内が体調を崩して", "wife"),
    ("うちの子が不登校です", "child"),
    ("長男が不登校です", "son"),
    ("次女が保育園に通っています", "daughter"),
    ("ばあちゃんが同じ話ばかりする", "grandmother"),
    ("じいちゃんが入院した", "grandfather"),
    ("孫の面倒を見ています", "grandchild"),
    ("兄がひきこもっています", "older_brother"),
    ("姉がうつ病です", "older_sister"),
    ("弟が借金をしている", "younger_brother"),
    ("妹が心配です", "younger_sister"),
    ("親父が倒れた", "father"),
])
def test_kinship_registers(analyzer, text: str, relation: str) -> None:
    assert relations(analyzer.analyze(text)) == [relation]


@pytest.mark.parametrize(("text", "expected"), [
    ("息子の妻が家事をしない", ["other_relative"]),
    ("妻の母が認知症です", ["mother_in_law"]),
    ("夫の母と同居しています", ["mother_in_law"]),
    ("夫の父が要介護になった", ["father_in_law"]),
    ("両親が高齢です", ["father", "mother"]),
    ("子ども2人を育てています", ["child", "child"]),
    ("双子の娘がいます", ["daughter", "daughter"]),
    ("近所のおばあさんが心配です", ["other"]),
    ("隣の人がごみを溜めている", ["other"]),
    # the same person twice is one member
    ("母が認知症です。母は夜中に家を出てしまいます。", ["mother"]),
    # 母 inside 母子家庭 is not a person
    ("母子家庭で生活が苦しい", []),
])
def test_compounds_plurals_and_merging(analyzer, text: str, expected: list[str]) -> None:
    assert relations(analyzer.analyze(text)) == sorted(expected)


@pytest.mark.parametrize("text", ["私はうつで眠れません", "俺が仕事を失った", "自分のことで相談です",
                                  "わたし は びょうき です"])
def test_speaker_is_not_a_member(analyzer, text: str) -> None:
    assert analyzer.analyze(text)["members"] == []


@pytest.mark.parametrize(("text", "relation", "age"), [
    ("85歳の母がいます", "mother", (85, 85)),
    ("80代の父が入院", "father", (80, 89)),
    ("80代前半の母です", "mother", (80, 84)),
    ("母は90近いです", "mother", (85, 89)),
    ("70過ぎの父がいます", "father", (70, 79)),
    ("中1の娘が不登校です", "daughter", (12, 13)),
    ("小学3年の息子がいます", "son", (8, 9)),
    ("高校生の息子がいます", "son", (15, 18)),
    ("赤ちゃんが泣き止まない", "child", (0, 1)),
    ("保育園児の娘がいます", "daughter", (1, 6)),
    ("生後3か月の娘がいます", "daughter", (0, 0)),
    ("20代後半の息子が家にいる", "son", (25, 29)),
    ("８５歳の母がいます", "mother", (85, 85)),
    ("妻の母（85）が物忘れがひどい", "mother_in_law", (85, 85)),
])
def test_ages(analyzer, text: str, relation: str, age: tuple[int, int]) -> None:
    assert age_of(analyzer.analyze(text), relation) == age


def test_categories_go_to_the_subject_of_their_predicate(analyzer) -> None:
    result = analyzer.analyze("80代の母が認知症で、50代の兄がひきこもっています。")
    by_relation = {m["relation"]: m for m in result["members"]}
    assert by_relation["mother"]["categories"] == ["elderly_care"]
    assert by_relation["older_brother"]["categories"] == ["hikikomori"]
    assert "認知症" in by_relation["mother"]["notes"]
