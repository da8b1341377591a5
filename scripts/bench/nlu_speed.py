"""NLU alone, in-process (.venv-rasa): per-message latency of Analyzer.analyze, lines/s of
``./intake analyze`` over 1,000 lines and its peak RSS. Moved here from scripts/bench_nlu.py.

Targets (issue "Japanese NLU"): >= 40 lines/s, median <= 30 ms, peak RSS <= 1.5 GB.
Messages are the dataset's TRAIN texts, the same ones the simulated residents send.
``--json`` prints the raw figures for run_all.py (which runs in the gateway environment).
A script that reports figures, not a timed test: machines differ.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# Measured as a lone process, like ./intake: BLAS may use every core. The Rasa servers keep
# one BLAS thread each (nlu/blas_ops.py); their figures are the assistant's rows of run_all.
os.environ.setdefault("INTAKE_BLAS_THREADS", str(os.cpu_count() or 1))

from stats import Summary  # noqa: E402


def messages(n: int) -> list[str]:
    """n TRAIN texts, cycling (a numbered suffix keeps any cache from helping)."""
    from nlu.classifier import dataset

    texts = [r["text"] for r in dataset("train")]
    return [f"{texts[i % len(texts)]}（{i}）" for i in range(n)]


def latency(n: int) -> list[float]:
    """Milliseconds of Analyzer.analyze per message, in one warm process."""
    from nlu.analysis import Analyzer

    analyzer = Analyzer()
    analyzer.analyze("準備")
    times = []
    for text in messages(n):
        start = time.perf_counter()
        analyzer.analyze(text)
        times.append((time.perf_counter() - start) * 1000)
    return times


def throughput(n: int) -> tuple[float, float, float]:
    """(lines/s excluding start-up, total seconds, peak RSS in MB) of ./intake analyze."""
    lines = "".join(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n"
                    for i, t in enumerate(messages(n)))
    proc = subprocess.Popen([str(REPO / "intake"), "analyze"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    started = time.perf_counter()
    assert proc.stdin and proc.stdout
    proc.stdin.write(lines)
    proc.stdin.close()
    first = None
    count = 0
    for _ in proc.stdout:
        count += 1
        first = first or time.perf_counter()
    proc.wait()
    end = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if count != n or first is None:
        raise RuntimeError(f"expected {n} output lines, got {count}")
    return (n - 1) / (end - first), end - started, peak_mb


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="messages for the latency figure")
    parser.add_argument("--lines", type=int, default=1000, help="lines for ./intake analyze")
    parser.add_argument("--json", action="store_true", help="raw figures for run_all.py")
    args = parser.parse_args(argv)
    times = latency(args.n)
    rate, total, peak = throughput(args.lines)
    if args.json:
        print(json.dumps({"latencies_ms": times, "lines_per_s": rate, "total_s": total, "peak_rss_mb": peak}))
        return
    s = Summary.of(times)
    print(f"analysis latency per message: median {s.median:.1f} ms, p95 {s.p95:.1f} ms, p99 {s.p99:.1f} ms"
          "   (target median <= 30 ms)")
    print(f"./intake analyze, {args.lines:,} lines: {rate:.1f} lines/s after start-up, {total:.1f} s in all"
          "   (target >= 40 lines/s)")
    print(f"peak RSS of ./intake analyze: {peak:.0f} MB   (target <= 1,536 MB)")


if __name__ == "__main__":
    main()
