"""`make bench`: the figures of issue 6 as tables, our assistant beside a plain Rasa bot.

Runs in .venv-gw; anything needing Rasa's libraries runs in .venv-rasa as a subprocess.
  1. per-message latency: NLU in-process, Rasa /model/parse, a full turn through Rasa with
     actions (REST webhook) and through the gateway (/api/chat), and the bare bot's;
  2. sustained load: 1, 10, 50 simulated residents, interactive and saturation load
     (shared/spec/performance.md), for the whole assistant and the bare bot;
  3. start-up time and RSS (after warm-up) of every process;
  4. extraction quality: micro-F1 of categories, plain Rasa vs ours (TEST split).
Figures, not a timed test: PASS/FAIL is printed beside each target. ``--quick`` is a smoke.
All traffic stays on 127.0.0.1; every loop is bounded in turns and seconds.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from load import (  # noqa: E402
    INTERACTIVE,
    SATURATION,
    LoadResult,
    LoadSpec,
    Phrases,
    Target,
    load_phrases,
    run_load,
    timed_posts,
)
from processes import RASA_PY, START_TIMEOUT, BareRasa, database, run_dir, start_stack, tree_rss_mib  # noqa: E402
from stats import Summary, table, verdict  # noqa: E402
from training import bare_bot_model  # noqa: E402

from nlu.classifier import dataset  # noqa: E402

RESIDENTS = (1, 10, 50)
LOADS = {"interactive": INTERACTIVE, "saturation": SATURATION}
P95_TARGET_MS = 150.0   # gateway, 10 conversations, interactive
RATE_TARGET = 20.0      # turns/s, 50 conversations, saturation, zero errors
QUALITY_GAIN = 0.2
ASSISTANT = "assistant (gateway)"


@dataclass(frozen=True)
class Budget:
    """How much to measure: the full run, or a smoke with --quick."""

    messages: int      # per-message latency samples
    cell_seconds: float
    cell_turns: int
    nlu_lines: int
    epochs: int | None  # plain-Rasa training epochs; None: the configs' own (60 bare bot, 100 quality)

    @classmethod
    def of(cls, quick: bool, seconds: float | None) -> Budget:
        base = cls(20, 6.0, 300, 100, 3) if quick else cls(200, 30.0, 5000, 1000, None)
        return cls(base.messages, seconds or base.cell_seconds, base.cell_turns, base.nlu_lines, base.epochs)


def cores() -> int:
    """The cores this process may use (nproc)."""
    return len(os.sched_getaffinity(0))


def kinds(result: LoadResult) -> str:
    """The error count by kind, e.g. "soft 3, transport 1" (soft: the gateway's 200 fault reply)."""
    return ", ".join(f"{k} {n}" for k, n in sorted(result.error_kinds.items())) or "-"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def our_model(given: Path | None = None) -> Path:
    """The assistant's model: the one given, else scripts/train.py's (trained only when inputs changed)."""
    if given is not None:
        return given
    say("==> the assistant's model (scripts/train.py: trains only when bot/ config, domain or data changed)")
    out = subprocess.run([str(RASA_PY), "scripts/train.py"], cwd=ROOT, check=True,
                         capture_output=True, text=True)
    return Path(out.stdout.strip().splitlines()[-1])


def rasa_json(script: str, *args: str) -> dict:
    """Run a bench script in .venv-rasa and read its one JSON line."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}
    out = subprocess.run([str(RASA_PY), str(HERE / script), "--json", *args], cwd=ROOT, check=True,
                         capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


class Report:
    """Rows collected while measuring, printed as tables at the end."""

    def __init__(self) -> None:
        self.latency: list[list[object]] = []
        self.load: list[list[object]] = []
        self.procs: list[list[object]] = []
        self.extra: list[str] = []

    def add_latency(self, what: str, millis: list[float], failures: int = 0) -> None:
        s = Summary.of(millis)
        self.latency.append([what, s.n, s.median, s.p95, s.p99, failures])

    def add_load(self, system: str, residents: int, load: str, result: LoadResult) -> None:
        s = Summary.of(result.latencies_ms)
        target, clean = "", result.errors == 0
        if system.startswith(ASSISTANT) and residents == 10 and load == "interactive":
            target = f"p95 <= {P95_TARGET_MS:.0f} ms {verdict(s.p95 <= P95_TARGET_MS and clean)}"
        if system.startswith(ASSISTANT) and residents == 50 and load == "saturation":
            target = f">= {RATE_TARGET:.0f} turns/s, 0 errors {verdict(result.rate >= RATE_TARGET and clean)}"
        self.load.append([system, residents, load, s.n, s.median, s.p95, s.p99, result.rate, result.errors,
                          kinds(result), cores(), target])

    def print(self) -> None:
        print(f"# bench {time.strftime('%Y-%m-%d %H:%M')}  nproc={cores()}  "
              f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        sections = (
            (["what", "n", "median ms", "p95 ms", "p99 ms", "failures"], self.latency,
             "Per-message latency (one message at a time)"),
            (["system", "residents", "load", "turns", "median ms", "p95 ms", "p99 ms", "turns/s", "errors",
              "error kinds", "nproc", "target"], self.load, "Sustained load (simulated residents)"),
            (["process", "start-up s", "RSS after warm-up MiB", "RSS after load MiB"], self.procs,
             "Processes"),
        )
        for headers, rows, title in sections:
            if rows:  # a skipped part prints nothing
                print(table(headers, rows, title))
        for line in self.extra:
            print(line)


def one_resident(target: Target, phrases: Phrases, turns: int) -> LoadResult:
    """A single resident with no pause: per-turn latency without queueing."""
    return asyncio.run(run_load(target, phrases, LoadSpec(1, SATURATION, duration=600, max_turns=turns)))


def load_matrix(report: Report, system: str, target: Target, phrases: Phrases, budget: Budget) -> None:
    for residents in RESIDENTS:
        for name, pause in LOADS.items():
            say(f"==> {system}: {residents} residents, {name} load, {budget.cell_seconds:.0f} s")
            spec = LoadSpec(residents, pause, budget.cell_seconds, budget.cell_turns, seed=residents)
            report.add_load(system, residents, name, asyncio.run(run_load(target, phrases, spec)))


def parse_latency(url: str, token: str, texts: list[str]) -> tuple[list[float], int]:
    return asyncio.run(timed_posts(url, "/model/parse", [{"text": t} for t in texts], {"token": token}))


def bench_assistant(report: Report, phrases: Phrases, texts: list[str], budget: Budget, db_kind: str,
                    model: Path, rasa_processes: int = 1) -> None:
    """The whole assistant: per-message figures, RSS after warm-up, the load matrix, RSS after load."""
    suffix = "" if rasa_processes == 1 else f" ({rasa_processes} Rasa processes)"
    system = ASSISTANT + suffix
    with database(db_kind, run_dir("run")) as url:
        say(f"==> starting the assistant ({model.name}, {db_kind}, {rasa_processes} Rasa); "
            f"up to {START_TIMEOUT} s when busy")
        stack, startup = start_stack(model, url, rasa_processes)
        try:
            gateway = Target("gateway", stack.gateway_url, "gateway")
            webhook = Target("rasa", stack.rasa_url, "rasa")
            one_resident(gateway, phrases, 10)  # warm-up: every action and code path once
            report.add_latency("Rasa /model/parse (assistant: + IntakeAnalyzer)" + suffix,
                               *parse_latency(stack.rasa_url, stack.token, texts))
            turns = one_resident(webhook, phrases, budget.messages)
            report.add_latency("full turn, Rasa REST webhook + actions" + suffix, turns.latencies_ms,
                               turns.errors)
            turns = one_resident(gateway, phrases, budget.messages)
            report.add_latency("full turn, gateway POST /api/chat" + suffix, turns.latencies_ms, turns.errors)
            warm = {name: tree_rss_mib(proc.pid) for name, proc in stack.procs.items()}
            load_matrix(report, system, gateway, phrases, budget)
            for name, proc in stack.procs.items():
                report.procs.append([f"{system}: {name}", startup.get(name, float("nan")), warm[name],
                                     tree_rss_mib(proc.pid)])
        finally:
            stack.stop()


def bench_bare(report: Report, phrases: Phrases, texts: list[str], budget: Budget) -> None:
    """The plain Rasa bot on the same messages: the engine's own cost."""
    bare = BareRasa(bare_bot_model(dataset("train"), budget.epochs))
    say(f"==> starting the bare bot ({bare.model.name})")
    startup = bare.start()
    try:
        webhook = Target("bare", bare.url, "rasa")
        one_resident(webhook, phrases, 10)
        report.add_latency("Rasa /model/parse (bare bot)", *parse_latency(bare.url, bare.token, texts))
        turns = one_resident(webhook, phrases, budget.messages)
        report.add_latency("full turn, bare bot REST webhook", turns.latencies_ms, turns.errors)
        assert bare.proc is not None
        warm = tree_rss_mib(bare.proc.pid)
        load_matrix(report, "bare Rasa bot (webhook)", webhook, phrases, budget)
        report.procs.append(["bare bot: rasa", startup, warm, tree_rss_mib(bare.proc.pid)])
        if budget.epochs:
            report.extra.append(f"\n(quick: the bare bot was trained {budget.epochs} epochs, not 60)")
    finally:
        bare.stop()


def bench_nlu(report: Report, budget: Budget) -> None:
    nlu = rasa_json("nlu_speed.py", "--n", str(budget.messages), "--lines", str(budget.nlu_lines))
    report.add_latency("NLU in-process, Analyzer.analyze", nlu["latencies_ms"])
    rate, peak = nlu["lines_per_s"], nlu["peak_rss_mb"]
    report.extra.append(f"\n./intake analyze, {budget.nlu_lines} lines: {rate:.1f} lines/s "
                        f"(target >= 40 {verdict(rate >= 40)}), peak RSS {peak:.0f} MB "
                        f"(target <= 1536 {verdict(peak <= 1536)})")


def bench_quality(report: Report, budget: Budget) -> None:
    q = rasa_json("quality.py", *(["--epochs", str(budget.epochs)] if budget.epochs else []))
    quick = f" (quick: DIET {q['epochs']} epochs)" if q["epochs"] else ""
    report.extra.append(
        f"\nExtraction quality, micro-F1 of categories on TEST ({q['n_test']} lines, "
        f"trained on {q['n_train']}): plain Rasa (DIET multi-intent) {q['plain_rasa']:.3f}, "
        f"ours {q['ours']:.3f}, gain {q['gain']:+.3f}{quick}   "
        f"(target gain >= {QUALITY_GAIN}) {verdict(q['gain'] >= QUALITY_GAIN - 1e-9)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Issue 6 figures: latency, load, processes, quality.")
    parser.add_argument("--quick", action="store_true", help="a smoke: fewer messages, 6 s per cell")
    parser.add_argument("--seconds", type=float, help="seconds per load cell (default 30, quick 6)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--model", type=Path, help="the assistant's model (default: scripts/train.py)")
    parser.add_argument("--rasa-processes", type=int, nargs="+", default=[1],
                        help="run the assistant part once per count of Rasa servers, e.g. 1 2")
    parser.add_argument("--skip", nargs="*", default=[], choices=("nlu", "assistant", "bare", "quality"))
    args = parser.parse_args(argv)
    budget = Budget.of(args.quick, args.seconds)
    rows = dataset("train")
    phrases = load_phrases(rows)
    texts = [r["text"] for r in rows][: budget.messages]
    report = Report()
    steps = {"nlu": lambda: bench_nlu(report, budget),
             "assistant": lambda: [bench_assistant(report, phrases, texts, budget, args.database,
                                                   our_model(args.model), n) for n in args.rasa_processes],
             "bare": lambda: bench_bare(report, phrases, texts, budget),
             "quality": lambda: bench_quality(report, budget)}
    failed = []
    for name, step in steps.items():
        if name in args.skip:
            continue
        say(f"==> {name}")
        try:
            step()
        except (RuntimeError, OSError, subprocess.CalledProcessError, ValueError) as exc:
            say(f"!! {name} failed: {exc}")  # the other parts still report
            failed.append(name)
    report.print()
    if failed:
        print(f"\nfailed parts: {', '.join(failed)} (see stderr and var/log/)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
