"""The intake analysis of one message: contract §4 (without ``id``) plus ``writer`` (§9).

``Analyzer`` loads ja_ginza once and is then called per message; ``analyze_doc`` takes a
Doc already parsed elsewhere (Rasa's SpacyNLP), so a message is parsed exactly once.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from knowledge.codes import CATEGORIES, CRISIS_TYPES
from knowledge.lexicons import Lexicons, load_lexicons
from nlu.blas_ops import use_blas
from nlu.categories import CategoryHit, find_categories
from nlu.classifier import CategoryModel, Extras, Features, Models, load_or_train
from nlu.crisis import detect_crisis
from nlu.household import Member, extract_household
from nlu.normalize import TextView, clean_text, compact
from nlu.writer import OUTSIDE_WRITERS, guess_writer, writer_features

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)

SPACY_MODEL = "ja_ginza"
CounterFinder = Callable[[Iterable[str]], list[dict[str, str]]]


UNUSED_PIPES = ("ner",)
"""GiNZA pipes whose output the analysis never reads (entities): not loaded, not run."""


def load_spacy(name: str = SPACY_MODEL) -> Language:
    """ja_ginza without the unused pipes (one load per process; about 3 s warm)."""
    import spacy

    return use_blas(spacy.load(name, exclude=list(UNUSED_PIPES)))


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
    use_blas(nlp)  # Rasa loads SpacyNLP's model itself; after the first call a few isinstance checks
    for name in PARSE_PIPES:
        if name in nlp.component_names:
            doc = nlp.get_pipe(name)(doc)
    return doc


VECTOR_WEIGHT = 3.0
"""Scale of the unit-length message vector among the models' features (chosen by 5-fold
cross-validation inside the train split: writer accuracy +1.3 points, category micro-F1
+0.5). The crisis model does not read it: there it raised false alarms more than recall
(cross-validation: +3 points of false alarms; held out: more false alarms, fewer
crises found)."""


SHORT_MESSAGE = 40
SHORT_SURE = 0.8
"""In a message under SHORT_MESSAGE characters the unit-length n-gram vector is dominated
by a few fragments, so a category the lexicon did not find needs probability SHORT_SURE
(5-fold CV inside train: micro-F1 on the older lines 0.892 → 0.896, on part_f … part_k
0.768 → 0.762; it keeps one-line messages from categories nobody wrote about)."""


WRITER_MARGIN = 1.0
"""Logits by which an outside writer (neighbour, professional) must lead every other
kind before the people named are all taken as "other" against the rules' guess."""


def vector_features(doc: Doc) -> dict[str, float]:
    """What the message is about, as ja_ginza's word vectors averaged (unit length): lets
    the models weigh words that the train split never used but that mean the same
    (殴られる / 叩かれる). None without vectors (a blank pipeline)."""
    import numpy as np

    if not doc.has_vector:
        return {}
    vector = doc.vector
    norm = float(np.linalg.norm(vector))
    if not norm:
        return {}
    return {f"vec:{k}": value for k, value in enumerate((vector * (VECTOR_WEIGHT / norm)).tolist())}


LEXICON_WEIGHT = 0.25
"""Value of a lexicon feature for the category model. The lexicons were tuned on the
older train lines, where they are nearly always right, so at full weight the model
learnt to trust them more than they deserve on text never seen. A smaller value makes
trusting them cost more under the model's regularisation. Chosen by 5-fold
cross-validation scored on the lines the lexicons were not tuned on (part_f … part_k):
micro-F1 0.748 at 1.0, 0.751 at 0.5, 0.768 at 0.25, 0.765 at 0.1; the older lines stay at
0.892."""


def category_features(hits: Iterable[CategoryHit]) -> dict[str, float]:
    """The lexicon's evidence as classifier features: which categories counted, which
    were only mentioned negated or hypothetically."""
    counted = {h.code for h in hits if h.counts}
    feats = {f"lex:{code}": LEXICON_WEIGHT for code in counted}
    feats.update({f"neg:{h.code}": LEXICON_WEIGHT for h in hits if not h.counts and h.code not in counted})
    return feats


def _categories(model: CategoryModel, text: str, extras: Extras) -> set[str]:
    """The model's categories; in a short message, one the lexicon did not find needs
    SHORT_SURE (「80代の母が認知症です」 once got ひきこもり from the many 8050 lines)."""
    short = len(compact(text)) < SHORT_MESSAGE
    return {code for code, p in model.probabilities(text, extras).items()
            if p >= model.threshold_for(code) and (not short or f"lex:{code}" in extras or p >= SHORT_SURE)}


@dataclass
class RuleAnalysis:
    """What the lexicons and rules find in one parsed message (before the classifiers)."""

    view: TextView
    hits: list[CategoryHit]
    members: list[Member]
    categories: list[str]
    writer: str
    category_features: dict[str, float]
    writer_features: dict[str, float]
    vector_features: dict[str, float]

    def model_features(self) -> Features:
        """What the category and writer models read besides the character n-grams."""
        vector = self.vector_features
        return {**self.category_features, **vector}, {**self.writer_features, **vector}


