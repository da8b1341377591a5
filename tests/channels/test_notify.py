"""STAFF_NOTIFY_URL (reliability C2, R1): an urgent handoff is announced to a receiver, ids only,
durably through the outbox, retried after a 500 with the same Idempotency-Key."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from starlette.testclient import TestClient

from channels.app import create_app
from channels.line.outbox import RetryPolicy
from channels.rasa_client import RasaClient
from channels.settings import Settings
from channels.store.db import Database
from tests.channels import fake_rasa as fake_rasa_module
from tests.channels.factories import session_id
from tests.channels.fake_rasa import CONSENT, FakeRasaState, transport

WORDS = "夫に殴られて、家にいるのがこわいです"


class Receiver:
    """A tiny local on-duty endpoint: answers the scripted statuses, then 200."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.seen: list[tuple[int, dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                receiver.seen.append((status, dict(self.headers.items()), body))
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/notify"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def urgent(monkeypatch: pytest.MonkeyPatch) -> None:
    original = fake_rasa_module.handoff_record

    def record(sender: str, words: list[str]) -> dict[str, Any]:
        return {**original(sender, words), "crisis": {"level": "urgent", "types": ["violence"]}}

    monkeypatch.setattr(fake_rasa_module, "handoff_record", record)


def test_urgent_handoff_is_notified_without_resident_text(
        settings: Settings, db: Database, rasa_state: FakeRasaState, urgent: None) -> None:
    receiver = Receiver([500])
    try:
        app = create_app(
            dataclasses.replace(settings, staff_notify_url=receiver.url),
            rasa=RasaClient(settings.rasa_url, settings.rasa_token, transport=transport(rasa_state)),
            db=db,
        )
        app.state.notify_policy = RetryPolicy(base_seconds=0.05, cap_seconds=0.2, max_attempts=5,
                                              lease_seconds=2.0, poll_seconds=0.05)
        with TestClient(app) as client:
            sid = session_id()
            client.post("/api/chat", json={"session_id": sid, "text": WORDS})
            client.post("/api/chat", json={"session_id": sid, "text": CONSENT})
            deadline = time.monotonic() + 10
            while len([s for s in receiver.seen if s[0] == 200]) < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(0.3)
            bearer = {"Authorization": f"Bearer {settings.staff_api_tokens[0]}"}
            hid = client.get("/api/handoffs", headers=bearer).json()[0]["id"]
    finally:
        receiver.stop()
    assert [s for s, _h, _b in receiver.seen] == [500, 200]
    keys = {h.get("Idempotency-Key") for _s, h, _b in receiver.seen}
    assert len(keys) == 1 and None not in keys
    body = json.loads(receiver.seen[-1][2])
    assert set(body) == {"handoff_id", "level", "created_at"}
    assert body["handoff_id"] == hid and body["level"] == "urgent"
    assert "殴" not in receiver.seen[-1][2].decode() and "殴" not in receiver.seen[0][2].decode()


def test_calm_handoff_is_not_notified(settings: Settings, db: Database, rasa_state: FakeRasaState) -> None:
    receiver = Receiver([])
    try:
        app = create_app(
            dataclasses.replace(settings, staff_notify_url=receiver.url),
            rasa=RasaClient(settings.rasa_url, settings.rasa_token, transport=transport(rasa_state)),
            db=db,
        )
        with TestClient(app) as client:
            sid = session_id()
            client.post("/api/chat", json={"session_id": sid, "text": "母の介護のこと"})
            client.post("/api/chat", json={"session_id": sid, "text": CONSENT})
            time.sleep(0.3)
    finally:
        receiver.stop()
    assert receiver.seen == []


def test_console_alerts_list_urgent_new_handoffs(
        client: TestClient, staff_account: str, urgent: None) -> None:
    from tests.channels.conftest import login

    login(client)
    assert client.get("/staff/alerts").json() == {"urgent": []}
    sid = session_id()
    client.post("/api/chat", json={"session_id": sid, "text": WORDS})
    client.post("/api/chat", json={"session_id": sid, "text": CONSENT})
    urgent_now = client.get("/staff/alerts").json()["urgent"]
    assert len(urgent_now) == 1 and set(urgent_now[0]) == {"id", "created_at", "waited_seconds"}
    page = client.get("/staff")
    assert 'id="alerts"' in page.text and "/static/console.js" in page.text
    assert "受付時間" in page.text or "開庁" in page.text or "閉庁" in page.text
