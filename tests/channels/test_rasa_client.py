"""RasaClient over several Rasa processes: one process per conversation, failover only when
nothing was sent (a refused connection), never a turn run twice."""
from __future__ import annotations

import json

import httpx
import pytest

from channels.rasa_client import RasaClient, RasaUnavailable

from .own_loop import in_own_loop

URLS = "http://rasa-a.test, http://rasa-b.test"


class Servers:
    """Two fake Rasa servers behind one transport; `down` refuse connections, `slow` time out."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []  # (host, sender or path)
        self.down: set[str] = set()
        self.slow: set[str] = set()

    def handle(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host in self.down:
            raise httpx.ConnectError("connection refused", request=request)
        if host in self.slow:
            raise httpx.ReadTimeout("no answer", request=request)
        body = json.loads(request.content or b"{}")
        self.seen.append((host, body.get("sender", request.url.path)))
        if request.url.path == "/model/parse":
            return httpx.Response(200, json={"intent": {"name": "greet"}, "host": host})
        return httpx.Response(200, json=[{"recipient_id": body.get("sender"), "text": host}])


def client(servers: Servers) -> RasaClient:
    return RasaClient(URLS, "t", transport=httpx.MockTransport(servers.handle))


@in_own_loop
async def test_each_conversation_stays_on_one_process_and_both_get_work() -> None:
    servers = Servers()
    rasa = client(servers)
    for sender in [f"web-{n}" for n in range(20)] * 3:
        await rasa.send_message(sender, "こんにちは")
    hosts_per_sender: dict[str, set[str]] = {}
    for host, sender in servers.seen:
        hosts_per_sender.setdefault(sender, set()).add(host)
    assert all(len(hosts) == 1 for hosts in hosts_per_sender.values())
    assert {host for host, _ in servers.seen} == {"rasa-a.test", "rasa-b.test"}


@in_own_loop
async def test_a_refused_connection_moves_the_turn_to_the_other_process() -> None:
    servers = Servers()
    rasa = client(servers)
    servers.down = {"rasa-a.test"}
    answers = await rasa.send_message("web-1", "こんにちは")
    answers += await rasa.send_message("web-2", "こんにちは")
    assert [a["text"] for a in answers] == ["rasa-b.test", "rasa-b.test"]


@in_own_loop
async def test_a_timeout_is_not_retried_elsewhere_so_no_turn_runs_twice() -> None:
    servers = Servers()
    rasa = client(servers)
    servers.slow = {"rasa-a.test", "rasa-b.test"}
    with pytest.raises(RasaUnavailable, match="ReadTimeout"):
        await rasa.send_message("web-1", "こんにちは")
    assert servers.seen == []


@in_own_loop
async def test_all_processes_refusing_is_unavailable_and_health_says_so() -> None:
    servers = Servers()
    rasa = client(servers)
    assert await rasa.ping() is True
    servers.down = {"rasa-a.test", "rasa-b.test"}
    with pytest.raises(RasaUnavailable, match="ConnectError"):
        await rasa.send_message("web-1", "こんにちは")
    servers.down = {"rasa-b.test"}
    assert await rasa.ping() is False  # one process down is reported


@in_own_loop
async def test_help_desk_parses_take_turns_across_processes() -> None:
    servers = Servers()
    rasa = client(servers)
    hosts = [(await rasa.parse("介護の相談はどこですか"))["host"] for _ in range(4)]
    assert sorted(hosts) == ["rasa-a.test", "rasa-a.test", "rasa-b.test", "rasa-b.test"]


def test_no_url_is_refused() -> None:
    with pytest.raises(ValueError):
        RasaClient(" , ")
