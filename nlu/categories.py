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

from knowledge.lexicons import CategoryLexicon, Polarity, load_lexicons
from nlu.normalize import TermIndex, TextView, Tokens

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


def sentence_of(tokens: Tokens, i: int) -> tuple[int, int]:
    """Token range of the sentence around ``i``; by punctuation when the Doc has no parse."""
    if tokens.has_sentences:
        return tokens.sentence(i)
    text, n = tokens.text, len(tokens)
    start, end = i, i
    while start > 0 and text[start - 1] not in SENTENCE_ENDS:
        start -= 1
    while end < n and text[end] not in SENTENCE_ENDS:
        end += 1
    return start, min(end + 1, n)


def predicate_of(tokens: Tokens, i: int) -> int:
    """The predicate a term attaches to: itself if it is one, else the nearest head that is."""
    current = i
    for _ in range(MAX_HEAD_STEPS):
        if _is_predicate(tokens, current):
            return current
        current = tokens.head[current]
    return current


def _is_predicate(tokens: Tokens, i: int) -> bool:
    if tokens.pos[i] in PREDICATE_POS or tokens.dep[i] in PREDICATE_DEPS or tokens.head[i] == i:
        return True
    return any(tokens.dep[c] in ("cop", "aux") for c in tokens.children(i))


def _tail(tokens: Tokens, pred: int, after: int) -> list[int]:
    """The predicate and its auxiliaries, as far as they come after the term.

    Only the predicate's own chain is read, not every token in between, so a negation
    in a neighbouring clause (「介護で仕事を辞めざるを得ない」) is not taken for this one's.
    """
    dep = tokens.dep
    chain = [pred] + [c for c in tokens.children(pred) if dep[c] in TAIL_DEPS]
    chain += [g for c in chain[1:] for g in tokens.children(c) if dep[g] in TAIL_DEPS]
    return [t for t in chain if t >= after]


def _says(tokens: Tokens, i: int, words: frozenset[str]) -> bool:
    return tokens.lemma[i] in words or tokens.norm[i] in words or tokens.text[i] in words


def _argument_link(tokens: Tokens, i: int, pred: int) -> int:
    """The token on the path from a term to its predicate that depends on the predicate."""
    head = tokens.head
    while head[i] != pred and head[i] != i:
        i = head[i]
    return i


def is_negated(tokens: Tokens, start: int, end: int, polarity: Polarity) -> bool:
    """True when the term is the predicate or a core argument of a negated predicate.

    「借金はありません」 and 「介護は必要ない」 are negated; 「うつで眠れません」 is not (うつ is a
    cause, obl), nor 「家賃が払えません」 (払えない is the worry, not a denial of it).
    """
    pred = predicate_of(tokens, end - 1)
    nominal = _through_nominal(tokens, pred, polarity)
    if nominal != pred and nominal >= end:
        return any(_negates(tokens, t, polarity) for t in _tail(tokens, nominal, end))
    if pred >= end:
        link = _argument_link(tokens, end - 1, pred)
        if tokens.dep[link] not in CORE_DEPS:
            return False
        content = [t for t in _content_of(tokens, pred) if t >= end]
        existential = any(_says(tokens, t, polarity.existential) for t in content)
        if not (existential or _is_topic(tokens, link)):
            return False
    return any(_negates(tokens, t, polarity) for t in _tail(tokens, pred, end))


NOMINALISERS = frozenset({"わけ", "訳", "こと", "事"})
"""Heads whose negation denies the clause before them (「暴力があるわけではありません」,
「暴力をふるわれたことはありません」)."""


def _through_nominal(tokens: Tokens, pred: int, polarity: Polarity) -> int:
    """What denies a clause nominalised by わけ/こと: わけ itself (わけではない) or the
    existential predicate of こと (ことはない); else ``pred``. 「介護することができない」 is
    not a denial (できる is no existential)."""
    head = tokens.head[pred]
    if head == pred or tokens.lemma[head] not in NOMINALISERS:
        return pred
    outer = predicate_of(tokens, head)
    return outer if outer == head or _says(tokens, outer, polarity.existential) else pred


def _content_of(tokens: Tokens, pred: int) -> list[int]:
    """The predicate and its content children, not its auxiliaries: in 「生活費も足りていない」
    the auxiliary ない (also an existential word, as in 「借金はない」) must not make
    足りる existential, or every subject of a negated verb would read as denied."""
    return [pred, *(c for c in tokens.children(pred) if tokens.dep[c] not in TAIL_DEPS)]


TOPIC = "は"


