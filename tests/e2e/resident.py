"""Helpers of the fault and scale-out tests: a resident's turns, Rasa's tracker, rows in the store."""
from __future__ import annotations

import os
import secrets
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy import func, select

from channels.store.db import Database
from channels.store.handoffs import sender_key
from channels.store.models import Handoff

from .conftest import REPO_ROOT

SESSION_SECRET = "e2e-test-session-secret-not-for-production"
RESEND = "もう一度送ってください"
# The dialogue up to the handoff, as a resident taps the offered quick replies.
GREETING = "こんにちは"
WORRY = "80代の母が認知症で、50代の兄がずっと家にひきこもっています。"
FINISHED = "話し終わりました"  # the quick reply offered while listening
YES = "はい"
BY_LINE = "LINE"  # the quick reply of the contact question


def new_session() -> str:
    """A web chat session id as the page makes it."""
    return secrets.token_hex(24)


def say(base_url: str, sid: str, text: str, timeout: float = 90) -> list[str]:
    """One turn through the gateway; the reply texts (raises on a non-200)."""
    answer = httpx.post(f"{base_url}/api/chat", json={"session_id": sid, "text": text}, timeout=timeout)
    answer.raise_for_status()
    return [reply["text"] for reply in answer.json()["replies"]]


def rasa_sender(sid: str) -> str:
    """The id Rasa sees for a web session (channels.conversation: keyed hash)."""
    return f"web-{sender_key(SESSION_SECRET.encode(), 'web', sid)[:40]}"


def tracker(rasa_url: str, token: str, sid: str) -> dict[str, Any]:
    """Rasa's tracker of a web session, with every event, over the token-protected API."""
    answer = httpx.get(f"{rasa_url}/conversations/{quote(rasa_sender(sid), safe='')}/tracker",
                       params={"token": token, "include_events": "ALL"}, timeout=30)
    answer.raise_for_status()
    return answer.json()


def applied_user_texts(events: list[dict[str, Any]]) -> list[str]:
    """The resident's messages the tracker keeps: a `rewind` undoes the last user turn."""
    kept: list[tuple[int, str]] = []
    for index, event in enumerate(events):
        if event.get("event") == "user":
            kept.append((index, str(event.get("text"))))
        elif event.get("event") == "rewind" and kept:
            kept.pop()
    return [text for _, text in kept]


def answered_turns(events: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Each user message with how many bot messages followed it before the next user message."""
    turns: list[tuple[str, int]] = []
    for event in events:
        if event.get("event") == "user":
            turns.append((str(event.get("text")), 0))
        elif event.get("event") == "bot" and turns:
            text, count = turns[-1]
            turns[-1] = (text, count + 1)
    return turns


def slot(state: dict[str, Any], name: str) -> Any:
    """One slot of a tracker."""
    return (state.get("slots") or {}).get(name)


def handoffs_of(database_url: str, sid: str) -> int:
    """Stored handoffs of one web session (the store keeps only a keyed hash of the session id)."""
    db = Database(database_url)
    try:
        with db.session() as session:
            key = sender_key(SESSION_SECRET.encode(), "web", sid)
            return int(session.scalar(select(func.count()).select_from(Handoff)
                                      .where(Handoff.sender_key == key)) or 0)
    finally:
        db.dispose()


def resend_until_answered(base_url: str, sid: str, text: str, attempts: int = 10) -> list[str]:
    """What a resident does after 「もう一度送ってください」: send again, a bounded number of times."""
    replies: list[str] = []
    for _ in range(attempts):
        replies = say(base_url, sid, text)
        if not any(RESEND in reply for reply in replies):
            return replies
        time.sleep(1.0)
    raise AssertionError(f"still asked to resend after {attempts} attempts")


@contextmanager
def throwaway_postgres(port: int, state_file: str) -> Iterator[str]:
    """A PostgreSQL of our own (scripts/pg-test-server.sh on another port); yields its URL."""
    env = {**os.environ, "PGPORT": str(port), "PG_STATE_FILE": state_file}
    script = str(REPO_ROOT / "scripts" / "pg-test-server.sh")
    url = subprocess.run(["bash", script, "start"], env=env, check=True, capture_output=True,
                         text=True, timeout=120).stdout.strip()
    try:
        yield url
    finally:
        subprocess.run(["bash", script, "stop"], env=env, check=False, capture_output=True, timeout=120)


def postgres(command: str, port: int, state_file: str) -> None:
    """Pause or resume the throwaway PostgreSQL (its data stays)."""
    env = {**os.environ, "PGPORT": str(port), "PG_STATE_FILE": state_file}
    subprocess.run(["bash", str(REPO_ROOT / "scripts" / "pg-test-server.sh"), command], env=env,
                   check=True, capture_output=True, timeout=120)
