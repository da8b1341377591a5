"""Faults with every process real (reliability R1, R6, L7): crashes and a database outage.

One stack on a throwaway PostgreSQL of its own (the production profile, R4). Each scenario
kills one process with SIGKILL (or makes the database unavailable) in the middle of a
conversation, checks the resident's polite answer while it is down, restarts it, and then
checks in Rasa's tracker that the conversation continues where it was, that the message the
resident sent again counts once, and that the handoff is stored exactly once.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from channels.conversation import RASA_DOWN, RETRY_LATER
from channels.store.locks import libpq_url

from .conftest import Ports, Stack, free_port
from .resident import (
    BY_LINE,
    FINISHED,
    GREETING,
    RESEND,
    SESSION_SECRET,
    WORRY,
    YES,
    applied_user_texts,
    handoffs_of,
    new_session,
    postgres,
    resend_until_answered,
    say,
    slot,
    throwaway_postgres,
    tracker,
)

TO_SUMMARY = [GREETING, WORRY, FINISHED]
TO_CONTACT = [*TO_SUMMARY, YES, YES]
START_TIMEOUT = 600  # a loaded two-core machine can take minutes to load GiNZA twice


class Faulty:
    """The running stack, its database, and how to pause that database."""

    def __init__(self, stack: Stack, database_url: str, pg_port: int, pg_state: str) -> None:
        self.stack = stack
        self.database_url = database_url
        self.pg_port = pg_port
        self.pg_state = pg_state
        self.finished: list[str] = []  # sessions that reached a handoff

    @property
    def gw(self) -> str:
        return self.stack.gateway_url

    def state(self, sid: str) -> dict:
        return tracker(self.stack.rasa_url, self.stack.token, sid)

    def walk(self, sid: str, texts: list[str]) -> None:
        for text in texts:
            replies = say(self.gw, sid, text)
            assert replies and not any(RESEND in r for r in replies), (text, replies)


@pytest.fixture(scope="module")
def faulty(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Faulty]:
    pg_port = free_port()
    pg_state = str(tmp_path_factory.mktemp("pg") / "state")
    with throwaway_postgres(pg_port, pg_state) as url:
        ports = Ports(gateway=free_port(), rasa=free_port(), actions=free_port())
        stack = Stack(model=model_path, ports=ports, database_url=url,
                      extra_env={"SESSION_SECRET": SESSION_SECRET})
        stack.start(timeout=START_TIMEOUT)
        try:
            yield Faulty(stack, url, pg_port, pg_state)
        finally:
            stack.stop()


def finish_and_count(faulty: Faulty, sid: str, texts: list[str]) -> None:
    """Walk on to the handoff and check it is stored exactly once."""
    faulty.walk(sid, texts)
    assert slot(faulty.state(sid), "stage") == "done"
    assert handoffs_of(faulty.database_url, sid) == 1
    faulty.finished.append(sid)


def test_rasa_killed_while_listening(faulty: Faulty) -> None:
    sid = new_session()
    faulty.walk(sid, [GREETING, WORRY])
    before = faulty.state(sid)
    faulty.stack.kill("rasa")
    assert say(faulty.gw, sid, FINISHED) == [RASA_DOWN]  # polite, with 110/119
    took = faulty.stack.restart("rasa", timeout=START_TIMEOUT)
    print(f"rasa restarted in {took:.0f} s")
    resend_until_answered(faulty.gw, sid, FINISHED)
    after = faulty.state(sid)
    assert applied_user_texts(after["events"]) == TO_SUMMARY  # the resend counted once
    assert slot(after, "stage") == "summary"
    assert slot(after, "household") == slot(before, "household")
    finish_and_count(faulty, sid, [YES, YES, BY_LINE])


def test_action_server_killed_at_the_summary(faulty: Faulty) -> None:
    sid = new_session()
    faulty.walk(sid, TO_SUMMARY)
    faulty.stack.kill("actions")
    assert say(faulty.gw, sid, YES) == [RASA_DOWN]  # Rasa ran no action: the turn is reverted
    assert applied_user_texts(faulty.state(sid)["events"]) == TO_SUMMARY
    took = faulty.stack.restart("actions", timeout=START_TIMEOUT)
    print(f"action server restarted in {took:.0f} s")
    resend_until_answered(faulty.gw, sid, YES)
    after = faulty.state(sid)
    assert applied_user_texts(after["events"]) == [*TO_SUMMARY, YES]
    assert slot(after, "stage") == "consent"
    finish_and_count(faulty, sid, [YES, BY_LINE])


def test_gateway_killed_before_the_contact_answer(faulty: Faulty) -> None:
    sid = new_session()
    faulty.walk(sid, TO_CONTACT)
    faulty.stack.kill("gateway")
    with pytest.raises(httpx.ConnectError):  # the page shows its own offline notice
        say(faulty.gw, sid, BY_LINE, timeout=5)
    took = faulty.stack.restart("gateway", timeout=START_TIMEOUT)
    print(f"gateway restarted in {took:.0f} s")
    assert slot(faulty.state(sid), "stage") == "contact"  # nothing reached Rasa while it was down
    finish_and_count(faulty, sid, [BY_LINE])
    assert applied_user_texts(faulty.state(sid)["events"]) == [*TO_CONTACT, BY_LINE]


def test_database_stopped_then_back(faulty: Faulty) -> None:
    sid = new_session()
    faulty.walk(sid, TO_CONTACT)
    postgres("pause", faulty.pg_port, faulty.pg_state)
    try:
        replies = say(faulty.gw, sid, BY_LINE)
        assert len(replies) == 1 and RESEND in replies[0]
        assert httpx.get(f"{faulty.gw}/healthz", timeout=30).status_code == 503
    finally:
        postgres("resume", faulty.pg_port, faulty.pg_state)
    assert handoffs_of(faulty.database_url, sid) == 0
    resend_until_answered(faulty.gw, sid, BY_LINE)
    after = faulty.state(sid)
    assert applied_user_texts(after["events"]) == [*TO_CONTACT, BY_LINE]
    assert slot(after, "stage") == "done"
    assert handoffs_of(faulty.database_url, sid) == 1
    faulty.finished.append(sid)


REFUSE = """
CREATE FUNCTION refuse_route() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'store unavailable (fault test)'; END $$;
CREATE TRIGGER refuse_route BEFORE INSERT ON handoff_routes FOR EACH ROW EXECUTE FUNCTION refuse_route();
"""
ALLOW = "DROP TRIGGER refuse_route ON handoff_routes; DROP FUNCTION refuse_route();"


def test_handoff_commit_fails_half_way_then_retry_stores_once(faulty: Faulty) -> None:
    """The handoff row is flushed, its route row then fails: nothing may stay half-written."""
    sid = new_session()
    faulty.walk(sid, TO_CONTACT)
    with psycopg.connect(libpq_url(faulty.database_url), autocommit=True) as conn:
        conn.execute(REFUSE)
        try:
            assert say(faulty.gw, sid, BY_LINE) == [RETRY_LATER]
            routes = conn.execute("SELECT count(*) FROM handoff_routes").fetchone()
        finally:
            conn.execute(ALLOW)
    assert handoffs_of(faulty.database_url, sid) == 0
    assert routes is not None and routes[0] == len(faulty.finished)  # no route without its handoff
    state = faulty.state(sid)
    assert applied_user_texts(state["events"]) == TO_CONTACT  # Rasa's turn was reverted
    assert slot(state, "stage") == "contact"
    finish_and_count(faulty, sid, [BY_LINE])
    assert applied_user_texts(faulty.state(sid)["events"]) == [*TO_CONTACT, BY_LINE]


def test_every_finished_conversation_has_exactly_one_handoff(faulty: Faulty) -> None:
    with psycopg.connect(libpq_url(faulty.database_url)) as conn:
        total = conn.execute("SELECT count(*), count(DISTINCT sender_key) FROM handoffs").fetchone()
    assert total == (len(faulty.finished), len(faulty.finished))
