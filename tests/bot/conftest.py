"""A trained model, a Rasa server and an action server for whole conversations.

The model comes from scripts/train.py (cached under var/models/ by a hash of the
training inputs), so a second run skips training. Both servers listen on free local ports; Rasa's
HTTP API is protected by a random token. ``BOT_TEST_CONFIG`` may point to another
config.yml (development only).
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.bot.harness import (
    BIN,
    ROOT,
    Bot,
    Conversation,
    config_path,
    env,
    free_port,
    missing_components,
    wait_until,
)


@pytest.fixture(scope="session")
def model() -> Path:
    """The model `make test` trained (INTAKE_MODEL), or scripts/train.py's cached one."""
    missing = missing_components(config_path())
    if missing:
        pytest.fail(f"pipeline component not importable: {missing}")
    given = os.environ.get("INTAKE_MODEL")
    if given and Path(given).exists():
        return Path(given)
    sys.path.insert(0, str(ROOT / "scripts"))
    from train import train  # the one place that knows how and when to train

    return train(sys.executable)


@pytest.fixture(scope="session")
def bot(model, tmp_path_factory) -> Bot:
    work = tmp_path_factory.mktemp("servers")
    action_port, rasa_port = free_port(), free_port()
    token = secrets.token_urlsafe(24)
    endpoints = work / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n')
    processes = []
    try:
        action_log = work / "actions.log"
        actions = subprocess.Popen(
            [str(BIN / "rasa"), "run", "actions", "-p", str(action_port), "--actions", "actions"],
            cwd=ROOT, env=env(), stdout=action_log.open("w"), stderr=subprocess.STDOUT,
        )
        processes.append(actions)
        rasa_log = work / "rasa.log"
        rasa = subprocess.Popen(
            [str(BIN / "python"), "-m", "rasa_ext", "run", "--enable-api", f"--auth-token={token}",
             "-i", "127.0.0.1", "-p", str(rasa_port), "-m", str(model), "--endpoints", str(endpoints),
             "--credentials", str(ROOT / "bot" / "credentials.yml")],
            cwd=ROOT, env=env(), stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
        )
        processes.append(rasa)
        wait_until(f"http://127.0.0.1:{action_port}/health", lambda r: r.ok, actions, action_log)
        wait_until(f"http://127.0.0.1:{rasa_port}/status?token={token}",
              lambda r: r.ok and r.json().get("model_file"), rasa, rasa_log)
        yield Bot(f"http://127.0.0.1:{rasa_port}", token)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture()
def conversation(bot):
    def _new(metadata: dict[str, Any] | None = None) -> Conversation:
        return Conversation(bot, metadata)
    return _new
