"""``./intake analyze`` as a subprocess: one JSON line out per line in, in order, exit 0."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def outputs() -> list[dict]:
    lines = [
        json.dumps({"id": "good", "text": "80代の母が認知症です"}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "no-text"}),
        "",
        json.dumps({"id": "huge", "text": "あ" * 5000}),
        json.dumps({"id": "emoji", "text": "😢😢😢"}),
        json.dumps({"id": "number", "text": 42}),
        json.dumps({"id": "last", "text": "死にたい"}, ensure_ascii=False),
    ]
    proc = subprocess.run([str(REPO / "intake"), "analyze"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_one_line_out_per_line_in_order(outputs: list[dict]) -> None:
    assert [o["id"] for o in outputs] == ["good", None, "no-text", None, "huge", "emoji", "number", "last"]


def test_good_line_has_the_contract_fields(outputs: list[dict]) -> None:
    good = outputs[0]
    assert set(good) == {"id", "categories", "members", "crisis", "counters", "writer"}
    assert good["categories"] == ["elderly_care"]
    assert good["members"][0]["relation"] == "mother"
    assert good["counters"] and all(set(c) == {"name", "why"} for c in good["counters"])


@pytest.mark.parametrize("index", [1, 2, 3, 4, 6])
def test_bad_lines_yield_errors(outputs: list[dict], index: int) -> None:
    assert "error" in outputs[index] and "categories" not in outputs[index]


def test_emoji_only_is_analysed(outputs: list[dict]) -> None:
    assert outputs[5]["categories"] == [] and outputs[5]["crisis"]["level"] == "none"


def test_stream_goes_on_after_errors(outputs: list[dict]) -> None:
    assert outputs[-1]["crisis"] == {"level": "urgent", "types": ["suicide"]}


def test_saved_models_are_current_only_for_the_data_they_were_made_from(tmp_path) -> None:
    """`intake train --if-stale` (run by scripts/train.py) skips training only then."""
    from nlu.classifier import Models, fingerprint, is_current, save_models

    path = tmp_path / "models.pkl"
    assert not is_current(path)
    save_models(Models(fingerprint=fingerprint()), path)
    assert is_current(path)
    save_models(Models(fingerprint="made-from-other-data"), path)
    assert not is_current(path)
