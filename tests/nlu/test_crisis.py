"""Crisis: indirect phrasings and their width/spacing/kana variants all raise the alarm."""
from __future__ import annotations

import pytest

PHRASES = ["いなくなりたい", "消えたい", "楽になりたい", "もう終わりにしたい", "生きている意味がない",
           "死んだら楽になれる", "死にたい"]


HALF_WIDTH = str.maketrans("シニタイキエナクリラ", "ｼﾆﾀｲｷｴﾅｸﾘﾗ")


def perturbations(text: str) -> list[str]:
    """The phrase as typed in other ways: spaced, katakana, half-width, with punctuation."""
    kata = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)
    half = kata.translate(HALF_WIDTH)
    return [text, " ".join(text), f"もう…{text}。", kata, half, f"最近{text}と思う"]


@pytest.mark.parametrize("text", [v for p in PHRASES for v in perturbations(p)])
def test_suicide_variants(analyzer, text: str) -> None:
    assert "suicide" in analyzer.analyze(text)["crisis"]["types"], text


@pytest.mark.parametrize(("text", "kind"), [
    ("夫に殴られています", "violence"),
    ("殺すぞと言われました", "violence"),
    ("子どもを叩いてしまう", "abuse"),
    ("父が倒れて息をしていない", "medical"),
    ("おとうさん が たおれました。 いき を して いません。", "medical"),
])
def test_other_types(analyzer, text: str, kind: str) -> None:
    assert kind in analyzer.analyze(text)["crisis"]["types"]


@pytest.mark.parametrize("text", ["死にたいとは思っていません", "死にたくはないけど疲れた",
                                  # idioms (死んだ兄, 消えたいくらい恥ずかしい) beside a real wish
                                  "死んだ兄のところに行きたい", "死んだ祖母に会いに行きたい、もう疲れた",
                                  "亡くなった母のそばに行きたい", "消えたいくらい恥ずかしい。もう死にたい",
                                  "心臓が止まるかと思った。母が倒れて息をしていない"])
def test_negation_and_idioms_never_silence(analyzer, text: str) -> None:
    assert analyzer.analyze(text)["crisis"]["level"] == "urgent"


@pytest.mark.parametrize("text", ["死ぬほど忙しい", "消えたいくらい恥ずかしかった", "殴り書きですみません",
                                  "清水の舞台から飛び降りるつもりで一人暮らしを始めます",
                                  "保育園から加配の先生はつけられへんて言われて",
                                  "どこも空きがない。小学１年です",
                                  # an idiom that ends the message (once read as reaching past it)
                                  "母は足が動かない。", "テスト終わった、まじ死んだ"])
def test_idioms_and_false_friends_stay_calm(analyzer, text: str) -> None:
    """Two broke on readings: けられ (蹴られ) in つけられ, いしょ (遺書) across words."""
    assert analyzer.analyze(text)["crisis"]["level"] == "none"


def test_crisis_without_a_parse(analyzer) -> None:
    assert analyzer.analyze_without_parse("し に た い")["crisis"]["level"] == "urgent"


def test_short_messages_are_left_to_the_lexicon() -> None:
    """A button like 「話し終わりました」 once read as 終わりにしたい to the n-gram model."""
    from nlu.classifier import CategoryModel

    model = CategoryModel(vectorizer=None, models={}, min_chars=12)
    assert model.predict("話し終わりました") == []
