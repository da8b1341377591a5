"""Percentiles and plain-text tables for the bench scripts.

Latency figures are read by people comparing runs, so every table prints the same
columns in the same units (milliseconds, turns/s) and nothing here depends on a server.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100): always a value that was actually measured."""
    if not values:
        return math.nan
    if not 0 <= q <= 100:
        raise ValueError(f"percentile out of range: {q}")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Summary:
    """Median, p95 and p99 of one series of latencies, in milliseconds."""

    n: int
    median: float
    p95: float
    p99: float

    @classmethod
    def of(cls, millis: Sequence[float]) -> Summary:
        return cls(len(millis), percentile(millis, 50), percentile(millis, 95), percentile(millis, 99))


def verdict(ok: bool) -> str:
    """PASS/FAIL beside a target, the same word everywhere."""
    return "PASS" if ok else "FAIL"


def fmt(value: object) -> str:
    """A table cell: floats with one decimal, NaN as a dash."""
    if isinstance(value, float):
        return "-" if math.isnan(value) else f"{value:.1f}"
    return str(value)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], title: str = "") -> str:
    """A Markdown table (readable in a terminal and pasteable into an issue)."""
    cells = [[fmt(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]

    def line(items: Sequence[str]) -> str:
        return "| " + " | ".join(s.ljust(w) for s, w in zip(items, widths, strict=True)) + " |"

    out = [f"\n## {title}\n"] if title else []
    out += [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in cells]
    return "\n".join(out)
