"""Reliability S1: no message text, phone number or raw LINE userId in any captured log."""
from __future__ import annotations

import logging

import pytest

from channels.line.ratelimit import SlidingWindowLimiter
from tests.channels.line.conftest import FakeRasa, Gateway
from tests.channels.line.factories import line_event, line_text_event, new_user_id, webhook_body
from tests.channels.line.standin import PUSH, REPLY, LineStandin

CANARY = "カナリア太郎 090-0000-0000"


async def test_canary_never_reaches_the_logs(gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin,
                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    user = new_user_id()
    group = {"type": "group", "groupId": "C" + new_user_id()[1:], "userId": user}
    gateway.runtime.processor.limiter = SlidingWindowLimiter(limit=2, window=60.0)
    standin.script(REPLY, 400)
    standin.script(PUSH, 500)
    events = [
        line_event("follow", user_id=user, follow={"isUnblocked": False}),
        line_text_event(CANARY, user_id=user),
        line_text_event(CANARY, user_id=user),
        line_text_event(CANARY, user_id=user),  # over the rate limit
        line_text_event(CANARY, source=group),
        line_event("postback", user_id=user, postback={"data": CANARY}),
        line_event("messageEdited", user_id=user,
                   message={"id": "1", "type": "text", "text": CANARY, "quoteToken": "q"}),
        line_event("unsend", user_id=user, unsend={"messageId": "1"}),
        line_event("unfollow", user_id=user, reply_token=None),
    ]
    for event in events:
        assert (await gateway.post(webhook_body(event))).status_code == 200
        await gateway.settle()
    assert (await gateway.post(webhook_body(line_text_event(CANARY)), "bad-signature")).status_code == 400
    await gateway.settle(lambda: len(standin.requests) >= 4)
    assert CANARY in fake_rasa.texts  # it did travel through the whole path
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in ("カナリア", "090-0000-0000", user, group["groupId"]):
        assert secret not in logged, secret
