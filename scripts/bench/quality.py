"""Extraction quality, plain Rasa vs our NLU: micro-F1 of categories on the TEST split.

Runs in .venv-rasa. Plain Rasa is DIET with multi-intents trained on the TRAIN split
(training.quality_model); ours is what ``intake eval`` reports (nlu.evaluate.evaluate:
classifiers trained on the same TRAIN split, with the rules' features). The metric is
nlu.evaluate's Prf for both. ``--json`` prints the result for run_all.py.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from training import intent_categories, quality_model  # noqa: E402

MIN_GAIN = 0.2  # issue 6: ours >= plain Rasa + 0.2


def micro_f1(preds: Iterable[set[str]], golds: Iterable[set[str]]) -> float:
    """Micro-F1 over category sets, with nlu.evaluate's counting."""
    from nlu.evaluate import Prf

    prf = Prf()
    for pred, gold in zip(preds, golds, strict=True):
        prf.add(pred, gold)
    return prf.f1


def plain_rasa(model: Path, texts: Sequence[str]) -> list[set[str]]:
    """Categories plain Rasa predicts: its top intent split on "+"."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def parse_all() -> list[set[str]]:
        return [intent_categories((await agent.parse_message(t))["intent"]["name"] or "") for t in texts]

    return asyncio.run(parse_all())


def ours() -> float:
    """Our micro-F1 on the TEST split exactly as ``./intake eval`` reports it: classifiers
    trained on the TRAIN split with the rules' features (not n-grams alone)."""
    from nlu.evaluate import evaluate

    return evaluate("test")[0]["micro_f1"]


def compare(epochs: int | None = None) -> dict[str, float]:
    """Both systems on the TEST split."""
    from nlu.classifier import dataset

    train, test = dataset("train"), dataset("test")
    texts, golds = [r["text"] for r in test], [set(r.get("categories", [])) for r in test]
    plain = micro_f1(plain_rasa(quality_model(train, epochs), texts), golds)
    mine = ours()
    return {"plain_rasa": plain, "ours": mine, "gain": mine - plain,
            "n_test": len(test), "n_train": len(train), "epochs": epochs}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--epochs", type=int, help="DIET epochs (default: the config's; a smoke uses few)")
    args = parser.parse_args(argv)
    result = compare(args.epochs)
    if args.json:
        print(json.dumps(result))
        return
    verdict = "PASS" if result["gain"] >= MIN_GAIN - 1e-9 else "FAIL"
    print(f"micro-F1 of categories on TEST ({result['n_test']} lines): "
          f"plain Rasa {result['plain_rasa']:.3f}, ours {result['ours']:.3f}, "
          f"gain {result['gain']:+.3f}   (target gain >= {MIN_GAIN}) {verdict}")


if __name__ == "__main__":
    main()
