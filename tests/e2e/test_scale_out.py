"""Scale-out (reliability R4, R5): two of everything on one PostgreSQL and one Redis.

Started by the test itself: a throwaway PostgreSQL (tracker store and handoff store), a
Redis (Rasa's lock store), two stacks (action server, Rasa server, gateway each) and a
round-robin load balancer in front of the two gateways (scripts/loadbalancer.py).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from loadbalancer import Background, RoundRobin  # scripts/ (on sys.path through conftest.py)

from .conftest import REPO_ROOT, Ports, Stack, free_port
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
    say,
    slot,
    throwaway_postgres,
    tracker,
)

START_TIMEOUT = 600
TOGETHER = [("母の物忘れがひどくなってきて心配です", "兄は50代で、もう何年も働いていません"),
            ("母は夜中に家を出てしまうことがあります", "私も仕事があって疲れています")]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server on a free loopback port, no persistence (tooling.md §3)."""
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "redis-server is not installed (scripts/system-deps.sh installs it as root)"
        print(reason)
        pytest.skip(reason)
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(workdir),
                             "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with_ping = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port), "ping"],
                                       capture_output=True, text=True, check=False)
            if with_ping.stdout.strip() == "PONG":
                break
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


class Cluster:
    """Two stacks sharing the stores, and the balancer's URL."""

    def __init__(self, stacks: list[Stack], database_url: str, balancer: RoundRobin) -> None:
        self.stacks = stacks
        self.database_url = database_url
        self.balancer = balancer
        self.url = f"http://127.0.0.1:{balancer.port}"

    def state(self, sid: str) -> dict:
        first = self.stacks[0]
        return tracker(first.rasa_url, first.token, sid)


@pytest.fixture(scope="module")
def cluster(model_path: Path, redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    state = str(tmp_path_factory.mktemp("pg") / "state")
    with throwaway_postgres(free_port(), state) as database_url:
        token = "scale-out-rasa-token-0123456789"
        stacks = [
            Stack(model=model_path, ports=Ports(gateway=free_port(), rasa=free_port(), actions=free_port()),
                  database_url=database_url, token=token, redis_url=redis_url,
                  extra_env={"SESSION_SECRET": SESSION_SECRET})
            for _ in range(2)
        ]
        try:
            for stack in stacks:  # one after the other: the first creates the tables
                stack.start(timeout=START_TIMEOUT)
            backends = [("127.0.0.1", stack.ports.gateway) for stack in stacks]
            with Background(backends) as balancer:
                yield Cluster(stacks, database_url, balancer)
                print(f"balancer connections per gateway: {dict(balancer.served)}")
        finally:
            for stack in stacks:
                stack.stop()


def test_endpoints_name_redis_as_lock_store(cluster: Cluster) -> None:
    text = (REPO_ROOT / "var" / "run" / f"endpoints-{cluster.stacks[0].ports.rasa}.yml").read_text()
    assert "lock_store:\n  type: redis\n  url: 127.0.0.1\n" in text
    assert "dialect: postgresql" in text


def test_turns_alternating_between_instances_keep_the_state(cluster: Cluster) -> None:
    sid = new_session()
    texts = [GREETING, WORRY, FINISHED, YES, YES, BY_LINE]
    before = dict(cluster.balancer.served)
    stages = []
    for text in texts:  # each turn on a new connection: the balancer alternates the gateways
        replies = say(cluster.url, sid, text)
        assert replies and not any(RESEND in r for r in replies)
        stages.append(slot(cluster.state(sid), "stage"))
    assert stages[2:] == ["summary", "consent", "contact", "done"]
    assert applied_user_texts(cluster.state(sid)["events"]) == texts
    assert handoffs_of(cluster.database_url, sid) == 1
    served = [cluster.balancer.served[i] - before.get(i, 0) for i in range(2)]
    assert served == [3, 3]  # the six turns alternated between the two gateways


async def _together(urls: list[str], sid: str, texts: tuple[str, str]) -> list[list[str]]:
    """Post two messages of one conversation at the same moment, one to each gateway."""
    async with httpx.AsyncClient(timeout=120) as client:
        answers = await asyncio.gather(*(
            client.post(f"{url}/api/chat", json={"session_id": sid, "text": text})
            for url, text in zip(urls, texts, strict=True)
        ))
    for answer in answers:
        answer.raise_for_status()
    return [[r["text"] for r in answer.json()["replies"]] for answer in answers]


def turns_in_tracker(events: list[dict]) -> list[tuple[str, int, int]]:
    """(user text, bot messages, action_listen count) for each user turn, in tracker order."""
    turns: list[tuple[str, int, int]] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            turns.append((str(event.get("text")), 0, 0))
        elif turns and kind == "bot":
            text, bots, listens = turns[-1]
            turns[-1] = (text, bots + 1, listens)
        elif turns and kind == "action" and event.get("name") == "action_listen":
            text, bots, listens = turns[-1]
            turns[-1] = (text, bots, listens + 1)
    return turns


def test_two_messages_at_once_on_two_gateways_run_one_after_the_other(cluster: Cluster) -> None:
    sid = new_session()
    say(cluster.url, sid, GREETING)
    gateways = [stack.gateway_url for stack in cluster.stacks]
    for pair in TOGETHER:
        # Playwright's loop may still run in this thread (browser tests ran earlier in the
        # session), so the two concurrent requests get a loop of their own on a worker thread.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            replies = pool.submit(asyncio.run, _together(gateways, sid, pair)).result()
        assert all(r and not any(RESEND in t for t in r) for r in replies), replies
    turns = turns_in_tracker(cluster.state(sid)["events"])
    users = [text for text, _, _ in turns]
    assert users[0] == GREETING and len(users) == 5  # nothing lost, nothing doubled
    for i, pair in enumerate(TOGETHER):  # each pair in one order or the other, never mixed
        assert sorted(users[1 + 2 * i: 3 + 2 * i]) == sorted(pair)
    for text, bots, listens in turns:  # each answered once, before the next began
        assert bots >= 1 and listens == 1, (text, bots, listens)
