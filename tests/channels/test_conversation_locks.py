"""One turn at a time per conversation (R5), and unfinished turns reverted in Rasa."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from channels.conversation import RASA_DOWN, RETRY_LATER, Conversations
from channels.store.locks import AdvisoryLocks, LocalLocks, LockUnavailable, advisory_key, conversation_locks

from .own_loop import in_own_loop


class SlowRasa:
    """Records overlapping turns; answers after a short pause (or nothing, to mimic a dead action server)."""

    def __init__(self, answer: list[dict[str, Any]] | None = None) -> None:
        self.answer = answer if answer is not None else [{"text": "はい、聞いています。"}]
        self.active: dict[str, int] = {}
        self.max_overlap: dict[str, int] = {}
        self.reverted: list[str] = []

    async def send_message(self, sender: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
        self.active[sender] = self.active.get(sender, 0) + 1
        self.max_overlap[sender] = max(self.max_overlap.get(sender, 0), self.active[sender])
        await asyncio.sleep(0.05)
        self.active[sender] -= 1
        return list(self.answer)

    async def revert_turn(self, sender: str, turn_id: str) -> bool:
        self.reverted.append(sender)
        return True


class NoSink:
    def save_handoff(self, record: dict[str, Any], channel: str, sender_id: str) -> bool:
        raise AssertionError("no handoff expected")


@in_own_loop
async def test_turns_of_one_conversation_never_overlap_but_others_do() -> None:
    rasa = SlowRasa()
    conversations = Conversations(rasa, NoSink())  # type: ignore[arg-type]
    await asyncio.gather(*(conversations.handle("web", sid, "こんにちは") for sid in ["a"] * 5 + ["b"] * 5))
    assert rasa.max_overlap == {"web:a": 1, "web:b": 1}
    assert len(conversations.locks) == 0  # type: ignore[arg-type]  # nothing kept once idle


@in_own_loop
async def test_empty_answer_reverts_the_turn_and_asks_to_resend() -> None:
    rasa = SlowRasa(answer=[])
    replies = await Conversations(rasa, NoSink()).handle("web", "s", "母のことで")  # type: ignore[arg-type]
    assert [r.text for r in replies] == [RASA_DOWN]
    assert rasa.reverted == ["web:s"]


@in_own_loop
async def test_unavailable_lock_gives_polite_retry() -> None:
    class Broken(LocalLocks):
        def hold(self, key: str):  # type: ignore[override]
            raise LockUnavailable("OperationalError")

    conversations = Conversations(SlowRasa(), NoSink(), locks=Broken())  # type: ignore[arg-type]
    assert [r.text for r in await conversations.handle("web", "s", "こんにちは")] == [RETRY_LATER]


def test_advisory_key_is_a_stable_signed_64_bit_number() -> None:
    key = advisory_key("web-abc")
    assert key == advisory_key("web-abc") and -(2**63) <= key < 2**63
    assert key != advisory_key("web-abd")


def test_sqlite_gets_local_locks() -> None:
    assert isinstance(conversation_locks("sqlite:///var/x.sqlite3"), LocalLocks)
    assert isinstance(conversation_locks("postgresql://u:p@127.0.0.1:5432/d"), AdvisoryLocks)


@in_own_loop
async def test_advisory_locks_serialize_two_gateways() -> None:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set (scripts/pg-test-server.sh start)")
    first, second = AdvisoryLocks(url), AdvisoryLocks(url)  # as two gateway processes would
    order: list[str] = []

    async def turn(locks: AdvisoryLocks, name: str) -> None:
        async with locks.hold("web-same-conversation"):
            order.append(f"{name} in")
            await asyncio.sleep(0.2)
            order.append(f"{name} out")

    await asyncio.gather(turn(first, "A"), turn(second, "B"))
    assert order in (["A in", "A out", "B in", "B out"], ["B in", "B out", "A in", "A out"])
    short = AdvisoryLocks(url, wait_seconds=0.2)
    async with first.hold("web-busy"):
        with pytest.raises(LockUnavailable):
            async with short.hold("web-busy"):
                pass
