"""`make run` really serves: the processes start, /healthz answers, Ctrl-C stops them all."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .conftest import REPO_ROOT, free_port


def test_stack_script_serves_health_and_stops_on_ctrl_c(model_path: Path, tmp_path: Path) -> None:
    port = free_port()
    env_db = f"sqlite:///{tmp_path / 'intake.sqlite3'}"
    proc = subprocess.Popen(
        [sys.executable, "scripts/stack.py", "--model", str(model_path), "--port", str(port),
         "--rasa-port", str(free_port()), "--actions-port", str(free_port())],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={"PATH": "/usr/bin:/bin", "DATABASE_URL": env_db,
             "SESSION_SECRET": "smoke-test-session-secret-not-for-production"},
    )
    try:
        url = proc.stdout.readline().strip()  # the script prints the URL once everything answers
        assert url == f"http://127.0.0.1:{port}", proc.stderr.read() if not url else url
        with urllib.request.urlopen(f"{url}/healthz", timeout=10) as answer:
            assert answer.status == 200
            assert json.loads(answer.read())["status"] == "ok"
        with urllib.request.urlopen(f"{url}/", timeout=10) as page:
            assert "相談" in page.read().decode("utf-8")
    finally:
        proc.send_signal(signal.SIGINT)
        started = time.monotonic()
        code = proc.wait(timeout=60)
    assert code == 0
    assert time.monotonic() - started < 60
    stderr = proc.stderr.read()
    assert "==> stopped" in stderr
