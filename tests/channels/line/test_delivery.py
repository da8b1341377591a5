"""Exactly-once effects and delivery: dedup (L6), fast ack (L4), reply→push (L8), retry keys (L9, L10)."""
from __future__ import annotations

import asyncio
import itertools
import logging
import time

import pytest
from sqlalchemy.exc import OperationalError

from channels.line import webhook
from channels.line.messaging import text_messages
from channels.line.outbox import new_row
from channels.line.runtime import push_text
from channels.store.models import Handoff, OutboxMessage
from tests.channels.fake_rasa import CONSENT
from tests.channels.line.conftest import FAST_RETRY, FakeRasa, Gateway
from tests.channels.line.factories import line_event, line_text_event, new_user_id, webhook_body
from tests.channels.line.standin import PUSH, REPLY, LineStandin


def _settled(gateway: Gateway) -> bool:
    """One outbox row that is no longer pending."""
    rows = gateway.outbox()
    return len(rows) == 1 and rows[0].status != "pending"


BOTH_STORES = pytest.mark.parametrize("line_database_url", ["sqlite", "postgresql"], indirect=True)


@BOTH_STORES
async def test_same_payload_twice_is_one_turn(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin) -> None:
    body = webhook_body(line_text_event("生活費が足りません"))
    assert (await gateway.post(body)).status_code == 200
    await gateway.settle(lambda: len(standin.deliveries()) == 1)
    redelivered = body.replace(b'"isRedelivery": false', b'"isRedelivery": true')
    assert (await gateway.post(redelivered)).status_code == 200
    assert (await gateway.post(body)).status_code == 200
    await gateway.settle()
    assert gateway.processed() == 1 and len(fake_rasa.calls) == 1 and len(standin.requests) == 1


@BOTH_STORES
async def test_twenty_concurrent_copies_are_one_turn(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin) -> None:
    body = webhook_body(line_text_event("同じメッセージが何度も届いた場合"))
    responses = await asyncio.gather(*(gateway.post(body) for _ in range(20)))
    assert [r.status_code for r in responses] == [200] * 20
    await gateway.settle(lambda: len(standin.deliveries()) == 1)
    await gateway.settle()
    assert gateway.processed() == 1 and len(fake_rasa.calls) == 1
    assert len(standin.requests) == 1 and gateway.count(OutboxMessage) == 0


@BOTH_STORES
async def test_redelivered_consent_makes_no_second_handoff(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin) -> None:
    user = new_user_id()
    await gateway.post(webhook_body(line_text_event("母の物忘れがひどくて", user_id=user)))
    await gateway.settle(lambda: len(standin.deliveries()) == 1)
    consent = webhook_body(line_text_event(CONSENT, user_id=user))
    await asyncio.gather(*(gateway.post(consent) for _ in range(5)))
    await gateway.settle(lambda: len(standin.deliveries()) == 2)
    await gateway.settle()
    assert gateway.count(Handoff) == 1
    assert fake_rasa.texts == ["母の物忘れがひどくて", CONSENT] and len(standin.requests) == 2


async def test_slow_rasa_ack_is_fast_and_late_answer_is_pushed(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin) -> None:
    assert (await gateway.post(webhook_body())).status_code == 200  # warm-up: first connection, imports
    fake_rasa.delay = 3.0
    gateway.runtime.processor.reply_budget = 0.5
    started = time.monotonic()
    response = await gateway.post(webhook_body(line_text_event("返事が遅くなる相談")))
    elapsed = time.monotonic() - started
    assert response.status_code == 200 and elapsed < 0.5, f"ack took {elapsed:.3f}s"
    await gateway.settle(lambda: len(standin.deliveries()) == 1 and _settled(gateway))
    assert standin.calls(REPLY) == []
    push, = standin.deliveries(PUSH)
    assert push.body["to"].startswith("U") and push.retry_key
    row, = gateway.outbox()
    assert row.status == "sent" and row.retry_key == push.retry_key


async def test_reply_400_falls_back_to_exactly_one_push(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin) -> None:
    standin.script(REPLY, 400)
    await gateway.post(webhook_body(line_text_event("返信トークンが切れた場合")))
    await gateway.settle(lambda: len(standin.deliveries()) == 1)
    await gateway.settle()
    assert [r.status for r in standin.calls(REPLY)] == [400]
    assert len(standin.calls(PUSH)) == 1 and len(standin.deliveries()) == 1
    assert standin.deliveries(PUSH)[0].texts == standin.calls(REPLY)[0].texts


