"""Helpers for the whole-conversation tests: servers, REST client, waiting.

The model comes from scripts/train.py (cached under var/models/ by a hash of the
training inputs), so a second run skips training. Both servers listen on free local ports; Rasa's
HTTP API is protected by a random token. ``BOT_TEST_CONFIG`` may point to another
config.yml (development only).
"""
from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import requests
import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
START_TIMEOUT = 300  # seconds; loading GiNZA and TensorFlow on 2 cores is slow


def config_path() -> Path:
    return Path(os.environ.get("BOT_TEST_CONFIG", ROOT / "bot" / "config.yml"))


def missing_components(config: Path) -> list[str]:
    """Custom pipeline components (dotted names) that cannot be imported here."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    missing = []
    for item in data.get("pipeline") or []:
        name = item.get("name", "")
        if "." in name:
            module = name.rsplit(".", 1)[0]
            try:
                found = importlib.util.find_spec(module) is not None
            except ModuleNotFoundError:
                found = False
            if not found:
                missing.append(name)
    return missing


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def env() -> dict[str, str]:
    result = dict(os.environ)
    result["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), result.get("PYTHONPATH")]))
    result.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return result


def wait_until(url: str, ready, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: process exited\n{log.read_text()[-3000:]}")
        try:
            response = requests.get(url, timeout=2)
            if ready(response):
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"{url}: not ready after {START_TIMEOUT}s\n{log.read_text()[-3000:]}")


class Bot:
    """The REST webhook and the tracker API of a running Rasa server."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.token = token

    def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        response = requests.post(f"{self.base}/webhooks/rest/webhook", json=body, timeout=120)
        response.raise_for_status()
        return response.json()

    def append_event(self, sender: str, event: dict[str, Any] | list[dict[str, Any]]) -> None:
        """What the gateway does to undo a turn it could not finish (e.g. {"event": "rewind"})."""
        response = requests.post(f"{self.base}/conversations/{sender}/tracker/events",
                                 params={"token": self.token}, json=event, timeout=30)
        response.raise_for_status()

    def tracker(self, sender: str) -> dict[str, Any]:
        response = requests.get(f"{self.base}/conversations/{sender}/tracker",
                                params={"token": self.token}, timeout=30)
        response.raise_for_status()
        return response.json()


class Conversation:
    """One resident: sends texts, keeps every reply and the handoff record if one came."""

    def __init__(self, bot: Bot, metadata: dict[str, Any] | None = None) -> None:
        self.bot = bot
        self.sender = f"test-{uuid.uuid4().hex}"
        self.metadata = metadata
        self.sent: list[str] = []
        self.replies: list[list[dict[str, Any]]] = []
        self.handoffs: list[dict[str, Any]] = []
        self.crisis_payloads: list[dict[str, Any]] = []

    def say(self, text: str) -> list[dict[str, Any]]:
        replies = self.bot.send(self.sender, text, self.metadata)
        assert replies, f"no answer to {text!r}: a dead end"
        self.sent.append(text)
        self.replies.append(replies)
        for reply in replies:
            custom = reply.get("custom") or {}
            if "handoff" in custom:
                self.handoffs.append(custom["handoff"])
            if "crisis" in custom:
                self.crisis_payloads.append(custom["crisis"])
        return replies

    def texts(self, replies: list[dict[str, Any]] | None = None) -> list[str]:
        replies = self.replies[-1] if replies is None else replies
        return [r["text"] for r in replies if r.get("text")]

    def buttons(self) -> list[str]:
        return [b["title"] for r in self.replies[-1] for b in r.get("buttons") or []]

    def slots(self) -> dict[str, Any]:
        return self.bot.tracker(self.sender)["slots"]
