"""The assistant's own quick replies never read as a crisis.

Found in an end-to-end run: a crisis term added for 「終わりにしたい」 also fired on the
listening button 「話し終わりました」, so every resident who tapped it got the emergency
numbers instead of the summary. Every button the dialogue offers (plain and やさしい日本語
wording), except the crisis flow's own, is checked here against the analyzer the Rasa server uses.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from knowledge.datafile import load_yaml

WORDING = Path(__file__).resolve().parents[2] / "knowledge"
CRISIS_FLOW = "crisis.yaml"  # its buttons follow a crisis answer; they are not checked here


def _buttons(node: Any, key: str = "") -> Iterator[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _buttons(v, str(k))
    elif isinstance(node, list) and key.endswith("buttons"):
        yield from (str(v) for v in node)
    elif isinstance(node, str) and key.endswith("button"):
        yield node


def dialogue_buttons() -> list[str]:
    found = {b for folder in ("wording", "wording_easy") for path in sorted((WORDING / folder).glob("*.yaml"))
             if path.name != CRISIS_FLOW for b in _buttons(load_yaml(path))}
    return sorted(found)


def test_the_buttons_are_found() -> None:
    assert {"話し終わりました", "はい", "いいえ", "LINE", "電話"} <= set(dialogue_buttons())


@pytest.fixture(scope="module")
def trained_analyzer(nlp):
    """Lexicons, rules and the trained models, as in the Rasa server."""
    from nlu.analysis import Analyzer

    return Analyzer(nlp=nlp)


@pytest.mark.parametrize("text", dialogue_buttons())
def test_a_dialogue_button_is_not_a_crisis(trained_analyzer, text: str) -> None:
    assert trained_analyzer.analyze(text)["crisis"]["level"] == "none", text
