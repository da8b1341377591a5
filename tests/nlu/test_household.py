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
    ("近所で一人暮らしをしているおじいさんが倒れていないか心配です", ["other"]),
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


@pytest.mark.parametrize(("text", "expected"), [
    # やさしい日本語: kin words in hiragana
    ("おっと が かえって きません。", ["husband"]),
    ("つま が びょうき です。", ["wife"]),
    ("むすめ が がっこう に いきません。", ["daughter"]),
    # a plural after の: both parents-in-law
    ("妻の両親と同じ敷地に住んでいます", ["father_in_law", "mother_in_law"]),
    # 祖母の私: the writer describing themself
    ("祖母の私が孫の送り迎えをしています", ["grandchild"]),
    # 親 said of the mother and father already named
    ("両親とも70代です。親が倒れたらどうしようかと思います", ["father", "mother"]),
    # あの子 points back to someone named before
    ("弟が仕事に行かなくなりました。母はあの子を責めません", ["mother", "younger_brother"]),
    # people said not to exist
    ("相談できる知り合いがいません", []),
    ("親もきょうだいもいないので心細いです", []),
    # a kin word as a predicate about someone named in the sentence
    ("妻は一人っ子なので、義母の通院は私たちが付き添います", ["mother_in_law", "wife"]),
    # the writer's own role is not a member; a professional they talk to is
    ("中学校の担任です。生徒が欠席を続けています", ["other"]),
    ("娘のことで担任の先生と話しました", ["daughter", "other"]),
    # neighbour modifiers reach over adjectives and katakana places
    ("同じマンションの若いお母さんがいつも一人で泣いています", ["other"]),
    ("近くのアパートに住む小学生の男の子が夜も外にいます", ["other"]),
    ("近所の家の子が痩せてきています", ["other"]),
    # a life-stage word that only gives the age of the next person
    ("保育園児くらいの女の子が一人で歩いていました", ["daughter"]),
    ("双子の息子(乳児)の夜泣きがつらい", ["son", "son"]),
    # catch-all relations: different words are different people
    ("友人の息子さんが家から出ず、友人も参っています", ["other", "other"]),
    ("叔母といとこがうちに住んでいます", ["other_relative", "other_relative"]),
    # an ex-partner is not a partner; a new partner of a relative is a relative
    ("娘の再婚相手が孫をどなります", ["grandchild", "other_relative"]),
])
def test_people_in_context(analyzer, text: str, expected: list[str]) -> None:
    assert relations(analyzer.analyze(text)) == sorted(expected)


def ages_of(result: dict, relation: str) -> list[tuple[int, int] | None]:
    return sorted((m["age"]["min"], m["age"]["max"]) if m["age"] else None
                  for m in result["members"] if m["relation"] == relation)


@pytest.mark.parametrize(("text", "relation", "ages"), [
    # an age in a sentence of its own goes to the person spoken of
    ("弟が仕事を辞めて家にこもっています。27歳です。", "younger_brother", [(27, 27)]),
    ("息子がいじめにあっています。中2です", "son", [(13, 14)]),
    ("こども が 3さい です。", "child", [(3, 3)]),
    # a modifier between the age and the person
    ("90近い一人暮らしの父が心配です", "father", [(85, 89)]),
    # その母 is the mother named before, and carries the age
    ("父は元気ですが、母は足が悪く、その母ももう90近いです", "mother", [(85, 89)]),
    # a list of ages or stages: one person each
    ("子どもは小学生と高校生です", "child", [(6, 12), (15, 18)]),
    ("5歳と2歳の子がいます", "child", [(2, 2), (5, 5)]),
    ("子どもを叩いてしまいそうです。3歳と1歳がいます。", "child", [(1, 1), (3, 3)]),
])
def test_ages_in_context(analyzer, text: str, relation: str, ages: list[tuple[int, int]]) -> None:
    assert ages_of(analyzer.analyze(text), relation) == ages