def _is_topic(tokens: Tokens, link: int) -> bool:
    """An argument marked with は: a negated predicate then denies it (「生活保護は受けていません」),
    while with が/も the negated verb is the worry itself (「生活費も足りていない」)."""
    return any(tokens.dep[c] == "case" and tokens.text[c] == TOPIC for c in tokens.children(link))


NOT_NEGATING_AFTER = frozenset({"しれる", "知れる"})
"""Lemmas after which ない/ぬ is part of a modal, not a denial (妊娠しているかもしれません)."""
POLITE_LEMMAS = frozenset({"ます"})


def _negates(tokens: Tokens, i: int, polarity: Polarity) -> bool:
    """A negation word that denies: not the ない of かもしれない (ません included)."""
    if not _says(tokens, i, polarity.negation):
        return False
    lemma, k = tokens.lemma, i - 1
    while k >= 0 and lemma[k] in POLITE_LEMMAS:
        k -= 1
    return k < 0 or lemma[k] not in NOT_NEGATING_AFTER


def is_hypothetical(tokens: Tokens, start: int, end: int, polarity: Polarity) -> bool:
    """True inside もし…たら, or when the term's predicate is conditional (なったら)."""
    pred = predicate_of(tokens, end - 1)
    if (any(_is_condition(tokens, t, polarity) for t in _tail(tokens, pred, end))
            and not _told_as_past(tokens, start)):
        return True
    sent_start, sent_end = sentence_of(tokens, start)
    for k in range(sent_start, start):
        if tokens.text[k] in polarity.hypothetical_before:
            after = (t for t in range(k, sent_end) if _says(tokens, t, polarity.hypothetical_after))
            if start < next(after, sent_end):
                return True
    return False


ADVICE_AFTER = frozenset({"いい", "良い", "よい", "宜しい", "よろしい"})
"""After ば/たら these ask for advice (「どこにつなげばいいですか」), they set no condition."""


def _is_condition(tokens: Tokens, i: int, polarity: Polarity) -> bool:
    """A conditional form that is not part of 〜ばいい / 〜たらいい."""
    if not _says(tokens, i, polarity.hypothetical_after):
        return False
    return i + 1 >= len(tokens) or tokens.lemma[i + 1] not in ADVICE_AFTER


PAST_MARKERS = frozenset({"た", "だ"})
"""Past-tense auxiliaries (surface): 「訪問したら、…でした」, 「飲んだ」 tell what happened."""


def _is_past_aux(tokens: Tokens, i: int) -> bool:
    """た, or だ as the past auxiliary (飲んだ), not as the copula (寝たきりだ)."""
    return tokens.text[i] in PAST_MARKERS and tokens.dep[i] in ("aux", "fixed")


def _told_as_past(tokens: Tokens, i: int) -> bool:
    """True when the sentence's main predicate is past: then a たら clause before it is
    'when …' (訪問したら…でした), not a condition (病気になったら困る)."""
    if not tokens.parsed:
        return False
    return any(_is_past_aux(tokens, c) for c in tokens.children(tokens.sentence_root(i)))


SINCE = "から"


def is_past(tokens: Tokens, start: int, end: int, cues: frozenset[str]) -> bool:
    """True for a worry told as over: a past-time word earlier in the sentence (not
    「以前から」, which runs up to now) and a past predicate: 「以前、夫から暴力を受けて
    いましたが、今は…」; the time words are ``past_before`` in categories.yaml. Only
    categories use this; crisis terms never go quiet."""
    sent_start, _ = sentence_of(tokens, start)
    text, n = tokens.text, len(tokens)
    cued = any(text[k] in cues and not (k + 1 < n and text[k + 1] == SINCE) for k in range(sent_start, start))
    if not cued:
        return False
    pred = predicate_of(tokens, end - 1)
    return any(_is_past_aux(tokens, t) for t in _tail(tokens, pred, end))


def find_categories(view: TextView, lexicon: CategoryLexicon) -> list[CategoryHit]:
    """Every category term in the message, each marked whether it counts."""
    hits: dict[tuple[str, int, int], CategoryHit] = {}
    tokens, polarity = view.tokens, lexicon.polarity
    counts_of: dict[tuple[int, int], bool] = {}  # terms over the same tokens read the same
    for match in category_index(lexicon).find(view):
        start, end = view.doc_span(match.start, match.end)
        counts = counts_of.get((start, end))
        if counts is None:
            counts = counts_of[start, end] = not (is_negated(tokens, start, end, polarity)
                                                  or is_hypothetical(tokens, start, end, polarity)
                                                  or is_past(tokens, start, end, polarity.past_before))
        for code in match.payloads:
            hits.setdefault((code, start, end), CategoryHit(code, start, end, match.key, counts))
    return list(hits.values())


def default_lexicon() -> CategoryLexicon:
    return load_lexicons().categories
