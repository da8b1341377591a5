"""Issue categories (contract §1) from the category lexicon, minus negated or hypothetical
mentions, plus what the small trained classifier adds where the lexicon falls short.

Polarity is read from the dependency parse: a term counts unless its predicate is
negated (「借金はありません」, 「介護はまだ必要ない」) or it sits in a conditional clause
(「もし病気になったら」). Only tokens after the term are checked, so terms that contain a
negation themselves (眠れない, 仕事が見つからない) still count.

Japanese says "not" in ways that deny nothing, and "if" in ways that set no condition;
these are read as such: かもしれない (a modal), 〜ばいい / 〜たらいい (asking for advice),
〜たら before a past main clause (訪問したら…でした: what happened). A negated verb denies
its subject only when that is the topic (「生活保護は受けていません」) or the verb is
existential; otherwise the negated verb is the worry (「生活費も足りていない」). A worry
told as over (「以前、…を受けていましたが」) does not count either.
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
                     aligned=False, share_spans=True)


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
    nominal = _through_nominal(pred, polarity)
    if nominal.i != pred.i and nominal.i >= end:
        return any(_negates(t, polarity) for t in _tail(nominal, end))
    if pred.i >= end:
        link = _argument_link(doc[end - 1], pred)
        if link.dep_ not in CORE_DEPS:
            return False
        existential = any(_says(t, polarity.existential) for t in _content_of(pred) if t.i >= end)
        if not (existential or _is_topic(link)):
            return False
    return any(_negates(t, polarity) for t in _tail(pred, end))


NOMINALISERS = frozenset({"わけ", "訳", "こと", "事"})
"""Heads whose negation denies the clause before them (「暴力があるわけではありません」,
「暴力をふるわれたことはありません」)."""


def _through_nominal(pred: Token, polarity: Polarity) -> Token:
    """What denies a clause nominalised by わけ/こと: わけ itself (わけではない) or the
    existential predicate of こと (ことはない); else ``pred``. 「介護することができない」 is
    not a denial (できる is no existential)."""
    head = pred.head
    if head.i == pred.i or head.lemma_ not in NOMINALISERS:
        return pred
    outer = predicate_of(head)
    return outer if outer.i == head.i or _says(outer, polarity.existential) else pred


def _content_of(pred: Token) -> list[Token]:
    """The predicate and its content children, not its auxiliaries: in 「生活費も足りていない」
    the auxiliary ない (also an existential word, as in 「借金はない」) must not make
    足りる existential, or every subject of a negated verb would read as denied."""
    return [pred, *(c for c in pred.children if c.dep_ not in TAIL_DEPS)]


TOPIC = "は"


def _is_topic(link: Token) -> bool:
    """An argument marked with は: a negated predicate then denies it (「生活保護は受けていません」),
    while with が/も the negated verb is the worry itself (「生活費も足りていない」)."""
    return any(c.dep_ == "case" and c.text == TOPIC for c in link.children)


NOT_NEGATING_AFTER = frozenset({"しれる", "知れる"})
"""Lemmas after which ない/ぬ is part of a modal, not a denial (妊娠しているかもしれません)."""
POLITE_LEMMAS = frozenset({"ます"})


def _negates(token: Token, polarity: Polarity) -> bool:
    """A negation word that denies: not the ない of かもしれない (ません included)."""
    if not _says(token, polarity.negation):
        return False
    k = token.i - 1
    while k >= 0 and token.doc[k].lemma_ in POLITE_LEMMAS:
        k -= 1
    return k < 0 or token.doc[k].lemma_ not in NOT_NEGATING_AFTER


def is_hypothetical(doc: Doc, start: int, end: int, polarity: Polarity) -> bool:
    """True inside もし…たら, or when the term's predicate is conditional (なったら)."""
    pred = predicate_of(doc[end - 1])
    if any(_is_condition(t, polarity) for t in _tail(pred, end)) and not _told_as_past(doc, start):
        return True
    sent_start, sent_end = sentence_of(doc, start)
    for k in range(sent_start, start):
        if doc[k].text in polarity.hypothetical_before:
            closing = next((t.i for t in doc[k:sent_end] if _says(t, polarity.hypothetical_after)), sent_end)
            if start < closing:
                return True
    return False


ADVICE_AFTER = frozenset({"いい", "良い", "よい", "宜しい", "よろしい"})
"""After ば/たら these ask for advice (「どこにつなげばいいですか」), they set no condition."""


def _is_condition(token: Token, polarity: Polarity) -> bool:
    """A conditional form that is not part of 〜ばいい / 〜たらいい."""
    if not _says(token, polarity.hypothetical_after):
        return False
    nxt = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
    return nxt is None or nxt.lemma_ not in ADVICE_AFTER


PAST_MARKERS = frozenset({"た", "だ"})
"""Past-tense auxiliaries (surface): 「訪問したら、…でした」, 「飲んだ」 tell what happened."""


def _is_past_aux(token: Token) -> bool:
    """た, or だ as the past auxiliary (飲んだ), not as the copula (寝たきりだ)."""
    return token.text in PAST_MARKERS and token.dep_ in ("aux", "fixed")


def _told_as_past(doc: Doc, i: int) -> bool:
    """True when the sentence's main predicate is past: then a たら clause before it is
    'when …' (訪問したら…でした), not a condition (病気になったら困る)."""
    if not doc.has_annotation("DEP"):
        return False
    root = doc[i].sent.root
    return any(_is_past_aux(c) for c in root.children)


SINCE = "から"


def is_past(doc: Doc, start: int, end: int, cues: frozenset[str]) -> bool:
    """True for a worry told as over: a past-time word earlier in the sentence (not
    「以前から」, which runs up to now) and a past predicate: 「以前、夫から暴力を受けて
    いましたが、今は…」; the time words are ``past_before`` in categories.yaml. Only
    categories use this; crisis terms never go quiet."""
    sent_start, _ = sentence_of(doc, start)
    cued = any(doc[k].text in cues and not (k + 1 < len(doc) and doc[k + 1].text == SINCE)
               for k in range(sent_start, start))
    if not cued:
        return False
    pred = predicate_of(doc[end - 1])
    return any(_is_past_aux(t) for t in _tail(pred, end))


def find_categories(view: TextView, lexicon: CategoryLexicon) -> list[CategoryHit]:
    """Every category term in the message, each marked whether it counts."""
    hits: dict[tuple[str, int, int], CategoryHit] = {}
    for match in category_index(lexicon).find(view):
        start, end = view.doc_span(match.start, match.end)
        counts = not (is_negated(view.doc, start, end, lexicon.polarity)
                      or is_hypothetical(view.doc, start, end, lexicon.polarity)
                      or is_past(view.doc, start, end, lexicon.polarity.past_before))
        for code in match.payloads:
            hits.setdefault((code, start, end), CategoryHit(code, start, end, match.key, counts))
    return list(hits.values())


def default_lexicon() -> CategoryLexicon:
    return load_lexicons().categories
