"""POST /api/chat (contract §5), the handoff store behind it, and /healthz."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select
from starlette.testclient import TestClient

from channels.store.db import Database
from channels.store.models import Handoff
from tests.channels.factories import session_id
from tests.channels.fake_rasa import CONSENT, FakeRasaState


def count_handoffs(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Handoff)) or 0)


def chat(client: TestClient, sid: str, text: str) -> dict:
    response = client.post("/api/chat", json={"session_id": sid, "text": text})
    assert response.status_code == 200, response.text
    return response.json()


def test_reply_with_quick_replies(client: TestClient) -> None:
    sid = session_id()
    body = chat(client, sid, "母が認知症で心配です")
    assert body["session_id"] == sid
    assert body["replies"][0]["text"] == "お話しくださってありがとうございます。"
    assert body["replies"][-1]["quick_replies"] == [CONSENT, "いいえ、伝えないでください"]


def test_consent_stores_one_handoff_even_when_repeated(client: TestClient, db: Database) -> None:
    sid = session_id()
    chat(client, sid, "母が認知症で心配です")
    first = chat(client, sid, CONSENT)
    second = chat(client, sid, CONSENT)
    assert first["replies"][0]["text"].startswith("ありがとうございます")
    assert second["replies"] == first["replies"]
    assert count_handoffs(db) == 1
    with db.session() as session:
        row = session.scalars(select(Handoff)).one()
    assert row.channel == "web"
    assert row.status == "new"
    assert sid not in row.sender_key and len(row.sender_key) == 64
    assert row.record["resident_words"] == ["母が認知症で心配です"]


def test_rasa_sees_a_hashed_sender_not_the_session_id(client: TestClient, rasa_state: FakeRasaState) -> None:
    sid = session_id()
    chat(client, sid, "こんにちは")
    sender = rasa_state.calls[-1]["sender"]
    assert sid not in sender and sender.startswith("web-")


def test_store_failure_gives_polite_retry_and_no_row(
    client: TestClient, db: Database, app, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = session_id()
    chat(client, sid, "相談したいです")

    def broken(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(app.state.conversations.sink, "save_handoff", broken)
    body = chat(client, sid, CONSENT)
    assert len(body["replies"]) == 1
    assert "少し時間をおいて、もう一度送ってください" in body["replies"][0]["text"]
    assert count_handoffs(db) == 0


def test_commit_failure_leaves_nothing_half_written(
    client: TestClient, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.orm import Session

    sid = session_id()
    chat(client, sid, "相談したいです")

    def failing_commit(self):
        raise RuntimeError("commit lost")

    monkeypatch.setattr(Session, "commit", failing_commit)
    body = chat(client, sid, CONSENT)
    monkeypatch.undo()
    assert "もう一度送ってください" in body["replies"][0]["text"]
    assert count_handoffs(db) == 0


def test_invalid_handoff_payload_is_not_stored(client: TestClient, db: Database, monkeypatch) -> None:
    import tests.channels.fake_rasa as fake

    original = fake.handoff_record
    monkeypatch.setattr(fake, "handoff_record", lambda s, w: {**original(s, w), "eligibility": "granted"})
    sid = session_id()
    chat(client, sid, "相談したいです")
    body = chat(client, sid, CONSENT)
    assert "もう一度送ってください" in body["replies"][0]["text"]
    assert count_handoffs(db) == 0


def test_rasa_down_gives_static_acknowledgement(client: TestClient, rasa_state: FakeRasaState) -> None:
    rasa_state.down = True
    body = chat(client, session_id(), "助けてください")
    text = body["replies"][0]["text"]
    assert "110" in text and "119" in text


BAD_BODIES = [
    pytest.param({"session_id": "a" * 20, "text": ""}, id="empty"),
    pytest.param({"session_id": "a" * 20, "text": " \n\t　"}, id="whitespace"),
    pytest.param({"session_id": "a" * 20}, id="no-text"),
    pytest.param({"text": "こんにちは"}, id="no-session"),
    pytest.param({"session_id": "a" * 20, "text": 123}, id="text-number"),
    pytest.param({"session_id": "a" * 20, "text": ["a"]}, id="text-list"),
    pytest.param({"session_id": "a" * 20, "text": None}, id="text-null"),
    pytest.param({"session_id": 12345678901234567890, "text": "x"}, id="session-number"),
    pytest.param({"session_id": "short", "text": "x"}, id="session-short"),
    pytest.param({"session_id": "a" * 129, "text": "x"}, id="session-long"),
    pytest.param({"session_id": "a" * 15 + "/../", "text": "x"}, id="session-chars"),
    pytest.param({"session_id": "a" * 20, "text": "x", "extra": 1}, id="extra-key"),
    pytest.param({"session_id": "a" * 20, "text": "あ" * 2001}, id="text-too-long"),
    pytest.param([], id="array"),
    pytest.param("text", id="string"),
]


@pytest.mark.parametrize("body", BAD_BODIES)
def test_bad_input_is_4xx_json(client: TestClient, db: Database, rasa_state: FakeRasaState, body) -> None:
    response = client.post("/api/chat", json=body)
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("application/json")
    assert isinstance(response.json()["error"], str) and response.json()["error"]
    assert rasa_state.calls == []
    assert count_handoffs(db) == 0


# Blank in at least one regex dialect or in str.strip: Python's whitespace, ECMAScript's \s
# (OpenAPI clients, schemathesis), and U+FEFF. Schemathesis once sent 「\u0085」 alone.
BLANKS = sorted({chr(c) for c in range(0x3001) if chr(c).isspace()}
                | set("\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"))


@pytest.mark.parametrize("blank", BLANKS, ids=[f"U+{ord(b):04X}" for b in BLANKS])
def test_a_blank_message_is_refused_by_the_schema_and_the_server_alike(
        client: TestClient, rasa_state: FakeRasaState, blank: str) -> None:
    """The published pattern does not match a blank-only text, and the server refuses it
    (422) with the empty-message answer: no client can send what the schema allows and
    be refused."""
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    text_schemas = [s["properties"]["text"] for s in schemas.values() if "text" in s.get("properties", {})
                    and "pattern" in s["properties"]["text"]]
    assert text_schemas and all(re.search(t["pattern"], blank * 3) is None for t in text_schemas)
    response = client.post("/api/chat", json={"session_id": "a" * 20, "text": blank * 3})
    assert response.status_code == 422
    assert "空" in response.json()["error"]
    assert rasa_state.calls == []


@pytest.mark.parametrize(
    "raw",
    [
        b"\xff\xfe\xfa",
        b'{"session_id": "aaaaaaaaaaaaaaaaaaaa", "text": "\xe3\x81"}',
        b"{not json",
        b"",
        b"null",
    ],
    ids=["bytes", "bad-utf8", "malformed", "empty", "null"],
)
def test_malformed_body_is_400_or_422(client: TestClient, raw: bytes) -> None:
    response = client.post("/api/chat", content=raw, headers={"content-type": "application/json"})
    assert response.status_code in (400, 422)
    assert "error" in response.json()


def test_one_megabyte_with_content_length_is_413(client: TestClient, rasa_state: FakeRasaState) -> None:
    body = json.dumps({"session_id": "a" * 20, "text": "あ" * 350_000}).encode()
    assert len(body) >= 1_000_000
    response = client.post("/api/chat", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "大きすぎます" in response.json()["error"]
    assert rasa_state.calls == []


def test_one_megabyte_chunked_is_413(client: TestClient, rasa_state: FakeRasaState) -> None:
    chunks = (b"x" * 65_536 for _ in range(16))
    response = client.post("/api/chat", content=chunks, headers={"content-type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert rasa_state.calls == []


def test_html_text_is_passed_verbatim_and_stored_verbatim(client: TestClient, db: Database) -> None:
    sid = session_id()
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    chat(client, sid, evil)
    chat(client, sid, CONSENT)
    with db.session() as session:
        row = session.scalars(select(Handoff)).one()
    assert row.record["resident_words"] == [evil]


def test_page_is_japanese_with_privacy_note_and_no_cdn(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="ja">' in html
    for phrase in (
        "市の担当者",
        "同意",
        "支援会議",
        "命や体に危険",
        "決めない・診断しない・約束しない",
        "110",
        "119",
    ):
        assert phrase in html
    assert 'aria-live="polite"' in html
    assert "http://" not in html and "https://" not in html
    assert client.get("/static/chat.js").status_code == 200
    assert client.get("/static/app.css").status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_healthz_ok_and_degraded(client: TestClient, rasa_state: FakeRasaState) -> None:
    ok = client.get("/healthz")
    assert ok.status_code == 200
    assert ok.json()["parts"] == {"gateway": "ok", "rasa": "ok", "store": "ok"}
    rasa_state.down = True
    down = client.get("/healthz")
    assert down.status_code == 503
    assert down.json()["parts"]["rasa"] == "down"


def test_healthz_reports_store_down(client: TestClient, app, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app.state.db, "ping", lambda: False)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["parts"]["store"] == "down"
