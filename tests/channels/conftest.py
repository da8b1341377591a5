"""Fixtures of the gateway tests: a store on SQLite and (with TEST_DATABASE_URL) PostgreSQL,
the fake Rasa in-process, the app with its lifespan, and staff accounts."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from starlette.testclient import TestClient

from channels.app import create_app
from channels.rasa_client import RasaClient
from channels.settings import Settings
from channels.store import staff_users
from channels.store.db import Database
from channels.store.migrate import upgrade
from channels.store.models import Base
from tests.channels.fake_rasa import FakeRasaState, transport

STAFF_USER = "tanaka"
STAFF_PASSWORD = "correct-horse-battery-staple"
API_TOKEN = "test-api-token-0123456789"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's chromium instead of Playwright's download (tooling.md §1)."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
    }


def _reset_postgres(url: str) -> None:
    """An empty PostgreSQL database for the next migration."""
    db = Database(url)
    try:
        Base.metadata.drop_all(db.engine)
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    finally:
        db.dispose()


def postgres_url() -> Iterator[str]:
    """TEST_DATABASE_URL, emptied before and after the test (skips it when unset).

    For the body of a URL fixture (`yield from postgres_url()`), here and in line/conftest.py.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set (scripts/pg-test-server.sh start)")
    _reset_postgres(url)
    yield url
    _reset_postgres(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty store; the PostgreSQL case runs only when TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    yield from postgres_url()


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """The store, upgraded to head."""
    database = Database(database_url)
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def rasa_state() -> FakeRasaState:
    """The fake Rasa's switches and call log."""
    return FakeRasaState()


@pytest.fixture
def settings(database_url: str, rasa_state: FakeRasaState) -> Settings:
    """Test settings: the test store, one API token, a fixed secret."""
    return Settings(
        database_url=database_url,
        rasa_url="http://rasa.test",
        rasa_token=rasa_state.token,
        session_secret="test-session-secret-0123456789",
        staff_api_tokens=(API_TOKEN,),
    )


@pytest.fixture
def app(settings: Settings, db: Database, rasa_state: FakeRasaState) -> FastAPI:
    """The gateway wired to the fake Rasa."""
    rasa = RasaClient(settings.rasa_url, settings.rasa_token, transport=transport(rasa_state))
    return create_app(settings, rasa=rasa, db=db)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A client with the app's lifespan running (migrations at start-up)."""
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def staff_account(db: Database) -> str:
    """One staff account; returns its username."""
    with db.session() as session:
        staff_users.create(session, STAFF_USER, STAFF_PASSWORD, "田中 一郎")
    return STAFF_USER


def csrf_from(html: str) -> str:
    """The hidden CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no csrf token on page"
    return match.group(1)


def login(client: TestClient, username: str = STAFF_USER, password: str = STAFF_PASSWORD) -> str:
    """Log in through the form; returns the CSRF token of the new session."""
    form = client.get("/staff/login")
    response = client.post(
        "/staff/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get("/staff")
    assert page.status_code == 200
    return csrf_from(page.text)