async def test_push_500_then_success_delivers_once_with_one_retry_key(
        gateway: Gateway, standin: LineStandin) -> None:
    standin.script(REPLY, 400)
    standin.script(PUSH, 500)
    await gateway.post(webhook_body(line_text_event("再送の確認")))
    await gateway.settle(lambda: len(standin.deliveries(PUSH)) == 1 and _settled(gateway))
    calls = standin.calls(PUSH)
    assert [c.status for c in calls] == [500, 200]
    assert len({c.retry_key for c in calls}) == 1 and calls[0].retry_key
    row, = gateway.outbox()
    assert row.status == "sent" and row.attempts == 2


@BOTH_STORES
async def test_500_then_timeout_then_409_is_sent_once(gateway: Gateway, standin: LineStandin) -> None:
    """L9: the second try got through but its answer was lost; the third learns so from 409."""
    standin.script(REPLY, 400)
    standin.script(PUSH, 500, "accept-timeout")
    await gateway.post(webhook_body(line_text_event("タイムアウトの確認")))
    await gateway.settle(lambda: len(standin.calls(PUSH)) == 3 and _settled(gateway))
    calls = standin.calls(PUSH)
    assert [c.status for c in calls] == [500, 200, 409]
    assert len({c.retry_key for c in calls}) == 1
    assert len(standin.deliveries()) == 1
    row, = gateway.outbox()
    assert row.last_error == "409 already accepted"


async def test_409_means_already_accepted(gateway: Gateway, standin: LineStandin) -> None:
    standin.script(REPLY, 400)
    standin.script(PUSH, 409)
    await gateway.post(webhook_body(line_text_event("409の確認")))
    await gateway.settle(lambda: _settled(gateway))
    row, = gateway.outbox()
    assert row.status == "sent" and row.attempts == 1 and len(standin.calls(PUSH)) == 1


async def test_other_4xx_fails_without_retry_and_alerts(gateway: Gateway, standin: LineStandin) -> None:
    alerts: list[tuple[int, str]] = []
    gateway.runtime.relay.alert = lambda row_id, reason: alerts.append((row_id, reason))
    standin.script(REPLY, 400)
    standin.script(PUSH, 400)
    await gateway.post(webhook_body(line_text_event("400の確認")))
    await gateway.settle(lambda: _settled(gateway))
    await asyncio.sleep(FAST_RETRY.cap_seconds * 2)
    row, = gateway.outbox()
    assert row.status == "failed" and len(standin.calls(PUSH)) == 1
    assert [a[0] for a in alerts] == [row.id]


async def test_429_backs_off_with_growing_gaps_and_alerts(gateway: Gateway, standin: LineStandin) -> None:
    """L10: capped exponential backoff with jitter; an alert after N failures; then delivered."""
    alerts: list[str] = []
    gateway.runtime.relay.alert = lambda row_id, reason: alerts.append(reason)
    standin.script(REPLY, 400)
    standin.script(PUSH, 429, 429, 429, 429)
    await gateway.post(webhook_body(line_text_event("429の確認")))
    await gateway.settle(lambda: len(standin.deliveries(PUSH)) == 1, timeout=15)
    times = [c.at for c in standin.calls(PUSH)]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(gaps) == 4
    for attempt, gap in enumerate(gaps, start=1):
        step = min(FAST_RETRY.cap_seconds, FAST_RETRY.base_seconds * 2 ** (attempt - 1))
        assert step / 2 * 0.9 <= gap <= step + FAST_RETRY.poll_seconds + 0.5, (attempt, gap)
    assert len(alerts) == 1 and "3 failed attempts" in alerts[0]


async def test_gives_up_after_max_attempts(gateway: Gateway, standin: LineStandin) -> None:
    alerts: list[str] = []
    gateway.runtime.relay.alert = lambda row_id, reason: alerts.append(reason)
    standin.script(REPLY, 400)
    standin.script(PUSH, *[500] * FAST_RETRY.max_attempts)
    await gateway.post(webhook_body(line_text_event("ずっと失敗")))
    await gateway.settle(lambda: _settled(gateway), timeout=15)
    assert len(standin.calls(PUSH)) == FAST_RETRY.max_attempts and standin.deliveries() == []
    assert any("gave up" in a for a in alerts)


