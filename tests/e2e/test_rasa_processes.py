"""Two Rasa processes behind one gateway (`RASA_PROCESSES=2`, the default SQLite profile).

Each conversation is sent to one process (chosen from its sender id); when that process
dies, the other one continues the conversation from the shared tracker store without the
resident noticing, and after a restart the conversation goes back; its handoff is stored
exactly once.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from channels.conversation import RASA_DOWN

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
    rasa_sender,
    say,
    slot,
    tracker,
)

START_TIMEOUT = 600  # two Rasa processes load TensorFlow and GiNZA at once on two cores


@pytest.fixture(scope="module")
def pair(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    db = tmp_path_factory.mktemp("db") / "intake.sqlite3"
    ports = Ports(gateway=free_port(), rasa=free_port(), actions=free_port(), more_rasa=(free_port(),))
    stack = Stack(model=model_path, ports=ports, database_url=f"sqlite:///{db}",
                  extra_env={"SESSION_SECRET": SESSION_SECRET})
    stack.start(timeout=START_TIMEOUT)
    try:
        yield stack
    finally:
        stack.stop()


def session_on(stack: Stack, name: str) -> str:
    """A new web session whose conversation the gateway sends to Rasa process `name` first
    (channels.rasa_client: crc32 of the sender id over the configured servers, in order)."""
    names = list(stack.ports.rasa_ports())
    while True:
        sid = new_session()
        if names[zlib.crc32(rasa_sender(sid).encode()) % len(names)] == name:
            return sid


def walk(stack: Stack, sid: str, texts: list[str]) -> None:
    for text in texts:
        replies = say(stack.gateway_url, sid, text)
        assert replies and RASA_DOWN not in replies and not any(RESEND in r for r in replies), (text, replies)


def test_the_stack_runs_two_rasa_processes_behind_one_gateway(pair: Stack) -> None:
    assert pair.process_names == ("actions", "rasa", "rasa-2", "gateway")
    assert all(proc.poll() is None for proc in pair.procs.values())


def test_a_conversation_survives_its_rasa_process_dying(pair: Stack) -> None:
    sid = session_on(pair, "rasa-2")
    walk(pair, sid, [GREETING, WORRY])
    before = tracker(pair.rasa_url, pair.token, sid)
    pair.kill("rasa-2")
    walk(pair, sid, [FINISHED])  # answered by "rasa" from the shared tracker store
    after = tracker(pair.rasa_url, pair.token, sid)
    assert applied_user_texts(after["events"]) == [GREETING, WORRY, FINISHED]
    assert slot(after, "stage") == "summary"
    assert slot(after, "household") == slot(before, "household")
    took = pair.restart("rasa-2", timeout=START_TIMEOUT)
    print(f"rasa-2 restarted in {took:.0f} s")
    walk(pair, sid, [YES, YES, BY_LINE])  # back on rasa-2
    done = tracker(pair.rasa_url, pair.token, sid)
    assert slot(done, "stage") == "done"
    assert applied_user_texts(done["events"]) == [GREETING, WORRY, FINISHED, YES, YES, BY_LINE]
    assert handoffs_of(pair.database_url, sid) == 1


def test_conversations_on_both_processes_reach_a_handoff(pair: Stack) -> None:
    sids = [session_on(pair, name) for name in ("rasa", "rasa-2")]
    for sid in sids:
        walk(pair, sid, [GREETING, WORRY, FINISHED, YES, YES, BY_LINE])
    assert [handoffs_of(pair.database_url, sid) for sid in sids] == [1, 1]
