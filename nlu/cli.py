"""``intake`` command line: ``analyze`` (contract §4), ``eval`` and ``train``.

stdout carries JSON only; logs and library warnings go to stderr (or nowhere).
"""
from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before anything imports TensorFlow

import argparse
import json
import logging
import queue
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from nlu.normalize import MAX_CHARS

logger = logging.getLogger("nlu.cli")


class BadLine(ValueError):
    """An input line that cannot be analysed; its message goes into the output line."""


def parse_line(line: str) -> tuple[Any, str]:
    """``(id, text)`` of one JSON Lines input line, or BadLine saying why not."""
    if not line.strip():
        raise BadLine("empty line")
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not valid JSON: {exc.msg}") from exc
    if not isinstance(obj, dict):
        raise BadLine("a line must be a JSON object with \"text\"")
    line_id = obj.get("id")
    if "text" not in obj:
        raise BadLine("no \"text\" field", line_id)
    text = obj["text"]
    if not isinstance(text, str):
        raise BadLine("\"text\" must be a string", line_id)
    if len(text) > MAX_CHARS:
        raise BadLine(f"text is longer than {MAX_CHARS} characters", line_id)
    return line_id, text


def _error_id(exc: BadLine) -> Any:
    return exc.args[1] if len(exc.args) > 1 else None


def analyze_lines(lines: Iterable[str], analyze: Callable[[str], dict]) -> Iterator[dict]:
    """One output object per input line, in order; bad lines become error objects."""
    for line in lines:
        yield from analyze_batch([line], lambda texts: [analyze(t) for t in texts])


def analyze_batch(lines: list[str], analyze_many: Callable[[list[str]], list[dict]]) -> list[dict]:
    """Output objects for a batch of input lines, in order. The good lines are analysed
    together (one nlp.pipe call); if that fails, each one alone, so one bad message only
    spoils its own output line."""
    parsed: list[tuple[Any, str] | dict] = []
    for line in lines:
        try:
            parsed.append(parse_line(line))
        except BadLine as exc:
            parsed.append({"id": _error_id(exc), "error": exc.args[0]})
    good = [p for p in parsed if isinstance(p, tuple)]
    try:
        results = iter(analyze_many([text for _, text in good]))
        answers = {id(p): {"id": p[0], **next(results)} for p in good}
    except Exception:  # retried one by one below
        answers = {id(p): _analyze_one(p, analyze_many) for p in good}
    return [answers[id(p)] if isinstance(p, tuple) else p for p in parsed]


def _analyze_one(item: tuple[Any, str], analyze_many: Callable[[list[str]], list[dict]]) -> dict:
    line_id, text = item
    try:
        return {"id": line_id, **analyze_many([text])[0]}
    except Exception as exc:  # one bad message must not stop the stream
        logger.exception("analysis failed for line id %r", line_id)
        return {"id": line_id, "error": f"analysis failed: {type(exc).__name__}"}


BATCH_SIZE = 32
READ_AHEAD_LINES = 100_000


def batches(stream: IO[str], size: int) -> Iterator[list[str]]:
    """Lines of ``stream`` in batches of at most ``size``: a batch holds what has already
    arrived, so an interactive caller gets each answer without waiting for more input."""
    # Read ahead generously: a caller that writes all its input before reading any output
    # (as scripts/bench does) must never block on a full stdin pipe while we wait on stdout.
    lines: queue.Queue[str | None] = queue.Queue(maxsize=READ_AHEAD_LINES)

    def read() -> None:
        try:
            for line in iter(stream.readline, ""):
                lines.put(line)
        finally:
            lines.put(None)

    threading.Thread(target=read, name="stdin-reader", daemon=True).start()
    done = False
    while not done:
        first = lines.get()
        if first is None:
            return
        batch = [first]
        while len(batch) < size:
            try:
                nxt = lines.get_nowait()
            except queue.Empty:
                break
            if nxt is None:
                done = True
                break
            batch.append(nxt)
        yield batch




def cmd_analyze(args: argparse.Namespace, stdin: IO[str], stdout: IO[str]) -> int:
    from nlu.analysis import Analyzer

    analyzer = Analyzer()
    analyzer.analyze("準備")  # load and warm the parser before the first real line

    def analyze_many(texts: list[str]) -> list[dict]:
        return list(analyzer.analyze_many(texts, batch_size=BATCH_SIZE))

    for batch in batches(stdin, BATCH_SIZE):
        for result in analyze_batch(batch, analyze_many):
            stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        stdout.flush()
    return 0


def cmd_train(args: argparse.Namespace, stdin: IO[str], stdout: IO[str]) -> int:
    from nlu.classifier import MODEL_PATH, Models, dataset, is_current, save_models, train_from_data

    if args.if_stale and is_current(MODEL_PATH):
        stdout.write(f"up to date: {MODEL_PATH}\n")
        return 0
    from nlu.analysis import Analyzer

    rules = Analyzer(models=Models(), counters=lambda categories: [])
    features = rules.features_of_texts(r["text"] for r in dataset("train"))
    save_models(train_from_data(features.__getitem__), MODEL_PATH)
    stdout.write(f"saved {MODEL_PATH}\n")
    return 0


def cmd_eval(args: argparse.Namespace, stdin: IO[str], stdout: IO[str]) -> int:
    from nlu.evaluate import run

    return run(args, stdout)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="intake", description="Japanese intake analysis (contract §4).")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("analyze", help="JSON Lines {id, text} on stdin → one result per line on stdout")
    tr = sub.add_parser("train", help="train the category classifier on the train split, save under var/nlu/")
    tr.add_argument("--if-stale", action="store_true",
                    help="do nothing when the saved models were made from the current data and lexicons")
    ev = sub.add_parser("eval", help="train on split=train, report on split=test, against a keyword baseline")
    ev.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    ev.add_argument("--data", default=None, help="directory of *.jsonl (default tests/data/intake)")
    ev.add_argument("--split", default="test", choices=["test", "train"],
                    help="split to report on (train: for debugging, with --errors)")
    ev.add_argument("--errors", action="store_true", help="list the wrong lines (train split only)")
    return parser


COMMANDS = {"analyze": cmd_analyze, "train": cmd_train, "eval": cmd_eval}


def _quiet(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    warnings.filterwarnings("ignore")
    for noisy in ("tensorflow", "absl", "h5py", "numexpr", "spacy"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _quiet(args.verbose)
    return COMMANDS[args.command](args, sys.stdin, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
