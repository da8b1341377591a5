"""The whole assistant as a resident meets it: every process started by scripts/stack.py."""
from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT / "scripts"))

from stack import Ports, Stack  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The model `make test` trained (scripts/train.py); tests never train on their own."""
    path = os.environ.get("INTAKE_MODEL")
    if not path or not Path(path).exists():
        pytest.fail("INTAKE_MODEL is not set to a trained model: run the tests through `make test`")
    return Path(path)


@pytest.fixture(scope="session")
def stack(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """One running assistant for the session, on free ports and a fresh SQLite file."""
    db = tmp_path_factory.mktemp("db") / "intake.sqlite3"
    running = Stack(
        model=model_path,
        ports=Ports(gateway=free_port(), rasa=free_port(), actions=free_port()),
        database_url=f"sqlite:///{db}",
        extra_env={"SESSION_SECRET": "e2e-test-session-secret-not-for-production"},
    )
    running.start()
    yield running
    running.stop()
