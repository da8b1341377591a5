"""Issue categories (contract §1) from the category lexicon, minus negated or hypothetical
mentions, plus what the small trained classifier adds where the lexicon falls short.

Polarity is read from the dependency parse: a term counts unless its predicate is
negated (「借金はありません」, 「介護はまだ必要ない」) or it sits in a conditional clause
(「もし病気になったら」). Only tokens after the term are checked, so terms that contain a
negation themselves (眠れない, 仕事が見つからない) still count.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from knowledge.lexicons import CategoryLexicon, Polarity, load_lexicons
from nlu.normalize import TermIndex, TextView

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

PREDICATE_POS = frozenset({"VERB", "ADJ"})
PREDICATE_DEPS = frozenset({"ROOT", "advcl", "acl", "ccomp", "csubj", "conj", "root"})
TAIL_DEPS = frozenset({"aux", "cop", "fixed", "mark", "compound"})
MAX_HEAD_STEPS = 4
SENTENCE_ENDS = frozenset({"。", "！", "？", "!", "?", "\n"})
CORE_DEPS = frozenset({"nsubj", "nsubj:pass", "obj", "dislocated", "compound", "csubj", "nmod"})


@dataclass(frozen=True)
class CategoryHit:
    """One category term found in the message, as doc token range ``[start, end)``."""

    code: str
    start: int
    end: int
    term: str
    counts: bool  # False when negated or hypothetical


@lru_cache(maxsize=2)
def category_index(lexicon: CategoryLexicon) -> TermIndex[str]:
    """The lexicon indexed once per process (terms normalised with Sudachi)."""
    return TermIndex(((t, code) for code, terms in lexicon.terms.items() for t in terms),
                     aligned=False)


def sentence_of(doc: Doc, i: int) -> tuple[int, int]:
    """Token range of the sentence around ``i``; by punctuation when the Doc has no parse."""
    if doc.has_annotation("SENT_START"):
        sent = doc[i].sent
        return sent.start, sent.end
    start, end = i, i
    while start > 0 and doc[start - 1].text not in SENTENCE_ENDS:
        start -= 1
    while end < len(doc) and doc[end].text not in SENTENCE_ENDS:
        end += 1
    return start, min(end + 1, len(doc))


def predicate_of(token: Token) -> Token:
    """The predicate a term attaches to: itself if it is one, else the nearest head that is."""
    current = token
    for _ in range(MAX_HEAD_STEPS):
        if _is_predicate(current):
            return current
        current = current.head
    return current


def _is_predicate(token: Token) -> bool:
    if token.pos_ in PREDICATE_POS or token.dep_ in PREDICATE_DEPS or token.head.i == token.i:
        return True
    return any(c.dep_ in ("cop", "aux") for c in token.children)


def _tail(pred: Token, after: int) -> list[Token]:
    """The predicate and its auxiliaries, as far as they come after the term.

    Only the predicate's own chain is read, not every token in between, so a negation
    in a neighbouring clause (「介護で仕事を辞めざるを得ない」) is not taken for this one's.
    """
    chain = [pred] + [c for c in pred.children if c.dep_ in TAIL_DEPS]
    chain += [g for c in chain[1:] for g in c.children if g.dep_ in TAIL_DEPS]
    return [t for t in chain if t.i >= after]


def _says(token: Token, words: frozenset[str]) -> bool:
    return token.lemma_ in words or token.norm_ in words or token.text in words


def _argument_link(token: Token, pred: Token) -> Token:
    """The token on the path from a term to its predicate that depends on the predicate."""
    while token.head.i != pred.i and token.head.i != token.i:
        token = token.head
    return token


def is_negated(doc: Doc, start: int, end: int, polarity: Polarity) -> bool:
    """True when the term is the predicate or a core argument of a negated predicate.

    「借金はありません」 and 「介護は必要ない」 are negated; 「うつで眠れません」 is not (うつ is a
    cause, obl), nor 「家賃が払えません」 (払えない is the worry, not a denial of it).
    """
    pred = predicate_of(doc[end - 1])
    if pred.i >= end:
        if _argument_link(doc[end - 1], pred).dep_ not in CORE_DEPS:
            return False
        if not any(_says(t, polarity.existential) for t in [pred, *pred.children] if t.i >= end):
            return False
    return any(_says(t, polarity.negation) for t in _tail(pred, end))


def is_hypothetical(doc: Doc, start: int, end: int, polarity: Polarity) -> bool:
    """True inside もし…たら, or when the term's predicate is conditional (なったら)."""
    pred = predicate_of(doc[end - 1])
    if any(_says(t, polarity.hypothetical_after) for t in _tail(pred, end)):
        return True
    sent_start, sent_end = sentence_of(doc, start)
    for k in range(sent_start, start):
        if doc[k].text in polarity.hypothetical_before:
            closing = next((t.i for t in doc[k:sent_end] if _says(t, polarity.hypothetical_after)), sent_end)
            if start < closing:
                return True
    return False


def find_categories(view: TextView, lexicon: CategoryLexicon) -> list[CategoryHit]:
    """Every category term in the message, each marked whether it counts."""
    hits = []
    for match in category_index(lexicon).find(view):
        start, end = view.doc_span(match.start, match.end)
        counts = not (is_negated(view.doc, start, end, lexicon.polarity)
                      or is_hypothetical(view.doc, start, end, lexicon.polarity))
        codes = dict.fromkeys(match.payloads)
        hits.extend(CategoryHit(code, start, end, match.key, counts) for code in codes)
    return hits


def default_lexicon() -> CategoryLexicon:
    return load_lexicons().categories
