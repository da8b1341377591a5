"""Rasa 3.6 graph component: the intake analysis on every parsed message.

Runs last in the pipeline. It reuses the spaCy Doc that Rasa's ``SpacyNLP`` already made
(one GiNZA parse per message), adds ``message["intake"]`` (contract §4 without ``id``,
plus ``writer``) as an output property, and on an urgent crisis overrides the intent with
``crisis`` (confidence 1.0) so the dialogue's crisis rule fires whatever DIET guessed.
See docs/architecture.md, "The NLU result inside Rasa".
"""
from __future__ import annotations

import logging
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

logger = logging.getLogger(__name__)

INTAKE = "intake"
SPACY_DOC = "text_spacy_doc"  # where SpacyNLP leaves the parsed Doc of the text


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False, model_from="SpacyNLP"
)
class IntakeAnalyzer(GraphComponent, IntentClassifier):
    """Adds the intake analysis to each message and forces the crisis intent when urgent."""

    @classmethod
    def required_components(cls) -> list[type]:
        """The Doc comes from SpacyNLP (model: ja_ginza)."""
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Intent set when the crisis detector says "urgent" (the dialogue's crisis rule).
            "crisis_intent": "crisis",
            # Knowledge pack for the counters (contract §7 MUNICIPALITY); None = environment/default.
            "municipality": None,
        }

    @staticmethod
    def required_packages() -> list[str]:
        """spaCy + GiNZA parse; SudachiPy normalises the lexicons; scikit-learn classifier."""
        return ["spacy", "ginza", "sudachipy", "sklearn"]

    def __init__(self, config: dict[str, Any], analyzer: Any) -> None:
        self.config = config
        self.analyzer = analyzer

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> IntakeAnalyzer:
        from nlu.analysis import Analyzer, pack_counters

        return cls(config, Analyzer(counters=pack_counters(config.get("municipality"))))

    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        """Analyse each message from its existing Doc; override the intent on crisis.

        ``model`` is SpacyNLP's ja_ginza; its parser (which SpacyNLP disables) completes
        the Doc, so the text is never parsed from scratch a second time.
        """
        for message in messages:
            result = self._analyze(message, model.model)
            message.set(INTAKE, result, add_to_output=True)
            if result["crisis"]["level"] == "urgent":
                self._force_crisis_intent(message)
        return messages

    def _analyze(self, message: Message, nlp: Any) -> dict[str, Any]:
        doc = message.get(SPACY_DOC)
        if doc is not None:
            return self.analyzer.analyze_doc(doc, nlp)
        logger.warning("no spaCy Doc on the message (is SpacyNLP in the pipeline?): crisis check only")
        return self.analyzer.analyze_without_parse(message.get(TEXT) or "")

    def _force_crisis_intent(self, message: Message) -> None:
        """Set the crisis intent, keeping the classifier's guesses in the ranking."""
        crisis = {"name": self.config["crisis_intent"], "confidence": 1.0}
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != crisis["name"]]
        message.set(INTENT, crisis, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [crisis, *ranking], add_to_output=True)
