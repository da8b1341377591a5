"""Contract §8 over HTTP on SQLite and PostgreSQL: takeover, staff messages, web feed, release, audit.

Also the database-enforced single holder (two staff at once → one wins, one gets 409).
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from channels.staff.auth import StaffIdentity
from channels.store import audit
from channels.store.db import Database
from channels.store.models import AuditLog, ConversationMessage, Takeover
from channels.takeover import service, wording
from channels.takeover.service import TakeoverError
from tests.channels.conftest import API_TOKEN, login
from tests.channels.factories import session_id
from tests.channels.fake_rasa import CONSENT, FakeRasaState

BEARER = {"Authorization": f"Bearer {API_TOKEN}"}


def chat(client: TestClient, sid: str, text: str) -> list[str]:
    response = client.post("/api/chat", json={"session_id": sid, "text": text})
    assert response.status_code == 200, response.text
    return [r["text"] for r in response.json()["replies"]]


def handed_off(client: TestClient) -> tuple[str, str]:
    """A web resident who reached a handoff: (session id, handoff id)."""
    sid = session_id()
    chat(client, sid, "母が認知症で、夜中に家を出てしまいます。")
    chat(client, sid, CONSENT)
    handoffs = client.get("/api/handoffs", headers=BEARER).json()
    return sid, handoffs[-1]["id"]


def webhook_calls(state: FakeRasaState) -> int:
    return sum(1 for call in state.calls if call["path"] == "webhook")


def test_handoff_reply_carries_availability(client: TestClient) -> None:
    sid = session_id()
    chat(client, sid, "母が認知症で心配です")
    replies = chat(client, sid, CONSENT)
    assert any("開庁時間内に担当者が確認します" in text for text in replies)


def test_take_write_release_on_the_web(client: TestClient, rasa_state: FakeRasaState, db: Database) -> None:
    sid, hid = handed_off(client)
    taken = client.post(f"/api/handoffs/{hid}/takeover", headers=BEARER)
    assert taken.status_code == 200 and taken.json()["held_by"] == "APIトークン1"
    assert client.get(f"/api/handoffs/{hid}", headers=BEARER).json()["status"] == "accepted"

    before = webhook_calls(rasa_state)
    assert chat(client, sid, "今日は家にいます。") == [wording.ACK_TAKEN_OVER]  # once per takeover
    assert chat(client, sid, "夕方なら電話に出られます。") == []
    assert webhook_calls(rasa_state) == before  # Rasa's tracker is untouched while taken over

    sent = client.post(f"/api/handoffs/{hid}/messages", headers=BEARER, json={"text": "市の山田です。"})
    assert sent.status_code == 201, sent.text
    assert set(sent.json()) == {"id", "delivered_via", "at"} and sent.json()["delivered_via"] == "web"

    feed = client.get(f"/api/chat/{sid}/messages?after=0").json()
    assert feed["messages"] == [{"from": "staff", "text": "市の山田です。", "at": sent.json()["at"]}]
    assert client.get(f"/api/chat/{sid}/messages?after={feed['cursor']}").json()["messages"] == []

    talk = client.get(f"/api/handoffs/{hid}/messages", headers=BEARER).json()
    sides = [(m["from"], m["text"]) for m in talk["messages"]]
    assert ("resident", "今日は家にいます。") in sides and ("resident", "夕方なら電話に出られます。") in sides
    assert sides[-1] == ("staff", "市の山田です。") and talk["messages"][-1]["staff_name"] == "APIトークン1"
    assert [s for s, _ in sides].count("assistant") >= 2  # the handoff answer and the acknowledgement
    ids = [int(m["id"]) for m in talk["messages"]]
    assert ids == sorted(ids)

    assert client.post(f"/api/handoffs/{hid}/release", headers=BEARER).json()["released"] is True
    assert chat(client, sid, "ありがとうございました。") != []
    assert webhook_calls(rasa_state) == before + 1  # the assistant answers again, same sender

    actions = {(r.action, r.handoff_id) for r in _audit(db)}
    for action in ("take", "status:accepted", "reply", "read_messages", "release"):
        assert (action, hid) in actions, action


def _audit(db: Database) -> list[AuditLog]:
    with db.session() as session:
        return list(audit.entries(session))


def test_staff_only(client: TestClient, staff_account: str) -> None:
    _sid, hid = handed_off(client)
    for method, path in (
        ("post", f"/api/handoffs/{hid}/takeover"),
        ("post", f"/api/handoffs/{hid}/release"),
        ("get", f"/api/handoffs/{hid}/messages"),
    ):
        assert getattr(client, method)(path).status_code == 401
    assert client.post(f"/api/handoffs/{hid}/messages", json={"text": "x"}).status_code == 401
    csrf = login(client)
    assert client.post(f"/api/handoffs/{hid}/takeover").status_code == 403  # session without CSRF
    assert client.post(f"/api/handoffs/{hid}/takeover", headers={"X-CSRF-Token": csrf}).status_code == 200


def test_write_needs_takeover_and_feed_checks_session(client: TestClient) -> None:
    _sid, hid = handed_off(client)
    refused = client.post(f"/api/handoffs/{hid}/messages", headers=BEARER, json={"text": "こんにちは"})
    assert refused.status_code == 409 and refused.json()["error"] == wording.NOT_HELD
    assert client.get("/api/chat/short/messages").status_code == 404
    assert client.get(f"/api/chat/{session_id()}/messages").json() == {"messages": [], "cursor": "0"}
    assert client.post("/api/handoffs/nope-0000/takeover", headers=BEARER).status_code == 404


def test_feed_as_server_sent_events(client: TestClient, app: Any) -> None:
    sid, hid = handed_off(client)
    client.post(f"/api/handoffs/{hid}/takeover", headers=BEARER)
    client.post(f"/api/handoffs/{hid}/messages", headers=BEARER, json={"text": "お電話してもよいですか。"})
    with client.stream("GET", f"/api/chat/{sid}/messages", headers={"Accept": "text/event-stream"}) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = []
        for line in stream.iter_lines():
            lines.append(line)
            if line.startswith("data:"):
                break
    assert any("お電話してもよいですか。" in line for line in lines)
    assert any(line.startswith("id:") for line in lines)


def _staff(name: str) -> StaffIdentity:
    return StaffIdentity(name, name + "さん", via="session", csrf_token="x")


@pytest.mark.parametrize("rounds", [8])
def test_two_staff_take_at_once_one_wins(client: TestClient, db: Database, rounds: int) -> None:
    """Threads race on the database's partial unique index; never two holders."""
    for _ in range(rounds):
        _sid, hid = handed_off(client)
        barrier = threading.Barrier(2)
        outcomes: list[int] = []

        def take(name: str, hid: str = hid, barrier: threading.Barrier = barrier,
                 outcomes: list[int] = outcomes) -> None:
            barrier.wait()
            try:
                service.take(db, _staff(name), hid)
                outcomes.append(200)
            except TakeoverError as exc:
                outcomes.append(exc.status)

        threads = [threading.Thread(target=take, args=(n,)) for n in ("sato", "suzuki")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert sorted(outcomes) == [200, 409]
        with db.session() as session:
            active = session.scalars(
                select(Takeover).where(Takeover.handoff_id == hid, Takeover.released_at.is_(None))
            ).all()
        assert len(active) == 1


def test_second_staff_gets_409_over_http(client: TestClient, db: Database) -> None:
    _sid, hid = handed_off(client)
    service.take(db, _staff("sato"), hid)
    refused = client.post(f"/api/handoffs/{hid}/takeover", headers=BEARER)
    assert refused.status_code == 409 and "satoさん" in refused.json()["error"]


def test_messages_are_stored_verbatim(client: TestClient, db: Database) -> None:
    sid, hid = handed_off(client)
    client.post(f"/api/handoffs/{hid}/takeover", headers=BEARER)
    odd = "  <b>改行\nと 空白</b> 🙂"
    chat(client, sid, odd)
    with db.session() as session:
        stmt = select(ConversationMessage.text).where(ConversationMessage.author == "resident")
        texts = list(session.scalars(stmt))
    assert texts == [odd.strip()]
