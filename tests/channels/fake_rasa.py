"""A stand-in for the Rasa server with recorded answer shapes, so gateway tests need no model.

Serves GET /, POST /webhooks/rest/webhook and POST /model/parse?token=... . The script:
any message → a question with buttons; 「はい、伝えてください」 → a custom handoff payload
(id stable per sender, so a repeat is the same record) followed by a text reply.
Use in-process (`transport`) or on a loopback port (`serve_in_thread`).
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

CONSENT = "はい、伝えてください"
DECLINE = "いいえ、伝えないでください"
CONSENT_WORDING = "あなたのお話を岐阜市の担当者に伝えてもよいですか?"
CRISIS_WORD = "死にたい"
CRISIS_TEXT = (
    "いま、とてもつらいのですね。命の危険があるときは、すぐに 110 か 119 に電話してください。"
    "いのちの電話 0570-783-556、よりそいホットライン 0120-279-338 でも話を聞いてもらえます。"
)


@dataclass
class FakeRasaState:
    """What the fake saw, and switches for faults."""

    token: str = "rasa-test-token"
    down: bool = False
    calls: list[dict[str, Any]] = field(default_factory=list)
    words: dict[str, list[str]] = field(default_factory=dict)


def handoff_record(sender: str, words: list[str]) -> dict[str, Any]:
    """A contract §6 record as action_handoff sends it (channel is set by the gateway)."""
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, "fake-rasa:" + sender)),
        "created_at": "2026-11-28T10:00:00+09:00",
        "channel": "web",
        "status": "new",
        "consent": {"share_with_staff": True, "at": "2026-11-28T10:00:00+09:00", "wording": CONSENT_WORDING},
        "contact": {"preferred": "phone", "detail": "平日の午後"},
        "household": [
            {
                "relation": "mother",
                "age": {"min": 80, "max": 89},
                "categories": ["elderly_care"],
                "notes": ["夜中に家を出てしまう"],
            }
        ],
        "categories": ["elderly_care", "hikikomori"],
        "crisis": {"level": "none", "types": []},
        "counters_explained": ["地域包括支援センター", "ひきこもり相談室"],
        "resident_words": list(words),
        "summary_ja": "80代の母の介護と、ひきこもりの子についての相談。",
        "writer": "family",
    }


def _turn(state: FakeRasaState, sender: str, text: str) -> list[dict[str, Any]]:
    if text == CONSENT:
        words = state.words.get(sender, [])
        return [
            {"recipient_id": sender, "custom": {"handoff": handoff_record(sender, words)}},
            {"recipient_id": sender, "text": "ありがとうございます。担当者がお話を読みます。"},
        ]
    if text == DECLINE:
        return [{"recipient_id": sender, "text": "わかりました。窓口に直接ご相談いただくこともできます。"}]
    state.words.setdefault(sender, []).append(text)
    if CRISIS_WORD in text:
        return [
            {"recipient_id": sender, "custom": {"crisis": {"level": "urgent", "types": ["suicide"]}}},
            {"recipient_id": sender, "text": CRISIS_TEXT},
        ]
    return [
        {"recipient_id": sender, "text": "お話しくださってありがとうございます。"},
        {
            "recipient_id": sender,
            "text": CONSENT_WORDING,
            "buttons": [{"title": CONSENT, "payload": CONSENT}, {"title": DECLINE, "payload": DECLINE}],
        },
    ]


def _parse(text: str) -> dict[str, Any]:
    if "ヤングケアラー" in text:
        categories = ["child_protection"]
        counters = [{"name": "こども家庭センター", "why": "ヤングケアラーの相談を受けている窓口です"}]
    elif "8050" in text:
        categories = ["elderly_care", "hikikomori"]
        counters = [
            {"name": "地域包括支援センター", "why": "高齢の方の介護の相談先です"},
            {"name": "ひきこもり相談室", "why": "ひきこもりの相談先です"},
        ]
    else:
        categories, counters = [], []
    return {
        "text": text,
        "intent": {"name": "inform", "confidence": 0.9},
        "entities": [],
        "intake": {
            "categories": categories,
            "members": [],
            "crisis": {"level": "none", "types": []},
            "counters": counters,
            "writer": "professional",
        },
    }


def create_fake_rasa(state: FakeRasaState) -> Starlette:
    """The ASGI app of the fake."""

    async def root(request: Request) -> PlainTextResponse:
        if state.down:
            return PlainTextResponse("down", status_code=503)
        return PlainTextResponse("Hello from Rasa: 3.6.21")

    async def webhook(request: Request) -> JSONResponse:
        body = await request.json()
        state.calls.append({"path": "webhook", **body})
        if state.down:
            return JSONResponse({"error": "down"}, status_code=503)
        return JSONResponse(_turn(state, body["sender"], body["message"]))

    async def parse(request: Request) -> JSONResponse:
        if request.query_params.get("token") != state.token:
            return JSONResponse({"status": "failure", "reason": "NotAuthenticated"}, status_code=401)
        body = await request.json()
        state.calls.append({"path": "parse", **body})
        if state.down:
            return JSONResponse({"error": "down"}, status_code=503)
        return JSONResponse(_parse(body["text"]))

    return Starlette(
        routes=[
            Route("/", root),
            Route("/webhooks/rest/webhook", webhook, methods=["POST"]),
            Route("/model/parse", parse, methods=["POST"]),
        ]
    )


def transport(state: FakeRasaState) -> httpx.ASGITransport:
    """In-process transport for RasaClient(transport=...)."""
    return httpx.ASGITransport(app=create_fake_rasa(state))


class ServerThread:
    """uvicorn on a loopback port in a thread (browser tests); stop() ends it."""

    def __init__(self, app: Any, port: int) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
