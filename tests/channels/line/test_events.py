"""Every kind of webhook event LINE sends (shared/fixtures/line/webhook.json) and what follows it."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from channels.line import wording
from channels.line.events import FOLLOW_TRIGGER
from channels.line.ratelimit import SlidingWindowLimiter
from tests.channels.fake_rasa import CONSENT, DECLINE
from tests.channels.line.conftest import FakeRasa, Gateway
from tests.channels.line.factories import (
    line_event,
    line_message_event,
    line_text_event,
    new_event_id,
    new_reply_token,
    new_user_id,
    webhook_body,
)
from tests.channels.line.standin import PUSH, REPLY, LineStandin

FIXTURE = "fixtures/line/webhook.json"


def _fixture_events(shared_dir: Path) -> list[dict[str, Any]]:
    return json.loads((shared_dir / FIXTURE).read_text(encoding="utf-8"))["events"]


def _fresh(event: dict[str, Any]) -> dict[str, Any]:
    """The recorded event with its own webhookEventId and reply token (they all share one)."""
    event = copy.deepcopy(event)
    event["webhookEventId"] = new_event_id()
    if "replyToken" in event:
        event["replyToken"] = new_reply_token()
    return event


def _expected(event: dict[str, Any]) -> str:
    """What a resident (or a group) should see for this recorded event."""
    source = event["source"]["type"]
    if event["type"] == "message" and source in ("group", "room"):
        return "group-notice"
    if source != "user" or event.get("mode") != "active":
        return "nothing"
    if event["type"] == "message":
        message = event["message"]
        if message["type"] == "text":
            return "dialogue"
        if message.get("imageSet", {}).get("index", 1) > 1:
            return "nothing"  # one answer per set of photos
        return "text-only"
    if event["type"] == "follow":
        return "dialogue"
    return "nothing"


FIXTURE_SIZE = 28


@pytest.mark.parametrize("index", range(FIXTURE_SIZE))
async def test_each_recorded_event_is_acknowledged_and_handled_sensibly(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin, shared_dir: Path, index: int) -> None:
    recorded = _fixture_events(shared_dir)
    assert len(recorded) == FIXTURE_SIZE
    event = _fresh(recorded[index])
    response = await gateway.post(webhook_body(event))
    assert response.status_code == 200
    expected = _expected(event)
    await gateway.settle(lambda: expected == "nothing" or len(standin.deliveries()) >= 1)
    await gateway.settle()
    delivered = standin.deliveries()
    if expected == "nothing":
        assert standin.requests == [] and fake_rasa.calls == []
        return
    assert [r.path for r in delivered] == [REPLY]
    texts = delivered[0].texts
    if expected == "dialogue":
        assert len(fake_rasa.calls) == 1
        assert texts[-1]  # the dialogue's answer, whatever it is
    elif expected == "text-only":
        assert fake_rasa.calls == []
        assert texts == [wording.text_only(event["message"]["type"])]
    elif expected == "group-notice":
        assert fake_rasa.calls == []
        assert texts == [wording.GROUP_NOTICE]


async def test_whole_recorded_payload_in_one_request(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin, shared_dir: Path) -> None:
    events = [_fresh(e) for e in _fixture_events(shared_dir)]
    assert (await gateway.post(webhook_body(*events))).status_code == 200
    # 2 dialogue turns (text, redelivered text) + follow, 5 "text only", 1 note each for the room and group
    await gateway.settle(lambda: len(standin.deliveries()) == 10)
    await gateway.settle()
    assert gateway.processed_ids() >= {e["webhookEventId"] for e in events}
    assert fake_rasa.texts == ["Hello, world", FOLLOW_TRIGGER, "Hello, world"]
    assert {r.path for r in standin.requests} == {REPLY} and len(standin.requests) == 10


async def test_recorded_payload_as_is_counts_its_shared_id_once(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin, shared_dir: Path) -> None:
    """The fixture's events all carry one webhookEventId: only the first of them is processed."""
    body = (shared_dir / FIXTURE).read_bytes()
    assert (await gateway.post(body)).status_code == 200
    await gateway.settle(lambda: len(standin.deliveries()) == 1)
    await gateway.settle()
    assert gateway.processed() == 1
    assert fake_rasa.texts == ["Hello, world"]
    assert len(standin.requests) == 1


async def test_text_reply_carries_quick_replies_as_message_actions(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin) -> None:
    await gateway.post(webhook_body(line_text_event("父の介護のことで相談したいです")))
    await gateway.settle(lambda: len(standin.deliveries(REPLY)) == 1)
    messages = standin.deliveries(REPLY)[0].body["messages"]
    assert [m["type"] for m in messages] == ["text", "text"]
    assert "quickReply" not in messages[0]
    items = messages[1]["quickReply"]["items"]
    assert [i["action"] for i in items] == [
        {"type": "message", "label": CONSENT, "text": CONSENT},
        {"type": "message", "label": DECLINE, "text": DECLINE},
    ]
    assert all(len(i["action"]["label"]) <= 20 for i in items)


