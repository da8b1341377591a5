"""Trains the two plain-Rasa models of the bench into var/bench/, only when their inputs changed.

Both learn from the dataset's TRAIN split, written out as Rasa NLU data at run time (the
dataset stays the one source): the bare bot gets the texts as examples of `tell`; the
category classifier gets each text under its categories joined by "+" (or "none").
Works from either environment: training itself runs in .venv-rasa as a subprocess.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BARE = HERE / "bare_bot"
OUT = ROOT / "var" / "bench"
RASA_PY = ROOT / ".venv-rasa" / "bin" / "python"


def category_intent(categories: Iterable[str]) -> str:
    """The multi-intent label of a set of categories: sorted codes joined by "+", or "none"."""
    codes = sorted(set(categories))
    return "+".join(codes) if codes else "none"


def intent_categories(intent: str) -> set[str]:
    """The inverse of category_intent."""
    return set() if intent in ("", "none") else set(intent.split("+"))


def one_line(text: str) -> str:
    """An example fits one YAML block line: no line breaks."""
    return " ".join(text.split())


def nlu_yaml(examples: Mapping[str, Sequence[str]]) -> str:
    """Rasa 3.x NLU training data; each example on one line of a literal block."""
    out = ['version: "3.1"', "nlu:"]
    for intent in sorted(examples):
        out += [f"  - intent: {intent}", "    examples: |"]
        out += [f"      - {t}" for t in dict.fromkeys(one_line(t) for t in examples[intent]) if t]
    return "\n".join(out) + "\n"


def digest(paths: Sequence[Path], *texts: str) -> str:
    """Hash of the input files and generated texts: the model's name."""
    sha = hashlib.sha256()
    for path in paths:
        for file in sorted(p for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file()):
            sha.update(file.name.encode() + file.read_bytes())
    for text in texts:
        sha.update(text.encode())
    return sha.hexdigest()[:16]


def with_epochs(config: Path, epochs: int | None, out: Path) -> Path:
    """The config as is, or a copy in var/bench/ with every component's epochs set
    (``--quick``: a smoke must not spend most of an hour training on a busy machine)."""
    if epochs is None:
        return config
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    for part in ("pipeline", "policies"):
        for item in data.get(part) or []:
            if "epochs" in item:
                item["epochs"] = epochs
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def _train(name: str, args: list[str]) -> Path:
    model = OUT / f"{name}.tar.gz"
    if model.exists():
        return model
    print(f"==> training {model.name} (a few minutes)", file=sys.stderr, flush=True)
    subprocess.run([str(RASA_PY), "-m", "rasa", *args, "--out", str(OUT), "--fixed-model-name", name],
                   cwd=ROOT, check=True, stdout=sys.stderr, env=_env())
    return model


def _env() -> dict[str, str]:
    return {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}


def bare_bot_model(rows: Sequence[dict[str, Any]], epochs: int | None = None) -> Path:
    """The plain Rasa bot (responses only), `tell` trained on the TRAIN texts."""
    tell = nlu_yaml({"tell": [r["text"] for r in rows]})
    data_dir = OUT / "bare"
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "tell.yml").write_text(tell, encoding="utf-8")
    config = with_epochs(BARE / "config.yml", epochs, data_dir / "config.yml")
    name = f"bare-{digest([config, BARE / 'domain.yml', BARE / 'data'], tell)}"
    return _train(name, ["train", "--config", str(config), "--domain", str(BARE / "domain.yml"),
                         "--data", str(BARE / "data"), str(data_dir)])


def quality_model(rows: Sequence[dict[str, Any]], epochs: int | None = None) -> Path:
    """Plain Rasa's category classifier (DIET, multi-intents) trained on the TRAIN rows."""
    grouped: dict[str, list[str]] = {}
    for row in rows:
        grouped.setdefault(category_intent(row.get("categories", [])), []).append(row["text"])
    data = nlu_yaml(grouped)
    data_dir = OUT / "quality"
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "nlu.yml").write_text(data, encoding="utf-8")
    config = with_epochs(BARE / "quality_config.yml", epochs, data_dir / "config.yml")
    name = f"quality-{digest([config], data)}"
    return _train(name, ["train", "nlu", "--config", str(config), "--nlu", str(data_dir / "nlu.yml")])
