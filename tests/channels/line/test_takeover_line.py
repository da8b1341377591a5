"""Staff messages on LINE (contract §8, reliability L9): pushed through the outbox, never twice.

Against the local stand-in: a first push that fails with 500 is retried with the same
X-Line-Retry-Key and delivered exactly once; a 4xx is final and shown to the staff member;
a resident who chose phone contact is never pushed to (409).
"""
from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from channels.staff.auth import StaffIdentity
from channels.store.models import Handoff, OutboxMessage
from channels.takeover import delivery, service, wording
from channels.takeover.service import TakeoverError
from tests.channels import fake_rasa as fake_rasa_module
from tests.channels.fake_rasa import CONSENT
from tests.channels.line.conftest import FakeRasa, Gateway
from tests.channels.line.factories import line_text_event, new_user_id, webhook_body
from tests.channels.line.standin import PUSH, REPLY, LineStandin

STAFF = StaffIdentity("yamada", "山田 花子", via="session", csrf_token="x")


@pytest.fixture
def line_contact(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fake dialogue's handoff says the resident wants contact on LINE."""
    original = fake_rasa_module.handoff_record

    def record(sender: str, words: list[str]) -> dict[str, Any]:
        return {**original(sender, words), "contact": {"preferred": "line", "detail": ""}}

    monkeypatch.setattr(fake_rasa_module, "handoff_record", record)


async def handed_off(gateway: Gateway, standin: LineStandin, user: str) -> str:
    """A LINE resident who reached a handoff; returns its id."""
    await gateway.post(webhook_body(line_text_event("母の物忘れがひどくて", user_id=user)))
    await gateway.settle(lambda: len(standin.deliveries()) == 1)
    await gateway.post(webhook_body(line_text_event(CONSENT, user_id=user)))
    await gateway.settle(lambda: len(standin.deliveries()) == 2)
    with gateway.db.session() as session:
        return session.scalars(select(Handoff.id)).one()


def _row(gateway: Gateway, row_id: int) -> OutboxMessage:
    with gateway.db.session() as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        return row


async def test_failed_push_is_retried_with_the_same_key_and_delivered_once(
        gateway: Gateway, standin: LineStandin, fake_rasa: FakeRasa, line_contact: None) -> None:
    user = new_user_id()
    hid = await handed_off(gateway, standin, user)
    await asyncio.to_thread(service.take, gateway.db, STAFF, hid)

    calls = len(fake_rasa.calls)
    await gateway.post(webhook_body(line_text_event("いま家にいます", user_id=user)))
    await gateway.settle(lambda: len(standin.deliveries(REPLY)) == 3)
    assert standin.deliveries(REPLY)[-1].texts == [wording.ACK_TAKEN_OVER]
    assert len(fake_rasa.calls) == calls  # the assistant stays silent while a person holds it

    standin.script(PUSH, 500)
    text = "岐阜市の山田です。明日お電話します。"
    sent = await delivery.send(gateway.db, gateway.runtime, STAFF, hid, text)
    assert sent.delivered_via == "line" and sent.outbox_id is not None
    await gateway.settle(lambda: _row(gateway, sent.outbox_id).status == "sent")
    await asyncio.sleep(0.3)  # room for a wrong extra retry to show up

    pushes = standin.calls(PUSH)
    delivered = standin.deliveries(PUSH)
    keys = {p.retry_key for p in pushes}
    print(f"\nexact-once: attempts={len(pushes)} statuses={[p.status for p in pushes]} "
          f"deliveries={len(delivered)} retry_keys={sorted(keys)}")
    assert [p.status for p in pushes] == [500, 200]
    assert len(delivered) == 1 and len(keys) == 1 and keys == {_row(gateway, sent.outbox_id).retry_key}
    assert delivered[0].texts == [wording.LINE_STAFF_PREFIX + text]
    assert delivered[0].body["to"] == user
    assert _row(gateway, sent.outbox_id).attempts == 2

    talk = await asyncio.to_thread(service.conversation, gateway.db, "yamada", hid)
    assert talk["messages"][-1]["delivery"] == "sent" and talk["messages"][-1]["from"] == "staff"


async def test_rejected_push_is_shown_and_not_retried(
        gateway: Gateway, standin: LineStandin, line_contact: None) -> None:
    hid = await handed_off(gateway, standin, new_user_id())
    await asyncio.to_thread(service.take, gateway.db, STAFF, hid)
    standin.script(PUSH, 400)
    with pytest.raises(TakeoverError) as refused:
        await delivery.send(gateway.db, gateway.runtime, STAFF, hid, "お返事です。")
    assert refused.value.status == 502 and "LINEに届けられませんでした" in refused.value.reason
    await asyncio.sleep(0.4)
    assert len(standin.calls(PUSH)) == 1 and standin.deliveries(PUSH) == []
    talk = await asyncio.to_thread(service.conversation, gateway.db, "yamada", hid)
    assert talk["messages"][-1]["delivery"] == "failed"


async def test_rejection_is_shown_when_the_relay_took_the_row_first(
        gateway: Gateway, standin: LineStandin, line_contact: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The background relay may claim a fresh row before the inline attempt; the staff
    member must still be told that LINE refused it (this race once failed CI)."""
    hid = await handed_off(gateway, standin, new_user_id())
    await asyncio.to_thread(service.take, gateway.db, STAFF, hid)
    standin.script(PUSH, 400)
    relay = gateway.runtime.relay
    real_deliver = relay.deliver

    async def relay_got_there_first(row_id: int) -> str | None:
        asyncio.get_running_loop().call_later(0.2, lambda: asyncio.ensure_future(real_deliver(row_id)))
        return None  # the inline attempt finds the row leased by someone else

    monkeypatch.setattr(relay, "deliver", relay_got_there_first)
    with pytest.raises(TakeoverError) as refused:
        await delivery.send(gateway.db, gateway.runtime, STAFF, hid, "お返事です。")
    assert refused.value.status == 502 and "LINEに届けられませんでした" in refused.value.reason
    assert len(standin.calls(PUSH)) == 1


async def test_phone_contact_is_never_pushed(gateway: Gateway, standin: LineStandin) -> None:
    hid = await handed_off(gateway, standin, new_user_id())  # the fake's default: phone
    await asyncio.to_thread(service.take, gateway.db, STAFF, hid)
    with pytest.raises(TakeoverError) as refused:
        await delivery.send(gateway.db, gateway.runtime, STAFF, hid, "お返事です。")
    assert refused.value.status == 409 and "LINEでの連絡を希望していない" in refused.value.reason
    assert standin.calls(PUSH) == [] and gateway.count(OutboxMessage) == 0
