"""Rate limits (reliability S4): the shared limiter, and the web chat per session and per address."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from channels.app import create_app
from channels.line import ratelimit as line_ratelimit
from channels.rasa_client import RasaClient
from channels.ratelimit import SlidingWindowLimiter, Verdict
from channels.settings import Settings
from channels.store.db import Database
from channels.web.ratelimit import TOO_FAST, WebRateLimit
from tests.channels.factories import session_id
from tests.channels.fake_rasa import FakeRasaState, transport


class Clock:
    """A hand-moved monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_line_keeps_using_the_shared_limiter() -> None:
    assert line_ratelimit.SlidingWindowLimiter is SlidingWindowLimiter
    assert line_ratelimit.Verdict is Verdict


def test_sliding_window_allows_limit_then_warns_once_then_drops_until_the_window_moves() -> None:
    clock = Clock()
    limiter = SlidingWindowLimiter(limit=3, window=10.0, clock=clock)
    assert [limiter.check("a") for _ in range(3)] == [Verdict.ALLOW] * 3
    assert limiter.check("a") is Verdict.WARN
    assert limiter.check("a") is Verdict.DROP
    assert limiter.check("b") is Verdict.ALLOW  # another key is untouched
    clock.now += 10.0
    assert limiter.check("a") is Verdict.ALLOW


def test_sliding_window_memory_is_bounded() -> None:
    limiter = SlidingWindowLimiter(limit=1, window=60.0, max_keys=50)
    for i in range(500):
        limiter.check(f"k{i}")
    assert len(limiter._seen) <= 50


def test_web_limit_per_session_and_per_address() -> None:
    clock = Clock()
    limit = WebRateLimit(per_session=2, per_ip=5, window=60.0, clock=clock)
    assert limit.allows("s1", "10.0.0.1") and limit.allows("s1", "10.0.0.1")
    assert not limit.allows("s1", "10.0.0.1")  # the third message of one session
    assert limit.allows("s2", "10.0.0.1")  # another session at the same address goes on
    assert [limit.allows(f"n{i}", "10.0.0.1") for i in range(3)] == [True, True, False]  # 5 per address
    assert limit.allows("s3", "10.0.0.2")  # another address goes on
    clock.now += 60.0
    assert limit.allows("s1", "10.0.0.1")


@pytest.fixture
def limited_app(settings: Settings, db: Database, rasa_state: FakeRasaState) -> FastAPI:
    """The gateway with small limits: 3 messages per session, 5 per address, per minute."""
    small = dataclasses.replace(settings, web_rate_per_session=3, web_rate_per_ip=5)
    rasa = RasaClient(small.rasa_url, small.rasa_token, transport=transport(rasa_state))
    return create_app(small, rasa=rasa, db=db)


def post(client: TestClient, sid: str, text: str = "母のことで相談があります"):
    return client.post("/api/chat", json={"session_id": sid, "text": text})


def test_one_fast_session_gets_429_and_another_session_proceeds(
    limited_app: FastAPI, rasa_state: FakeRasaState
) -> None:
    with TestClient(limited_app, client=("198.51.100.7", 50000)) as client:
        fast = session_id()
        codes = [post(client, fast).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = post(client, fast)
        assert refused.status_code == 429
        assert refused.json() == {"error": TOO_FAST}
        assert refused.headers["retry-after"] == "60"
        assert refused.headers["content-type"].startswith("application/json")
        calls_before = len(rasa_state.calls)
        other = post(client, session_id())
        assert other.status_code == 200
        assert other.json()["replies"][0]["text"] == "お話しくださってありがとうございます。"
    assert len(rasa_state.calls) == calls_before + 1  # refused messages never reached Rasa
    assert len(rasa_state.calls) == 4


def test_one_fast_address_gets_429_and_another_address_proceeds(limited_app: FastAPI) -> None:
    # Two clients of one app (no lifespan: the `db` fixture migrated, and the Rasa client must stay open).
    flood = TestClient(limited_app, client=("198.51.100.8", 50000))
    neighbour = TestClient(limited_app, client=("203.0.113.9", 50000))
    codes = [post(flood, session_id()).status_code for _ in range(6)]  # a fresh session each time
    assert codes == [200] * 5 + [429]
    assert post(neighbour, session_id()).status_code == 200
    assert post(flood, session_id()).status_code == 429


def test_refusal_is_polite_japanese_with_emergency_numbers() -> None:
    assert "もう一度送ってください" in TOO_FAST
    assert "110" in TOO_FAST and "119" in TOO_FAST


def test_limits_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {"WEB_RATE_PER_SESSION": "7", "WEB_RATE_PER_IP": "70", "WEB_RATE_WINDOW_SECONDS": "30",
         "SESSION_SECRET": "x" * 32}
    )
    assert (settings.web_rate_per_session, settings.web_rate_per_ip, settings.web_rate_window_seconds) == (
        7, 70, 30)
