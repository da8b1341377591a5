"""The Rasa component on a real Message with a real ja_ginza Doc, as SpacyNLP makes it."""
from __future__ import annotations

import pytest

pytest.importorskip("rasa")


@pytest.fixture(scope="module")
def component(analyzer):
    from nlu.components.intake_analyzer import IntakeAnalyzer

    return IntakeAnalyzer(IntakeAnalyzer.get_default_config(), analyzer)


@pytest.fixture(scope="module")
def rasa_nlp():
    """ja_ginza as Rasa's SpacyNLP loads it: without the parser."""
    import spacy
    from rasa.nlu.utils.spacy_utils import SpacyModel

    return SpacyModel(model=spacy.load("ja_ginza", disable=["parser"]), model_name="ja_ginza")


def message_for(text: str, rasa_nlp):
    from rasa.shared.nlu.training_data.message import Message

    message = Message(data={"text": text, "intent": {"name": "greet", "confidence": 0.9},
                            "intent_ranking": [{"name": "greet", "confidence": 0.9}]})
    message.set("text_spacy_doc", rasa_nlp.model(text))
    return message


def test_intake_is_an_output_property(component, rasa_nlp) -> None:
    text = "80代の母が認知症で、兄がひきこもっています。"
    message = component.process([message_for(text, rasa_nlp)], rasa_nlp)[0]
    intake = message.get("intake")
    assert intake["categories"] == ["elderly_care", "hikikomori"]
    assert {m["relation"] for m in intake["members"]} == {"mother", "older_brother"}
    assert "intake" in message.as_dict(only_output_properties=True)
    assert message.get("intent")["name"] == "greet"


def test_urgent_crisis_overrides_the_intent(component, rasa_nlp) -> None:
    message = component.process([message_for("もう消えたい", rasa_nlp)], rasa_nlp)[0]
    assert message.get("intent") == {"name": "crisis", "confidence": 1.0}
    assert [r["name"] for r in message.get("intent_ranking")] == ["crisis", "greet"]
