"""Fixed Japanese texts of the person-in-the-loop feature (plain, polite, no promises: C4)."""

from __future__ import annotations

# Sent once per takeover, to the first resident message after a staff member took the
# conversation; later messages get no automatic answer (the person answers).
ACK_TAKEN_OVER = (
    "メッセージを市の担当者に届けました。いまは担当者がこの会話を受け持っています。\n"
    "命の危険があるときや、けが・急病のときは、すぐに 110(警察)か 119(救急・消防)に電話してください。"
)

# Put before a staff message pushed on LINE, so the resident sees a person wrote it.
LINE_STAFF_PREFIX = "【市の担当者】\n"

NOT_FOUND = "該当する引き継ぎはありません。"
TAKEN_BY_OTHER = "この会話は、ほかの担当者({name})が受け持っています。"
TAKEN_BY_OTHER_UNKNOWN = "この会話は、ほかの担当者が受け持っています。"
NOT_HELD = "この会話を受け持っていないため送れません。先に「この会話を受け持つ」を押してください。"
CLOSED = "完了した引き継ぎは受け持てません。必要なら状態を「対応中」に戻してください。"
NOT_LINE_CONTACT = (
    "この方はLINEでの連絡を希望していないため、LINEには送れません。希望された方法({how})で連絡してください。"
)
NO_LINE_ROUTE = "LINEの送り先が記録されていないため送れません。"
LINE_NOT_CONFIGURED = "LINEの設定がないため、いまはLINEに送れません。"
LINE_REJECTED = (
    "LINEに届けられませんでした(LINE側で受け付けられませんでした: {error})。"
    "内容を確認して、必要ならほかの方法で連絡してください。"
)
EMPTY_TEXT = "メッセージが空です。"
TOO_LONG = "メッセージが長すぎます。{limit}文字以内にしてください。"
