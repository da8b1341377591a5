"""Fixtures of the LINE channel tests: the stand-in, a fake Rasa, and a running gateway."""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from channels.app import create_app
from channels.line.outbox import RetryPolicy
from channels.line.runtime import LineOptions, LineRuntime
from channels.rasa_client import RasaClient
from channels.settings import Settings
from channels.store.db import Database
from channels.store.models import OutboxMessage, ProcessedEvent
from tests.channels.conftest import postgres_url
from tests.channels.fake_rasa import FakeRasaState, transport
from tests.channels.line.factories import new_secret, sign
from tests.channels.line.standin import LineStandin

ACCESS_TOKEN = "test-access-token-" + new_secret()
FAST_RETRY = RetryPolicy(base_seconds=0.05, cap_seconds=0.2, max_attempts=5, alert_after=3,
                         lease_seconds=2.0, poll_seconds=0.05)


@pytest.fixture
def standin() -> Iterator[LineStandin]:
    """The local Messaging API stand-in, on a free port."""
    server = LineStandin(hang_seconds=1.5).start()
    yield server
    server.stop()


class _Delayed(httpx.AsyncBaseTransport):
    """Holds every request for `rasa.delay` seconds before the shared fake answers."""

    def __init__(self, rasa: FakeRasa) -> None:
        self.rasa = rasa
        self.inner = transport(rasa.state)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.rasa.delay:
            await asyncio.sleep(self.rasa.delay)
        return await self.inner.handle_async_request(request)


@dataclass
class FakeRasa:
    """The gateway tests' fake Rasa (tests/channels/fake_rasa.py) with an optional delay."""

    state: FakeRasaState
    delay: float = 0.0

    @property
    def transport(self) -> httpx.AsyncBaseTransport:
        """For RasaClient(transport=...)."""
        return _Delayed(self)

    @property
    def calls(self) -> list[dict[str, object]]:
        """Dialogue turns the gateway sent (sender, message)."""
        return [call for call in self.state.calls if call.get("path") == "webhook"]

    @property
    def texts(self) -> list[str]:
        """The texts of those turns, in order."""
        return [str(call["message"]) for call in self.calls]


@pytest.fixture
def fake_rasa() -> FakeRasa:
    """The shared fake Rasa, answering at once unless `delay` is set."""
    return FakeRasa(FakeRasaState())


@pytest.fixture
def line_secret() -> str:
    """A made-up channel secret for this test only."""
    return new_secret()


@pytest.fixture
def line_options() -> LineOptions:
    """Fast retries and a short API timeout, so failure paths run in test time."""
    return LineOptions(reply_budget_seconds=5.0, api_timeout_seconds=0.5, retry=FAST_RETRY)


@pytest.fixture
def line_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """SQLite by default; parametrize indirectly with "postgresql" to run on TEST_DATABASE_URL too."""
    if getattr(request, "param", "sqlite") == "sqlite":
        yield f"sqlite:///{tmp_path / 'gateway.sqlite3'}"
        return
    yield from postgres_url()


def gateway_settings(tmp_path: Path, secret: str | None, base_url: str, token: str | None = ACCESS_TOKEN,
                     database_url: str | None = None) -> Settings:
    """Settings of one test gateway (own SQLite file unless told, stand-in as LINE)."""
    database_url = database_url or f"sqlite:///{tmp_path / 'gateway.sqlite3'}"
    return Settings(database_url=database_url, line_channel_secret=secret,
                    line_channel_access_token=token, line_api_base_url=base_url,
                    session_secret="test-session-secret-" + new_secret())


@dataclass
class Gateway:
    """A started gateway app with helpers to post webhooks and inspect the store."""

    app: object
    client: httpx.AsyncClient
    db: Database
    secret: str

    @property
    def runtime(self) -> LineRuntime:
        runtime = self.app.state.line  # type: ignore[attr-defined]
        assert runtime is not None
        return runtime

    async def post(self, body: bytes, signature: str | None = "sign") -> httpx.Response:
        """POST /callback; by default with the right signature, `None` for no header."""
        headers = {"content-type": "application/json"}
        if signature == "sign":
            signature = sign(body, self.secret)
        if signature is not None:
            headers["x-line-signature"] = signature
        return await self.client.post("/callback", content=body, headers=headers)

    async def settle(self, until: Callable[[], bool] | None = None, timeout: float = 10.0) -> None:
        """Wait for background turns, then (optionally) for a condition such as a delivery."""
        assert await self.runtime.runner.drain(timeout=timeout)
        deadline = time.monotonic() + timeout
        while until is not None and not until():
            assert time.monotonic() < deadline, "condition not reached in time"
            await asyncio.sleep(0.02)

    def count(self, model: type) -> int:
        """Rows in a table."""
        with self.db.session() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

    def outbox(self) -> list[OutboxMessage]:
        """All outbox rows, oldest first."""
        with self.db.session() as session:
            return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))

    def processed_ids(self) -> set[str]:
        """The ids in processed_events."""
        with self.db.session() as session:
            return set(session.scalars(select(ProcessedEvent.event_id)))

    def processed(self) -> int:
        """Rows in processed_events."""
        return self.count(ProcessedEvent)


@pytest.fixture
async def gateway(tmp_path: Path, standin: LineStandin, fake_rasa: FakeRasa, line_secret: str,
                  line_options: LineOptions, line_database_url: str) -> AsyncIterator[Gateway]:
    """The real gateway app (lifespan run) with the stand-in as LINE and the fake Rasa."""
    settings = gateway_settings(tmp_path, line_secret, standin.base_url, database_url=line_database_url)
    db = Database(settings.database_url)
    rasa = RasaClient("http://rasa.test", transport=fake_rasa.transport)
    app = create_app(settings, rasa=rasa, db=db)
    app.state.line_options = line_options
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield Gateway(app, client, db, line_secret)
    db.dispose()
