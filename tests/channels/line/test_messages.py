"""Building LINE messages from the dialogue's replies: limits LINE enforces, and >5 messages."""
from __future__ import annotations

import pytest

from channels.conversation import Reply
from channels.line.messaging import (
    MAX_QUICK_REPLY_ITEMS,
    Outcome,
    batches,
    button_label,
    classify,
    line_messages,
)
from tests.channels.line.conftest import Gateway
from tests.channels.line.factories import line_text_event, webhook_body
from tests.channels.line.standin import PUSH, REPLY, LineStandin


@pytest.mark.parametrize("title, label", [
    ("はい", "はい"),
    ("あ" * 20, "あ" * 20),
    ("あ" * 21, "あ" * 19 + "…"),
    ("  前後の空白  ", "前後の空白"),
])
def test_button_label_fits_twenty_characters(title: str, label: str) -> None:
    assert button_label(title) == label and len(label) <= 20


def test_quick_replies_keep_the_full_title_as_text_and_respect_limits() -> None:
    long_titles = [f"選択肢{n}はとても長い説明のついたボタンの名前です" for n in range(20)]
    titles = [*long_titles, "", long_titles[0]]
    message, = line_messages([Reply("どれですか", titles)])
    items = message["quickReply"]["items"]
    assert len(items) == MAX_QUICK_REPLY_ITEMS
    assert [i["action"]["text"] for i in items] == titles[:MAX_QUICK_REPLY_ITEMS]
    assert all(i["action"]["type"] == "message" and len(i["action"]["label"]) <= 20 for i in items)


def test_blank_titles_give_no_quick_reply() -> None:
    message, = line_messages([Reply("こんにちは", ["", "  "])])
    assert "quickReply" not in message


def test_long_text_is_split_and_buttons_go_on_the_last_piece() -> None:
    messages = line_messages([Reply("あ" * 12_000, ["はい"])])
    assert [len(m["text"]) for m in messages] == [5000, 5000, 2000]
    assert ["quickReply" in m for m in messages] == [False, False, True]


def test_batches_hold_at_most_five() -> None:
    assert [len(b) for b in batches(line_messages([Reply(str(n)) for n in range(12)]))] == [5, 5, 2]


@pytest.mark.parametrize("status, outcome", [
    (200, Outcome.SENT), (409, Outcome.ALREADY_ACCEPTED), (429, Outcome.RETRY), (500, Outcome.RETRY),
    (503, Outcome.RETRY), (400, Outcome.REJECTED), (401, Outcome.REJECTED), (403, Outcome.REJECTED),
])
def test_status_classification(status: int, outcome: Outcome) -> None:
    assert classify(status) is outcome


async def test_more_than_five_replies_reply_five_and_push_the_rest(
        gateway: Gateway, standin: LineStandin, monkeypatch: pytest.MonkeyPatch) -> None:
    async def seven(channel: str, sender_id: str, text: str) -> list[Reply]:
        return [Reply(f"{n}番目") for n in range(1, 8)]

    monkeypatch.setattr(gateway.runtime.processor.conversations, "handle", seven)
    await gateway.post(webhook_body(line_text_event("たくさん返事がある場合")))
    await gateway.settle(lambda: len(standin.deliveries()) == 2)
    reply, = standin.deliveries(REPLY)
    push, = standin.deliveries(PUSH)
    assert reply.texts + push.texts == [f"{n}番目" for n in range(1, 8)]
    assert len(reply.texts) == 5


def test_signature_verification_can_not_be_skipped(gateway: Gateway) -> None:
    """L3: the parser is built without skip_signature_verification."""
    assert gateway.runtime.parser.skip_signature_verification() is False
