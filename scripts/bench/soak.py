"""`make soak`: 50 simulated residents against the whole assistant for 10 minutes (loopback).

Bounded by time and by a turn count. A started conversation runs to its end after the
deadline, so every resident who said yes to sharing also chose a contact. Then the store
is read back and checked: zero 5xx, one handoff per resident who reached the handoff turn,
no handoff nobody asked for, unique ids, and each record holding only that resident's
words (the keyed sender hash ties a record to its resident). Exit status 1 on any failure.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from load import INTERACTIVE, SATURATION, LoadResult, LoadSpec, Target, load_phrases, run_load  # noqa: E402
from processes import HASH_KEY, database, run_dir, start_stack  # noqa: E402
from run_all import cores, kinds, our_model, say  # noqa: E402
from stats import Summary, table, verdict  # noqa: E402

from channels.store import handoffs  # noqa: E402
from channels.store.db import Database  # noqa: E402
from nlu.classifier import dataset  # noqa: E402


@dataclass(frozen=True)
class Stored:
    """What the check needs of one stored handoff."""

    id: str
    sender_key: str
    resident_words: tuple[str, ...]


def read_store(url: str) -> list[Stored]:
    """Every handoff in the database, through the gateway's own store functions."""
    db = Database(url)
    try:
        with db.session() as session:
            return [Stored(h.id, h.sender_key, tuple(h.record.get("resident_words", [])))
                    for h in handoffs.queue(session)]
    finally:
        db.dispose()


def check_handoffs(stored: Iterable[Stored], expected: Iterable[str], sent: Mapping[str, list[str]],
                   key: bytes, channel: str = "web") -> list[str]:
    """Problems found (empty when none): lost, duplicated, unexpected or mixed-up handoffs."""
    stored = list(stored)
    problems = []
    ids = Counter(s.id for s in stored)
    problems += [f"handoff id {i} stored {n} times" for i, n in ids.items() if n > 1]
    by_key = {handoffs.sender_key(key, channel, sender): sender for sender in sent}
    per_key = Counter(s.sender_key for s in stored)
    for sender in expected:
        count = per_key.get(handoffs.sender_key(key, channel, sender), 0)
        if count != 1:
            problems.append(f"resident {sender}: {count} handoffs (expected 1)")
    wanted = {handoffs.sender_key(key, channel, s) for s in expected}
    for item in stored:
        sender = by_key.get(item.sender_key)
        if item.sender_key not in wanted:
            problems.append(f"handoff {item.id}: no resident of this run reached the handoff turn for it")
        elif not set(item.resident_words) <= set(sent[sender]):
            problems.append(f"handoff {item.id}: resident_words not all from its resident")
    return problems


def report(result: LoadResult, stored: list[Stored], problems: list[str], spec: LoadSpec) -> str:
    s = Summary.of(result.latencies_ms)
    rows: list[list[Any]] = [
        ["residents", spec.residents], ["pause s", f"{spec.pause[0]}–{spec.pause[1]}"],
        ["duration s", round(result.elapsed, 1)], ["nproc", cores()], ["turns", result.turns],
        ["turns/s", result.rate], ["median ms", s.median], ["p95 ms", s.p95], ["p99 ms", s.p99],
        ["errors (all)", result.errors], ["error kinds", kinds(result)],
        ["5xx", f"{result.server_errors} {verdict(result.server_errors == 0)}"],
        ["conversations", result.conversations], ["abandoned (turn cap)", result.abandoned],
        ["reached consent", len(result.consented)], ["chose a contact", len(result.contacted)],
        ["told it was passed on", len(result.handed_off)],
        ["handoffs stored", len(stored)],
        ["lost/duplicated/unexpected", f"{len(problems)} {verdict(not problems)}"],
    ]
    return table(["soak", "value"], rows, "Soak")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Soak: residents for minutes, then check every handoff.")
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--max-turns", type=int, default=100_000, help="stop after this many turns")
    parser.add_argument("--load", choices=("interactive", "saturation"), default="interactive")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--model", type=Path, help="the assistant's model (default: scripts/train.py)")
    parser.add_argument("--quick", action="store_true", help="a smoke: 10 residents, 20 s")
    parser.add_argument("--rasa-processes", type=int, default=1, help="Rasa servers sharing a tracker store")
    args = parser.parse_args(argv)
    residents, seconds = (10, 20.0) if args.quick else (args.residents, args.seconds)
    pause = INTERACTIVE if args.load == "interactive" else SATURATION
    spec = LoadSpec(residents, pause, seconds, args.max_turns, finish_conversations=True, seed=7)
    phrases = load_phrases(dataset("train"))
    model = our_model(args.model)
    with database(args.database, run_dir("soak")) as url:
        stack, _ = start_stack(model, url, args.rasa_processes)
        try:
            say(f"==> soak: {residents} residents, {args.load} load, {seconds:.0f} s")
            result = asyncio.run(run_load(Target("gateway", stack.gateway_url, "gateway"), phrases, spec))
        finally:
            stack.stop()
        stored = read_store(url)
    expected = result.handed_off  # told 「担当者に届けました」: the store must hold it once
    problems = check_handoffs(stored, expected, result.sent, HASH_KEY.encode())
    problems += [f"resident {s}: consented and chose a contact but was never told it was passed on"
                 for s in (result.consented & result.contacted) - result.handed_off]
    print(report(result, stored, problems, spec))
    for problem in problems[:50]:
        print(f"  - {problem}")
    return 0 if not problems and result.server_errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
