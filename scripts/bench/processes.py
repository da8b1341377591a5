"""Start-up time and resident memory of the processes under test, read from /proc.

RSS is VmRSS of the process plus all its descendants (Rasa and uvicorn may fork), taken
after warm-up because a cold process has not loaded its models yet. Start-up is the time
from spawn until the process first answers HTTP at all (any status): the gateway answers
/healthz with 503 before Rasa is up, and that still counts as the gateway being up.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from stack import RASA_PY, Ports, Stack  # noqa: E402

PROC = Path("/proc")


def run_dir(kind: str) -> Path:
    """A directory of its own for one run's database and state, under var/bench/."""
    return ROOT / "var" / "bench" / f"{kind}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"


@contextmanager
def database(kind: str, run_dir: Path) -> Iterator[str]:
    """A fresh database URL: a new SQLite file in run_dir, or a throwaway PostgreSQL
    (scripts/pg-test-server.sh on its own port and state file, so a test run's server is left alone)."""
    if kind == "sqlite":
        run_dir.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{run_dir / 'intake.sqlite3'}"
        return
    env = {**os.environ, "PGPORT": str(free_port()), "PG_STATE_FILE": str(run_dir / "pg.state")}
    run_dir.mkdir(parents=True, exist_ok=True)
    script = str(ROOT / "scripts" / "pg-test-server.sh")
    url = subprocess.run(["bash", script, "start"], env=env, check=True, capture_output=True,
                         text=True).stdout.strip()
    try:
        yield url
    finally:
        subprocess.run(["bash", script, "stop"], env=env, check=False, capture_output=True)


def free_port() -> int:
    """A port nothing listens on now (loopback)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_ports(rasa_processes: int = 1) -> Ports:
    return Ports(gateway=free_port(), rasa=free_port(), actions=free_port(),
                 more_rasa=tuple(free_port() for _ in range(rasa_processes - 1)))


def children(pid: int, proc: Path = PROC) -> dict[int, list[int]]:
    """Parent pid -> child pids of every process on the machine (one pass over /proc)."""
    tree: dict[int, list[int]] = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])  # field 4, after the "(comm)" that may hold spaces
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def vm_rss_kib(status_text: str) -> int:
    """VmRSS in KiB from the text of /proc/<pid>/status (0 for a kernel thread or zombie)."""
    for line in status_text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def tree_rss_mib(pid: int, proc: Path = PROC) -> float:
    """Resident memory of a process and all its descendants, MiB."""
    tree, total, todo, seen = children(pid, proc), 0, [pid], set()
    while todo and len(seen) < 10_000:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            total += vm_rss_kib((proc / str(current) / "status").read_text())
        except OSError:
            continue
        todo += tree.get(current, [])
    return total / 1024


def _answers(url: str) -> bool:
    """True when anything answers HTTP at url (an error status is an answer)."""
    try:
        with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - loopback only
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@dataclass
class StartupProbe:
    """Polls each process's URL in a thread and keeps the first time it answered."""

    urls: dict[str, str]
    first_answer: dict[str, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def _run(self, started: float, timeout: float) -> None:
        deadline = started + timeout
        while not self._stop.is_set() and time.monotonic() < deadline:
            if len(self.first_answer) == len(self.urls):
                return
            for name, url in self.urls.items():
                if name not in self.first_answer and _answers(url):
                    self.first_answer[name] = time.monotonic() - started
            time.sleep(0.1)

    @contextmanager
    def running(self, timeout: float) -> Iterator[None]:
        thread = threading.Thread(target=self._run, args=(time.monotonic(), timeout), daemon=True)
        thread.start()
        try:
            yield
        finally:
            self._stop.set()
            thread.join(5)


HASH_KEY = "bench-hash-key-not-a-secret-0001"  # fixed, so the soak can tie a stored handoff to its resident
STACK_ENV = {
    "HASH_KEY": HASH_KEY,
    # Every simulated resident comes from 127.0.0.1, real ones from their own addresses: the
    # per-address limit (channels/web/ratelimit.py) would answer 429 to the bench itself.
    # The per-session limit stays as configured.
    "WEB_RATE_PER_IP": "1000000",
}
START_TIMEOUT = 600  # seconds; a busy machine can take minutes to import TensorFlow and load GiNZA


def start_stack(model: Path, database_url: str, rasa_processes: int = 1) -> tuple[Stack, dict[str, float]]:
    """The whole assistant on free ports, and the start-up seconds of each process."""
    stack = Stack(model, free_ports(rasa_processes), database_url=database_url, extra_env=dict(STACK_ENV))
    probe = StartupProbe({name: stack.health_url(name) for name in stack.process_names})
    with probe.running(START_TIMEOUT):
        stack.start(timeout=START_TIMEOUT)
    return stack, probe.first_answer


@dataclass
class BareRasa:
    """One `rasa run` with a model and no action server: the reference engine of performance.md."""

    model: Path
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = START_TIMEOUT) -> float:
        """Spawn and wait until Rasa answers; the start-up seconds."""
        log = ROOT / "var" / "log" / f"bench-bare-{self.port}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
        started = time.monotonic()
        with open(log, "ab") as out:
            self.proc = subprocess.Popen(
                [str(RASA_PY), "-m", "rasa", "run", "--model", str(self.model), "-i", "127.0.0.1",
                 "-p", str(self.port), "--credentials", "bot/credentials.yml",
                 "--enable-api", f"--auth-token={self.token}"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"bare Rasa exited with {self.proc.returncode}; see {log}")
            if _answers(f"{self.url}/"):
                return time.monotonic() - started
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"bare Rasa did not answer within {timeout:.0f} s; see {log}")

    def stop(self, grace: float = 15) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(grace)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
