"""The intake analysis of one message: contract §4 (without ``id``) plus ``writer`` (§9).

``Analyzer`` loads ja_ginza once and is then called per message; ``analyze_doc`` takes a
Doc already parsed elsewhere (Rasa's SpacyNLP), so a message is parsed exactly once.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from knowledge.codes import CATEGORIES, CRISIS_TYPES
from knowledge.lexicons import Lexicons, load_lexicons
from nlu.categories import find_categories
from nlu.classifier import CategoryModel, load_or_train
from nlu.crisis import detect_crisis
from nlu.household import extract_household
from nlu.normalize import TextView, clean_text
from nlu.writer import guess_writer

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)

SPACY_MODEL = "ja_ginza"
CounterFinder = Callable[[Iterable[str]], list[dict[str, str]]]


def load_spacy(name: str = SPACY_MODEL) -> Language:
    """ja_ginza (one load per process; about 3 s warm)."""
    import spacy

    return spacy.load(name)


def pack_counters(municipality: str | None = None) -> CounterFinder:
    """Counters of the knowledge pack: ``[{"name", "why"}]`` for some categories."""
    from knowledge.pack import load_pack

    pack = load_pack(municipality)

    def counters(categories: Iterable[str]) -> list[dict[str, str]]:
        return [{"name": counter.name, "why": why} for counter, why in pack.counters_for(list(categories))]

    return counters


PARSE_PIPES = ("parser", "bunsetu_recognizer")
"""What Rasa's SpacyNLP leaves out (it loads models with ``disable=["parser"]``); running
them on its Doc gives exactly ja_ginza's full analysis without parsing the text again."""


def complete_parse(doc: Doc, nlp: Language | None) -> Doc:
    """Add the dependency parse to a Doc made without it (Rasa's SpacyNLP)."""
    if doc.has_annotation("DEP") or nlp is None:
        return doc
    for name in PARSE_PIPES:
        if name in nlp.component_names:
            doc = nlp.get_pipe(name)(doc)
    return doc


class Analyzer:
    """Turns a resident's message into categories, members, crisis, counters and writer."""

    def __init__(self, nlp: Language | None = None, lexicons: Lexicons | None = None,
                 models: tuple[CategoryModel | None, CategoryModel | None] | None = None,
                 counters: CounterFinder | None = None) -> None:
        """``models``: (category, crisis) classifiers; default: saved or trained now."""
        self._nlp = nlp
        self.lexicons = lexicons or load_lexicons()
        self.model, self.crisis_model = load_or_train() if models is None else models
        self.counters = counters or pack_counters()

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = load_spacy()
        return self._nlp

    def analyze(self, text: str) -> dict[str, Any]:
        """Parse ``text`` (cleaned and capped) and analyse it."""
        return self.analyze_doc(self.nlp(clean_text(text)))

    def analyze_doc(self, doc: Doc, nlp: Language | None = None) -> dict[str, Any]:
        """Analyse an already parsed message; ``nlp`` (the pipeline that made ``doc``)
        completes a Doc made with the parser disabled. Without a parse the analysis still
        runs, with sentence ends from punctuation and no negation reading."""
        doc = complete_parse(doc, nlp or self._nlp)
        view = TextView.of(doc)
        lex = self.lexicons
        hits = find_categories(view, lex.categories)
        found = {h.code for h in hits if h.counts}
        if self.model is not None:
            found |= set(self.model.predict(doc.text))
        categories = [c for c in CATEGORIES if c in found]
        members, _ = extract_household(view, hits, lex.kinship)
        owned = {c for m in members for c in m.categories}
        own = [c for c in categories if c not in owned]
        return {
            "categories": categories,
            "members": [m.as_dict() for m in members],
            "crisis": self._crisis(doc.text, view),
            "counters": self.counters(categories),
            "writer": guess_writer(doc.text, members, categories, own, lex.writer),
        }

    def _crisis(self, text: str, view: TextView | None) -> dict[str, Any]:
        """Lexicon alarms, plus the classifier's: either one raises the alarm."""
        crisis = detect_crisis(text, self.lexicons.crisis, view)
        extra = self.crisis_model.predict(text) if self.crisis_model is not None else []
        types = [t for t in CRISIS_TYPES if t in crisis["types"] or t in extra]
        return {"level": "urgent" if types else "none", "types": types}

    def analyze_without_parse(self, text: str) -> dict[str, Any]:
        """Crisis check only, for a message that arrived without a parse (never skip it)."""
        return {
            "categories": [],
            "members": [],
            "crisis": self._crisis(clean_text(text), None),
            "counters": [],
            "writer": "unknown",
        }