async def test_follow_opens_the_dialogue(gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin) -> None:
    await gateway.post(webhook_body(line_event("follow", follow={"isUnblocked": False})))
    await gateway.settle(lambda: len(standin.deliveries(REPLY)) == 1)
    assert fake_rasa.texts == [FOLLOW_TRIGGER] == ["/greet"]


async def test_follow_while_rasa_is_down_still_shows_the_notice(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin) -> None:
    fake_rasa.state.down = True
    await gateway.post(webhook_body(line_event("follow", follow={"isUnblocked": False})))
    await gateway.settle(lambda: len(standin.deliveries(REPLY)) == 1)
    text = standin.deliveries(REPLY)[0].texts[0]
    assert text == wording.NOTICE_FALLBACK
    for part in ("担当者が読みます", "決めることはしません", "岐阜市が保管", "ブロック", "110", "119"):
        assert part in text


@pytest.mark.parametrize("kind", sorted(wording.KIND_NAMES))
async def test_non_text_gets_a_kind_text_only_answer(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin, kind: str) -> None:
    await gateway.post(webhook_body(line_message_event(kind)))
    await gateway.settle(lambda: len(standin.deliveries(REPLY)) == 1)
    text = standin.deliveries(REPLY)[0].texts[0]
    assert wording.KIND_NAMES[kind] in text and "文字" in text
    assert fake_rasa.calls == []


@pytest.mark.parametrize("event_type", ["unsend", "join", "leave", "memberJoined", "memberLeft", "beacon",
                                        "accountLink", "videoPlayComplete", "messageEdited", "brandNewType"])
async def test_events_that_are_never_answered(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin, event_type: str) -> None:
    await gateway.post(webhook_body(line_event(event_type)))
    await gateway.settle()
    assert standin.requests == [] and fake_rasa.calls == []
    assert gateway.processed() == 1


async def test_standby_mode_is_never_answered(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin) -> None:
    await gateway.post(webhook_body(line_text_event("こんにちは", mode="standby"),
                                    line_message_event("sticker", mode="standby")))
    await gateway.settle()
    assert standin.requests == [] and fake_rasa.calls == []


async def test_unfollow_sends_nothing(gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin) -> None:
    await gateway.post(webhook_body(line_event("unfollow", reply_token=None)))
    await gateway.settle()
    assert standin.requests == [] and fake_rasa.calls == []


async def test_group_gets_one_note_and_is_never_read(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin) -> None:
    group = {"type": "group", "groupId": "C" + new_user_id()[1:], "userId": new_user_id()}
    for text in ("相談したいことがあります", "聞こえていますか"):
        await gateway.post(webhook_body(line_text_event(text, source=group)))
        await gateway.settle()
    await gateway.settle(lambda: len(standin.deliveries(REPLY)) == 1)
    assert [r.texts for r in standin.requests] == [[wording.GROUP_NOTICE]]
    assert fake_rasa.calls == []


async def test_postback_counts_only_when_it_is_an_offered_title(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin) -> None:
    user = new_user_id()
    await gateway.post(webhook_body(line_event("postback", user_id=user, postback={"data": DECLINE})))
    await gateway.settle()
    assert fake_rasa.calls == []  # nothing was offered yet
    await gateway.post(webhook_body(line_text_event("母のことで", user_id=user)))
    await gateway.settle(lambda: len(standin.deliveries()) == 1)
    await gateway.post(webhook_body(line_event("postback", user_id=user, postback={"data": "action=buy"})))
    await gateway.post(webhook_body(line_event("postback", user_id=user, postback={"data": DECLINE})))
    await gateway.settle(lambda: len(standin.deliveries()) == 2)
    assert fake_rasa.texts == ["母のことで", DECLINE]


async def test_turns_of_one_resident_keep_their_order(gateway: Gateway, fake_rasa: FakeRasa) -> None:
    user = new_user_id()
    fake_rasa.delay = 0.05
    texts = [f"{n}つめのメッセージ" for n in range(1, 8)]
    for text in texts:
        assert (await gateway.post(webhook_body(line_text_event(text, user_id=user)))).status_code == 200
    await gateway.settle()
    assert fake_rasa.texts == texts


async def test_rate_limit_answers_once_then_stays_silent(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin) -> None:
    gateway.runtime.processor.limiter = SlidingWindowLimiter(limit=2, window=60.0)
    user = new_user_id()
    for n in range(4):
        await gateway.post(webhook_body(line_text_event(f"連投{n}", user_id=user)))
    await gateway.settle(lambda: len(standin.deliveries()) == 3)
    await gateway.settle()
    assert fake_rasa.texts == ["連投0", "連投1"]
    assert standin.deliveries()[-1].texts == [wording.RATE_LIMITED]
    assert len(standin.requests) == 3
    assert not standin.calls(PUSH)
