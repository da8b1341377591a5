"""A trained model, a Rasa server and an action server for whole conversations.

The model is cached under var/models/ by a hash of bot/, nlu/ and knowledge/ (and the
config), so a second run skips training. Both servers listen on free local ports; Rasa's
HTTP API is protected by a random token. ``BOT_TEST_CONFIG`` may point to another
config.yml (development only).
"""
from __future__ import annotations

import secrets
import subprocess
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
    source_hash,
    wait_until,
)


@pytest.fixture(scope="session")
def model(tmp_path_factory) -> Path:
    config = config_path()
    missing = missing_components(config)
    if missing:
        pytest.skip(f"pipeline component not importable yet: {missing}")
    name = f"bot-{source_hash(config)}"
    out = ROOT / "var" / "models"
    path = out / f"{name}.tar.gz"
    if not path.exists():
        out.mkdir(parents=True, exist_ok=True)
        log = tmp_path_factory.mktemp("train") / "train.log"
        with log.open("w") as handle:
            result = subprocess.run(
                [str(BIN / "rasa"), "train", "--data", "bot/data", "--domain", "bot/domain",
                 "--config", str(config), "--out", str(out), "--fixed-model-name", name],
                cwd=ROOT, env=env(), stdout=handle, stderr=subprocess.STDOUT, check=False,
            )
        assert result.returncode == 0 and path.exists(), log.read_text()[-3000:]
    return path


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
            [str(BIN / "rasa"), "run", "--enable-api", "--auth-token", token, "-i", "127.0.0.1",
             "-p", str(rasa_port), "-m", str(model), "--endpoints", str(endpoints),
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
