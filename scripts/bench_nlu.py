"""Prints NLU speed figures: per-message analysis latency (median, p95), lines/s of
``./intake analyze`` over 1,000 lines, and the peak RSS of that run.

Targets (issue "Japanese NLU"): >= 40 lines/s, median <= 30 ms, peak RSS <= 1.5 GB.
A script that reports figures, not a timed test: machines differ.
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

SAMPLES = [
    "80代の母が認知症で、50代の兄がひきこもっています。",
    "息子が不登校で、私も仕事を休みがちです。生活費が足りません。",
    "もう疲れた。いなくなりたい",
    "夫から暴力を受けています。子ども2人と逃げたいです。",
    "隣のおばあさんの家がごみ屋敷になっていて心配です。",
    "わたし は びょうき です。 しごと が できません。",
    "妻の母（85）が物忘れがひどく、夜中に家を出てしまいます。介護保険のことを知りたい。",
    "家賃が払えず、立ち退きを言われています。どこに相談すればいいか分かりません。",
]


def messages(n: int) -> list[str]:
    return [f"{SAMPLES[i % len(SAMPLES)]}（{i}）" for i in range(n)]


def latency(n: int = 200) -> tuple[float, float]:
    """Median and p95 of Analyzer.analyze in one process, in milliseconds."""
    from nlu.analysis import Analyzer

    analyzer = Analyzer()
    analyzer.analyze("準備")
    times = []
    for text in messages(n):
        start = time.perf_counter()
        analyzer.analyze(text)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def throughput(n: int = 1000) -> tuple[float, float, float]:
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
    assert count == n, f"expected {n} output lines, got {count}"
    return (n - 1) / (end - first), end - started, peak_mb


def main() -> None:
    median, p95 = latency()
    rate, total, peak = throughput()
    print(f"analysis latency per message: median {median:.1f} ms, p95 {p95:.1f} ms"
          "   (target median <= 30 ms)")
    print(f"./intake analyze, 1,000 lines: {rate:.1f} lines/s after start-up, {total:.1f} s in all"
          "   (target >= 40 lines/s)")
    print(f"peak RSS of ./intake analyze: {peak:.0f} MB   (target <= 1,536 MB)")


if __name__ == "__main__":
    main()
