"""Start and stop the three processes of the assistant: `make run` and the end-to-end tests.

    action server  (.venv-rasa)  127.0.0.1:ACTIONS_PORT  actions/
    Rasa server    (.venv-rasa)  127.0.0.1:RASA_PORT     bot/ + nlu/, HTTP API behind a token
    gateway        (.venv-gw)    127.0.0.1:PORT          channels/ (web chat, LINE, staff console)

`RASA_PROCESSES=N` (or --rasa-processes) starts N Rasa servers on RASA_PORT, RASA_PORT+1, …
sharing the tracker store; the gateway sends each conversation to one of them and moves it
to another only when that one refuses the connection (channels/rasa_client.py). One Rasa
process works on one core at a time; figures with 1 and 2 processes: docs/evidence.md.

Everything listens on loopback only. Rasa's HTTP API needs `RASA_TOKEN` (generated per run
unless given). Conversation state lives in the tracker store on the same database as the
handoffs (`DATABASE_URL`; a SQLite file under var/ by default), so a restart loses nothing.
Process logs go to var/log/, never to the terminal: they are operational, not personal.
"""
from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var"
RASA_PY = ROOT / ".venv-rasa" / "bin" / "python"
GW_PY = ROOT / ".venv-gw" / "bin" / "python"
DEFAULT_DB = f"sqlite:///{VAR / 'intake.sqlite3'}"


def say(text: str) -> None:
    """Progress for a person at the terminal (stderr keeps stdout for the URL)."""
    print(text, file=sys.stderr, flush=True)


def tracker_store_yaml(database_url: str) -> str:
    """Rasa's SQLTrackerStore settings for the same database the gateway uses.

    With SQLite the tracker gets its own file beside the handoff file: two processes
    writing one SQLite file would block each other, and nothing joins the two.
    """
    parts = urlsplit(database_url)
    scheme = parts.scheme.split("+")[0]
    if scheme == "sqlite":
        handoff_file = Path(database_url.split(":///", 1)[1])
        tracker_file = handoff_file.with_name(handoff_file.stem + "-tracker.sqlite3")
        return f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {tracker_file}\n"
    if scheme in ("postgresql", "postgres"):
        # rasa_ext: pool_pre_ping, so a PostgreSQL restart does not cost a conversation turn
        return (
            "tracker_store:\n  type: rasa_ext.tracker_store.PrePingSQLTrackerStore\n  dialect: postgresql\n"
            f"  url: {parts.hostname}\n  port: {parts.port or 5432}\n"
            f"  db: {parts.path.lstrip('/')}\n  username: {parts.username}\n"
            f"  password: {parts.password}\n"
        )
    raise SystemExit(f"DATABASE_URL の形式に対応していません: {scheme}")


def lock_store_yaml(redis_url: str | None) -> str:
    """Rasa's Redis lock store, so several Rasa servers share conversation locks (scale-out).

    Without REDIS_URL Rasa keeps its in-memory lock store, which is right for one process.
    """
    if not redis_url:
        return ""
    parts = urlsplit(redis_url)
    if parts.scheme not in ("redis", "rediss"):
        raise SystemExit(f"REDIS_URL の形式に対応していません: {parts.scheme}")
    db = parts.path.lstrip("/") or "0"
    text = (f"lock_store:\n  type: redis\n  url: {parts.hostname or '127.0.0.1'}\n"
            f"  port: {parts.port or 6379}\n  db: {db}\n")
    if parts.password:
        text += f"  password: {parts.password}\n"
    if parts.scheme == "rediss":
        text += "  use_ssl: true\n"
    return text


@dataclass
class Ports:
    """Where each process listens (all on 127.0.0.1)."""

    gateway: int = 8000
    rasa: int = 5005
    actions: int = 5055
    more_rasa: tuple[int, ...] = ()  # further Rasa processes ("rasa-2", …) sharing the tracker store

    def rasa_ports(self) -> dict[str, int]:
        """Each Rasa process's name and port: "rasa", then "rasa-2", "rasa-3", …"""
        return {"rasa": self.rasa, **{f"rasa-{n}": port for n, port in enumerate(self.more_rasa, 2)}}


