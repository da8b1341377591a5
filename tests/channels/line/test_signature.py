"""Reliability L1, L2, L3 (as the contract words it), L5: the signature gate of POST /callback."""
from __future__ import annotations

import hmac
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from channels.app import create_app
from channels.rasa_client import RasaClient
from channels.store.db import Database
from channels.store.models import OutboxMessage
from tests.channels.fake_rasa import FakeRasaState
from tests.channels.line.conftest import FakeRasa, Gateway, gateway_settings
from tests.channels.line.factories import line_text_event, new_secret, sign, webhook_body
from tests.channels.line.standin import REPLY, LineStandin


async def test_valid_signature_on_japanese_emoji_body_gets_one_reply(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin) -> None:
    body = webhook_body(line_text_event("母が認知症で、夜も眠れません😢 どうしたら…"))
    response = await gateway.post(body)
    assert response.status_code == 200
    await gateway.settle(lambda: len(standin.deliveries(REPLY)) == 1)
    assert fake_rasa.texts == ["母が認知症で、夜も眠れません😢 どうしたら…"]
    assert len(standin.requests) == 1 and gateway.processed() == 1


def _flip_one_byte(body: bytes) -> bytes:
    middle = len(body) // 2
    return body[:middle] + bytes([body[middle] ^ 0x01]) + body[middle + 1:]


@pytest.mark.parametrize("case", ["flipped-byte", "missing", "empty", "blank", "not-base64",
                                  "other-secret", "non-utf8-body"])
async def test_bad_signature_or_body_is_400_and_touches_nothing(
        gateway: Gateway, fake_rasa: FakeRasa, standin: LineStandin, case: str) -> None:
    body = webhook_body(line_text_event("こんにちは"))
    signature: str | None = sign(body, gateway.secret)
    if case == "flipped-byte":
        body = _flip_one_byte(body)
    elif case == "missing":
        signature = None
    elif case == "empty":
        signature = ""
    elif case == "blank":
        signature = "   "
    elif case == "not-base64":
        signature = "%%%not base64%%%"
    elif case == "other-secret":
        signature = sign(body, new_secret())
    elif case == "non-utf8-body":
        body = body.replace("こんにちは".encode(), b"\xff\xfe\x80")
        signature = sign(body, gateway.secret)  # even correctly signed, it is not a LINE body
    response = await gateway.post(body, signature)
    assert response.status_code == 400
    assert "error" in response.json()
    await gateway.settle()
    assert gateway.processed() == 0 and gateway.count(OutboxMessage) == 0
    assert fake_rasa.calls == [] and standin.requests == []


async def test_empty_event_list_is_200(gateway: Gateway, standin: LineStandin) -> None:
    """LINE's "Verify" button sends a signed body without events."""
    response = await gateway.post(b'{"destination": "U0", "events": []}')
    assert response.status_code == 200
    assert gateway.processed() == 0 and standin.requests == []


@pytest.mark.parametrize("body", [b"not json", b"[]", b'{"events": [1]}', b'{"no": "events"}', b""])
async def test_signed_but_malformed_body_is_400(gateway: Gateway, body: bytes) -> None:
    response = await gateway.post(body)
    assert response.status_code == 400
    assert gateway.processed() == 0


async def test_comparison_is_constant_time(gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    """L2: the SDK's validator goes through hmac.compare_digest."""
    seen: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    body = webhook_body()
    assert (await gateway.post(body)).status_code == 200
    assert (await gateway.post(body, sign(body, new_secret()))).status_code == 400
    assert len(seen) == 2


@pytest.mark.parametrize("secret, token", [(None, "token"), ("", "token"), ("secret-x", None)])
async def test_unconfigured_channel_answers_503(tmp_path: Path, standin: LineStandin, fake_rasa: FakeRasa,
                                                secret: str | None, token: str | None) -> None:
    """Contract §7: without LINE_CHANNEL_SECRET (or the token to answer with) /callback is 503."""
    settings_ = gateway_settings(tmp_path, secret or None, standin.base_url, token=token)
    app = create_app(settings_, rasa=RasaClient("http://rasa.test", transport=fake_rasa.transport),
                     db=Database(settings_.database_url))
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client:
            body = webhook_body(line_text_event("こんにちは"))
            response = await client.post("/callback", content=body,
                                         headers={"x-line-signature": sign(body, "secret-x")})
    assert response.status_code == 503
    assert fake_rasa.calls == []


@pytest.fixture
def sync_gateway(tmp_path: Path, standin: LineStandin) -> TestClient:
    """A gateway driven by Starlette's TestClient, for Hypothesis (which runs sync examples)."""
    secret = "hypothesis-" + new_secret()
    settings_ = gateway_settings(tmp_path, secret, standin.base_url)
    rasa = RasaClient("http://rasa.test", transport=FakeRasa(FakeRasaState()).transport)
    app = create_app(settings_, rasa=rasa, db=Database(settings_.database_url))
    app.state.test_secret = secret
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


_bodies = st.one_of(st.binary(max_size=300),
                    st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")),
                    st.builds(lambda t: webhook_body(line_text_event(t)), st.text(max_size=50)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_bodies, signature=st.one_of(st.text(max_size=60), st.just("sign")), flip=st.booleans())
def test_random_pairs_never_pass_without_the_right_signature(
        sync_gateway: TestClient, body: bytes, signature: str, flip: bool) -> None:
    """Hypothesis: 2xx only when the signature is HMAC(body); never a 5xx."""
    secret = sync_gateway.app.state.test_secret
    right = sign(body, secret)
    if signature == "sign":
        signature = right if not flip else right[:-2] + ("A" if right[-2] != "A" else "B") + right[-1]
    headers = {"x-line-signature": signature.encode("utf-8", "surrogatepass").decode("latin-1")}
    try:
        response = sync_gateway.post("/callback", content=body, headers=headers)
    except (UnicodeEncodeError, httpx.LocalProtocolError):
        return  # the client cannot even send such a header
    assert response.status_code < 500
    if 200 <= response.status_code < 300:
        assert hmac.compare_digest(signature, right)
