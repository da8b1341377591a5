"""Fixed Japanese texts of the LINE channel (the dialogue's own words live in bot/domain/).

These are only what the channel must say by itself: when it cannot read what was sent,
when the dialogue engine is down at the first contact, or when a group adds the account.
None of them decides or promises anything (reliability C4).
"""
from __future__ import annotations

# Shown only when the dialogue engine could not answer the follow event (C5: the notice
# must still come first). Kept in step with bot/domain/opening.yml utter_notice.
NOTICE_FALLBACK = (
    "友だち追加ありがとうございます。岐阜市の相談の受付をお手伝いするAIです。\n"
    "・わたしは何かを決めることはしません。お話を整理して、合いそうな相談窓口をご案内します。\n"
    "・お話は、あなたが「伝えてよい」と選んだものだけを、岐阜市の担当者が読みます。"
    "すぐにお返事できないこともあります。\n"
    "・記録はLINEではなく、岐阜市が保管します。\n"
    "・やめたいときは、いつでもやめられます。このアカウントをブロックすると、こちらからは何も届きません。\n"
    "いまは自動の案内が使えないため、少し時間をおいてから、気になっていることを書いて送ってください。\n"
    "命の危険があるときや、けが・急病のときは、すぐに 110(警察)か 119(救急・消防)に電話してください。"
)

# What the resident sent, by LINE message type, for the "text only" answer.
KIND_NAMES = {
    "sticker": "スタンプ",
    "image": "画像",
    "video": "動画",
    "audio": "音声メッセージ",
    "file": "ファイル",
    "location": "位置情報",
}

TEXT_ONLY = (
    "送っていただいた{kind}を受け取りましたが、ここでは文字のメッセージしか読むことができません。"
    "お手数ですが、お困りのことを言葉で書いて送ってください。短いひとことでも大丈夫です。"
)

GROUP_NOTICE = (
    "このアカウントでのご相談は、1対1のトークでお受けしています。"
    "グループやトークルームに書かれた内容は読み取りません。"
    "ご相談は、このアカウントとの1対1のトークから送ってください。"
)

RATE_LIMITED = (
    "短い時間にたくさんのメッセージが届いたため、少しのあいだ受け付けを止めています。"
    "少し時間をおいてから、もう一度送ってください。\n"
    "命の危険があるときや、けが・急病のときは、すぐに 110(警察)か 119(救急・消防)に電話してください。"
)


def text_only(kind: str) -> str:
    """The "please write in words" answer for a non-text message."""
    return TEXT_ONLY.format(kind=KIND_NAMES.get(kind, "メッセージ"))