async def test_unfollow_drops_pending_pushes(gateway: Gateway, standin: LineStandin) -> None:
    user = new_user_id()
    standin.script(REPLY, 400)
    standin.script(PUSH, *[500] * 50)
    gateway.runtime.relay.policy = FAST_RETRY.__class__(base_seconds=1.0, cap_seconds=1.0, max_attempts=50)
    await gateway.post(webhook_body(line_text_event("ブロック前", user_id=user)))
    await gateway.settle(lambda: len(standin.calls(PUSH)) >= 1)
    await gateway.post(webhook_body(line_event("unfollow", user_id=user, reply_token=None)))
    await gateway.settle()
    row, = gateway.outbox()
    assert row.status == "failed" and row.last_error == "unfollowed"
    calls = len(standin.calls(PUSH))
    await asyncio.sleep(1.5)
    assert len(standin.calls(PUSH)) == calls


async def test_store_fault_is_503_and_a_resend_is_processed_once(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin, monkeypatch: pytest.MonkeyPatch) -> None:
    """L7: no 200 before the event is committed; LINE's redelivery then counts once."""
    body = webhook_body(line_text_event("保存できなかった場合"))

    def broken(*_args: object) -> list[bool]:
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    with monkeypatch.context() as patch:
        patch.setattr(webhook, "claim_ids", broken)
        assert (await gateway.post(body)).status_code == 503
    assert fake_rasa.calls == []
    for _ in range(2):
        assert (await gateway.post(body)).status_code == 200
    await gateway.settle(lambda: len(standin.deliveries()) == 1)
    assert len(fake_rasa.calls) == 1 and gateway.processed() == 1


async def test_staff_push_helper_uses_the_outbox(gateway: Gateway, standin: LineStandin) -> None:
    user = new_user_id()
    row_ids = await push_text(gateway.runtime, user, "担当者からのお知らせです。")
    await gateway.settle(lambda: len(standin.deliveries(PUSH)) == 1 and _settled(gateway))
    push, = standin.deliveries(PUSH)
    assert push.body["to"] == user and push.texts == ["担当者からのお知らせです。"]
    assert [r.id for r in gateway.outbox()] == row_ids and gateway.outbox()[0].status == "sent"


async def test_api_calls_are_logged_without_bodies(
        gateway: Gateway, standin: LineStandin, caplog: pytest.LogCaptureFixture) -> None:
    """L13: endpoint, status, x-line-request-id and time; never the message."""
    caplog.set_level(logging.INFO, logger="channels.line")
    await gateway.post(webhook_body(line_text_event("ログの確認")))
    await gateway.settle(lambda: len(standin.deliveries()) == 1)
    lines = [r.getMessage() for r in caplog.records if r.name == "channels.line.messaging"]
    assert len(lines) == 1
    assert "POST reply" in lines[0] and "status=200" in lines[0] and "ms=" in lines[0]
    assert "request_id=" in lines[0] and "request_id=None" not in lines[0]
    assert "ありがとうございます" not in caplog.text


async def test_relay_sends_rows_other_code_committed(gateway: Gateway, standin: LineStandin) -> None:
    """A staff message (contract §8) commits its own outbox row, then wakes the relay."""
    user = new_user_id()
    with gateway.db.session() as session:
        session.add(new_row(user, "k" * 64, text_messages("担当者の山田です。お返事が遅くなりました。")))
        session.commit()
    gateway.runtime.relay.wake()
    await gateway.settle(lambda: len(standin.deliveries(PUSH)) == 1 and _settled(gateway))
    assert standin.deliveries(PUSH)[0].retry_key == gateway.outbox()[0].retry_key


async def test_silent_conversation_sends_nothing_on_follow(
        gateway: Gateway, standin: LineStandin, monkeypatch: pytest.MonkeyPatch) -> None:
    """While staff hold a conversation the dialogue answers nothing; the channel adds nothing."""
    async def silent(channel: str, sender_id: str, text: str) -> list[object]:
        return []

    monkeypatch.setattr(gateway.runtime.processor.conversations, "handle", silent)
    await gateway.post(webhook_body(line_event("follow", follow={"isUnblocked": True})))
    await gateway.post(webhook_body(line_text_event("担当の方へ")))
    await gateway.settle()
    assert standin.requests == []
