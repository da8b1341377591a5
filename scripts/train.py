"""Train the Rasa model only when its inputs changed; print the model's path.

The model file is named after a hash of everything that shapes it: bot/config.yml, the
domain and the training data. The custom NLU components are not trainable and the
knowledge files are read when the servers start, so changing them needs no retraining;
an unchanged tree reuses the model in about a second, a changed one is never served
stale. The NLU's own classifiers (var/nlu/, trained from tests/data/intake) are brought
up to date first, for the same reason.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INPUTS = ("bot/config.yml", "bot/domain", "bot/data")
MODELS = ROOT / "var" / "models"


def inputs_digest() -> str:
    """Hash the paths and contents of every training input, in a stable order."""
    digest = hashlib.sha256()
    for entry in INPUTS:
        path = ROOT / entry
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            if "__pycache__" in file.parts or file.suffix == ".pyc":
                continue
            digest.update(str(file.relative_to(ROOT)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def refresh_intake_models(python: str) -> None:
    """Train the NLU's classifiers (var/nlu/) now if the dataset or lexicons changed:
    otherwise every Rasa server would train them while starting (about two minutes on
    2 cores), past the start-up timeouts of `make run` and the tests."""
    cmd = [python, "-m", "nlu.cli", "train", "--if-stale"]
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=sys.stderr)


def train(python: str = str(ROOT / ".venv-rasa" / "bin" / "python")) -> Path:
    """Return the model for the current inputs, training it first if it is missing."""
    refresh_intake_models(python)
    name = f"intake-{inputs_digest()}"
    model = MODELS / f"{name}.tar.gz"
    if model.exists():
        return model
    MODELS.mkdir(parents=True, exist_ok=True)
    print(f"==> training the Rasa model {model.name} (about 1–3 minutes on 2 cores)", file=sys.stderr)
    started = time.monotonic()
    cmd = [python, "-m", "rasa", "train", "--config", "bot/config.yml", "--domain", "bot/domain",
           "--data", "bot/data", "--out", str(MODELS), "--fixed-model-name", name]
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=sys.stderr)
    print(f"==> trained in {time.monotonic() - started:.0f} s", file=sys.stderr)
    for old in MODELS.glob("intake-*.tar.gz"):  # keep the directory from growing without bound
        if old != model and old.stat().st_mtime < model.stat().st_mtime - 1:
            old.unlink()
    return model


if __name__ == "__main__":
    print(train())
