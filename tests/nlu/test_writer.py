"""Who writes."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize(("text", "writer"), [
    ("息子が不登校で困っています", "family"),
    ("借金があって生活が苦しいです", "self"),
    ("民生委員です。一人暮らしの方のごみ屋敷が心配です", "neighbour"),
    ("ケアマネをしています。担当している利用者さんの件です", "professional"),
])
def test_writer(analyzer, text: str, writer: str) -> None:
    assert analyzer.analyze(text)["writer"] == writer


@pytest.mark.parametrize(("text", "writer"), [
    # roles count as a self-introduction only: a family speaks of the teacher or the desk
    ("担任の先生に話しましたが、娘はまだ学校に行けません", "family"),
    ("あちこちの窓口で同じ説明をさせられて、生活費も底をつきました", "self"),
    ("中学校で担任をしています。生徒の家庭のことで相談です", "professional"),
    # a self-introduction first decides over the people named after it
    ("民生委員です。担当地区のご夫婦で、奥さんが認知症で困っています", "neighbour"),
    ("近所のご夫婦のことです。ご主人が入院して奥さんが一人です", "neighbour"),
    ("高校生です。祖母の介護を手伝っていて勉強ができません", "self"),
    # a carer's own exhaustion is their own worry
    ("義父の介護で毎日へとへとで、夜も眠れません。もう限界です", "self"),
    ("祖父の世話を私一人でしています。ダブルケアで仕事も続けられません", "self"),
    # a self-introduction later in the message, or as a bare first fragment
    ("父がお酒を飲んで暴れます。私は中1です。", "self"),
    ("高3。母が入院してから弟の弁当を作っています", "self"),
    # an age sentence about someone else is not a self-introduction
    ("母は88歳です。最近ひとりで歩けなくなって心配です", "family"),
    # a relative's own household's trouble
    ("実家の兄が家賃を払えず、アパートを追い出されそうです", "family"),
    # the writer's own trouble with an ex-partner or a landlord
    ("元夫からの養育費が止まっています", "self"),
    ("大家さんから今月中に出ていくように言われました", "self"),
    # 「近所で…」 places the person in the neighbourhood (tests/bot broke on this one)
    ("近所で一人で住んでいるおじいさんの庭が荒れ放題で心配です", "neighbour"),
])
def test_writer_in_context(analyzer, text: str, writer: str) -> None:
    assert analyzer.analyze(text)["writer"] == writer