@dataclass
class Stack:
    """The running processes, started in dependency order and stopped in reverse."""

    model: Path
    ports: Ports
    database_url: str = DEFAULT_DB
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    extra_env: dict[str, str] = field(default_factory=dict)
    redis_url: str | None = None
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.gateway}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.rasa}"

    @property
    def process_names(self) -> tuple[str, ...]:
        """Start order (stop goes the other way): the actions, every Rasa process, the gateway."""
        return ("actions", *self.ports.rasa_ports(), "gateway")

    def _env(self) -> dict[str, str]:
        env = {**os.environ, **self.extra_env}
        env.update({
            "PYTHONPATH": str(ROOT),
            "SANIC_HOST": "127.0.0.1",  # rasa_sdk binds 0.0.0.0 unless told otherwise
            "DATABASE_URL": self.database_url,
            "RASA_URL": ",".join(f"http://127.0.0.1:{p}" for p in self.ports.rasa_ports().values()),
            "RASA_TOKEN": self.token,
            "PORT": str(self.ports.gateway),
            "TF_CPP_MIN_LOG_LEVEL": "2",
        })
        return env

    def _endpoints_file(self) -> Path:
        run_dir = VAR / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        path = run_dir / f"endpoints-{self.ports.rasa}.yml"
        path.write_text(
            f"action_endpoint:\n  url: http://127.0.0.1:{self.ports.actions}/webhook\n"
            + tracker_store_yaml(self.database_url)
            + lock_store_yaml(self.redis_url),
            encoding="utf-8",
        )
        return path

    def _command(self, name: str, endpoints: Path) -> list[str]:
        """The command line of one process (start and restart use the same)."""
        if name == "actions":
            return [str(RASA_PY), "-m", "rasa_sdk", "--actions", "actions", "-p", str(self.ports.actions)]
        if name in self.ports.rasa_ports():
            return [str(RASA_PY), "-m", "rasa_ext", "run", "--model", str(self.model),
                    "--enable-api", f"--auth-token={self.token}", "-i", "127.0.0.1",
                    "-p", str(self.ports.rasa_ports()[name]), "--endpoints", str(endpoints),
                    "--credentials", "bot/credentials.yml"]
        if name == "gateway":
            return [str(GW_PY), "-m", "uvicorn", "channels.app:app", "--host", "127.0.0.1",
                    "--port", str(self.ports.gateway), "--no-access-log"]
        raise ValueError(f"unknown process {name}")

    def health_url(self, name: str) -> str:
        """Where a process answers 200 once it is ready."""
        return {
            "actions": f"http://127.0.0.1:{self.ports.actions}/health",
            "gateway": f"{self.gateway_url}/healthz",
            **{rasa: f"http://127.0.0.1:{port}/" for rasa, port in self.ports.rasa_ports().items()},
        }[name]

    def _spawn(self, name: str, cmd: list[str]) -> None:
        log_dir = VAR / "log"
        log_dir.mkdir(parents=True, exist_ok=True)
        with open(log_dir / f"{name}-{self.ports.gateway}.log", "ab") as log:  # the child keeps its copy
            self.procs[name] = subprocess.Popen(
                cmd, cwd=ROOT, env=self._env(), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us only; we stop the children in order
            )

    def _wait(self, name: str, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = self.procs[name]
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}; see var/log/{name}-*.log")
            try:
                with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - loopback only
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{name} did not answer {url} within {timeout:.0f} s")

    def start(self, timeout: float = 180) -> None:
        """Start the action server, the Rasa server and the gateway; wait until each answers."""
        endpoints = self._endpoints_file()
        started = time.monotonic()
        say("==> starting the action server")
        self._spawn("actions", self._command("actions", endpoints))
        say("==> starting the Rasa server (loads TensorFlow, the model and GiNZA: about 1.5 min on 2 cores)")
        for rasa in self.ports.rasa_ports():
            self._spawn(rasa, self._command(rasa, endpoints))
        say("==> starting the gateway")
        self._spawn("gateway", self._command("gateway", endpoints))
        try:
            for name in self.process_names:
                self._wait(name, self.health_url(name), timeout)
        except BaseException:  # also Ctrl-C while waiting: never leave children behind
            self.stop()
            raise
        say(f"==> all processes up in {time.monotonic() - started:.0f} s")

    def kill(self, name: str) -> None:
        """SIGKILL one process and reap it (fault tests: a crash, not a clean stop)."""
        proc = self.procs[name]
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)

    def restart(self, name: str, timeout: float = 180) -> float:
        """Start one process again (after a crash or kill) and wait until it answers; seconds taken.

        The others keep running: state lives in the tracker store and the database, so the
        new process continues every conversation where it was.
        """
        proc = self.procs.get(name)
        if proc is not None and proc.poll() is None:
            self.kill(name)
        started = time.monotonic()
        self._spawn(name, self._command(name, self._endpoints_file()))
        self._wait(name, self.health_url(name), timeout)
        return time.monotonic() - started

    def stop(self, grace: float = 15) -> None:
        """Stop the gateway first (no new turns), then Rasa, then the actions."""
        for name in reversed(self.process_names):
            proc = self.procs.get(name)
            if proc is None or proc.poll() is not None:
                continue
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs.clear()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the intake assistant (all processes).")
    parser.add_argument("--model", type=Path, required=True, help="trained Rasa model (scripts/train.py)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--rasa-port", type=int, default=int(os.environ.get("RASA_PORT", "5005")))
    parser.add_argument("--actions-port", type=int, default=int(os.environ.get("ACTIONS_PORT", "5055")))
    parser.add_argument("--rasa-processes", type=int, default=int(os.environ.get("RASA_PROCESSES", "1")),
                        help="Rasa servers sharing the tracker store (ports from --rasa-port up)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stack = Stack(
        model=args.model,
        ports=Ports(gateway=args.port, rasa=args.rasa_port, actions=args.actions_port,
                    more_rasa=tuple(args.rasa_port + n for n in range(1, max(1, args.rasa_processes)))),
        database_url=os.environ.get("DATABASE_URL", DEFAULT_DB),
        token=os.environ.get("RASA_TOKEN") or secrets.token_urlsafe(32),
        redis_url=os.environ.get("REDIS_URL") or None,
    )
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        stack.start()
    except RuntimeError as exc:
        say(f"!! {exc}")
        return 1
    say(f"==> web chat: {stack.gateway_url}/   health: {stack.gateway_url}/healthz   "
        f"staff: {stack.gateway_url}/staff")
    say("==> Ctrl-C stops every process")
    print(stack.gateway_url, flush=True)
    while not stopping:
        for name, proc in stack.procs.items():
            if proc.poll() is not None:
                say(f"!! {name} stopped unexpectedly (exit {proc.returncode}); see var/log/")
                stopping = True
                break
        time.sleep(0.5)
    say("==> stopping")
    stack.stop()
    say("==> stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