class Analyzer:
    """Turns a resident's message into categories, members, crisis, counters and writer."""

    def __init__(self, nlp: Language | None = None, lexicons: Lexicons | None = None,
                 models: Models | tuple[CategoryModel | None, ...] | None = None,
                 counters: CounterFinder | None = None) -> None:
        """``models``: the trained parts (a ``Models``, or the tuple (category, crisis[,
        writer]) with None for rules only); default: saved, or trained now."""
        self._nlp = nlp
        self.lexicons = lexicons or load_lexicons()
        if models is None:
            models = load_or_train(self.features_of_text)
        elif isinstance(models, tuple):
            models = Models(*models)
        self.models = models
        self.counters = counters or pack_counters()

    @property
    def model(self) -> CategoryModel | None:
        return self.models.categories

    @property
    def crisis_model(self) -> CategoryModel | None:
        return self.models.crisis

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = load_spacy()
        return self._nlp

    def analyze(self, text: str) -> dict[str, Any]:
        """Parse ``text`` (cleaned and capped) and analyse it."""
        return self.analyze_doc(self.nlp(clean_text(text)))

    def analyze_many(self, texts: Iterable[str], batch_size: int = 32) -> Iterator[dict[str, Any]]:
        """``analyze`` over many texts, parsed in batches (nlp.pipe), results in order."""
        for doc in self.nlp.pipe((clean_text(t) for t in texts), batch_size=batch_size):
            yield self.analyze_doc(doc)

    def rules(self, doc: Doc, nlp: Language | None = None) -> RuleAnalysis:
        """Lexicons and rules on a parsed message; also the features the models read."""
        doc = complete_parse(doc, nlp or self._nlp)
        view = TextView.of(doc)
        lex = self.lexicons
        hits = find_categories(view, lex.categories)
        found = {h.code for h in hits if h.counts}
        categories = [c for c in CATEGORIES if c in found]
        members, _ = extract_household(view, hits, lex.kinship)
        owned = {c for m in members for c in m.categories}
        own = [c for c in categories if c not in owned]
        writer = guess_writer(doc.text, members, categories, own, lex.writer)
        return RuleAnalysis(view, hits, members, categories, writer, category_features(hits),
                            writer_features(doc.text, members, categories, own, writer, lex.writer),
                            vector_features(doc))

    def features_of_text(self, text: str) -> Features:
        """(category, writer) features of a text, for training the models."""
        return self.rules(self.nlp(clean_text(text))).model_features()

    def features_of_texts(self, texts: Iterable[str]) -> dict[str, Features]:
        """``features_of_text`` for many texts, parsed in batches: text → features."""
        texts = list(dict.fromkeys(texts))
        docs = self.nlp.pipe(clean_text(t) for t in texts)
        return {text: self.rules(doc).model_features() for text, doc in zip(texts, docs, strict=True)}

    def analyze_doc(self, doc: Doc, nlp: Language | None = None) -> dict[str, Any]:
        """Analyse an already parsed message; ``nlp`` (the pipeline that made ``doc``)
        completes a Doc made with the parser disabled. Without a parse the analysis still
        runs, with sentence ends from punctuation and no negation reading."""
        found = self.rules(doc, nlp)
        text = found.view.doc.text
        category_extras, writer_extras = found.model_features()
        categories = found.categories
        if self.models.categories is not None:
            chosen = _categories(self.models.categories, text, category_extras)
            categories = [c for c in CATEGORIES if c in chosen]
        writer, outside_for_sure = self._writer(text, found.writer, writer_extras)
        members = found.members
        if outside_for_sure:
            # A neighbour or professional writes about someone else's household: every
            # person named is, to the writer, "other" (annotation guidelines).
            for member in members:
                member.relation = "other"
        return {
            "categories": categories,
            "members": [m.as_dict() for m in members],
            "crisis": self._crisis(text, found.view),
            "counters": self.counters(categories),
            "writer": writer,
        }

    def _writer(self, text: str, rules_guess: str, extras: dict[str, float]) -> tuple[str, bool]:
        """(writer, whether the people named are surely someone else's household).

        The writer is the model's guess (the rules' without a model). Turning every person
        named into ``other`` is only done when the rules also see an outside writer or the
        model is clearly sure: 「母の介護のことで相談です」 was once taken for a
        professional's question by 0.3 logits, and the resident's mother became "other"."""
        if self.models.writer is None:
            return rules_guess, rules_guess in OUTSIDE_WRITERS
        scores = self.models.writer.scores(text, extras)
        best = max(scores, key=scores.__getitem__)
        if best not in OUTSIDE_WRITERS:
            return best, False
        inside = max((v for k, v in scores.items() if k not in OUTSIDE_WRITERS), default=float("-inf"))
        return best, rules_guess in OUTSIDE_WRITERS or scores[best] - inside >= WRITER_MARGIN

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
