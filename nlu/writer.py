"""Who writes (contract §9): self, family, neighbour, professional or unknown.

Cues in ``writer.yaml`` say how writers introduce themselves (ケアマネをしています,
民生委員です, 隣の…). Without one, the people found decide: a worry that belongs to a family
member (息子が不登校で) makes the writer family; a worry of the writer's own, self.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from knowledge.lexicons import WriterLexicon
from nlu.household import Member
from nlu.normalize import NEVER, fold

OUTSIDE_WRITERS = frozenset({"neighbour", "professional"})
"""Writers outside the household they write about: the people they name are ``other``."""
FIRST_PERSON = ("私", "わたし", "自分", "俺", "おれ", "僕", "ぼく", "あたし", "うち", "ワシ", "わし")
MAX_COUNT = 3
KIN_APART = frozenset({"mother", "father", "parent", "grandmother", "grandfather", "older_brother",
                       "younger_brother", "older_sister", "younger_sister", "sibling", "other_relative"})
"""Relatives who usually keep their own household: any worry of theirs (rent, debt, a house
full of rubbish) makes the writer ``family``; a spouse's or a small child's is often the writer's own."""


@lru_cache(maxsize=4)
def _folded_cues(lexicon: WriterLexicon) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Per writer kind, its cues folded, as one regex (is any of them in the text)."""
    return tuple((kind, re.compile("|".join(re.escape(fold(c)) for c in cues) or NEVER))
                 for kind, cues in lexicon.cues.items())


@lru_cache(maxsize=4)
def _folded_voice(lexicon: WriterLexicon) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The own-state, hearsay and self-introduction words, folded once per lexicon."""
    return tuple(tuple(fold(w) for w in words)  # type: ignore[return-value]
                 for words in (lexicon.own_state, lexicon.hearsay, lexicon.self_intro))


def _cues(text: str, lexicon: WriterLexicon) -> list[str]:
    """Every writer kind with a cue in the text, in the lexicon's priority order."""
    folded = fold(text)
    return [kind for kind, cues in _folded_cues(lexicon) if cues.search(folded)]


def _cue(text: str, lexicon: WriterLexicon) -> str | None:
    found = _cues(text, lexicon)
    return found[0] if found else None


_SENTENCE_END = re.compile(r"[。！？!?\n]")


def _first_sentence(text: str) -> str:
    """Where writers introduce themselves (民生委員です。/ 近所のご夫婦のことです。)."""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def guess_writer(text: str, members: Sequence[Member], categories: Sequence[str],
                 own_categories: Sequence[str], lexicon: WriterLexicon) -> str:
    """The writer kind (see module docstring).

    ``own_categories`` are the worries attached to nobody (the writer's own).
    """
    cue = _cue(text, lexicon)
    family = [m for m in members if m.relation != "other"]
    others = [m for m in members if m.relation == "other"]
    family_worry = any(set(m.categories) & lexicon.family_categories for m in family)
    if cue == "professional":
        return cue
    if cue == "neighbour" and (not family_worry or _cue(_first_sentence(text), lexicon) == cue):
        return cue  # 「民生委員です。」 first: whoever follows is someone else's family
    if _speaks_of_own_plight(text, members, lexicon):
        return "self"
    if others and not family and any(set(m.categories) & lexicon.family_categories for m in others):
        return "neighbour"  # someone's welfare, not the writer's trouble with a 大家 or 元夫
    if family_worry or (not own_categories and any(m.categories for m in family if m.relation in KIN_APART)):
        return "family"  # 実家の母がごみ屋敷, 弟が家賃を滞納: their household's worry
    if categories or own_categories:
        return "self"
    return "family" if family else "self"


OWN_PLIGHT_WORDS = 2
"""Own-state words (限界, 眠れない, 自分が怖い) that make a carer's message their own (``self``)."""


def _speaks_of_own_plight(text: str, members: Sequence[Member], lexicon: WriterLexicon) -> bool:
    """A self-introduction (「高校生です。」) or a carer's own exhaustion: the guidelines
    make such a message ``self`` even when it names family members."""
    voice = _voice_features(text, fold(text), members, lexicon)
    return bool(voice["self_intro"]) or voice["own_state"] * MAX_COUNT >= OWN_PLIGHT_WORDS


def writer_features(text: str, members: Sequence[Member], categories: Sequence[str],
                    own_categories: Sequence[str], rule: str, lexicon: WriterLexicon) -> dict[str, float]:
    """What the writer model reads beside the n-grams: the rules' guess, the cue kinds,
    how many family and other people carry a worry, first-person words."""
    family = [m for m in members if m.relation != "other"]
    others = [m for m in members if m.relation == "other"]
    folded = fold(text)
    feats = {f"rule:{rule}": 1.0}
    feats.update({f"cue:{kind}": 1.0 for kind in _cues(text, lexicon)})
    feats["family"] = min(len(family), MAX_COUNT) / MAX_COUNT
    feats["others"] = min(len(others), MAX_COUNT) / MAX_COUNT
    feats["family_worry"] = float(any(set(m.categories) & lexicon.family_categories for m in family))
    feats["others_worry"] = float(any(m.categories for m in others))
    feats["own_worry"] = float(bool(own_categories))
    feats["first_person"] = float(any(fold(w) in folded for w in FIRST_PERSON))
    feats["no_people"] = float(not members)
    feats.update(_voice_features(text, folded, members, lexicon))
    return feats


_QUESTION_END = re.compile(r"(か|？|\?|ください|どこ)[。！!]?\s*$")
_INTRO_SENTENCE = re.compile(
    r"^(?:私は|わたしは|わたし は |自分は)?[^。！？!?\nは]{0,24}です[。\s]|^[^。！？!?\n、は]{0,6}。"
    r"|(?<=[。！？!?\n])\s*(?:私は|わたしは|わたし は )[^。！？!?\n]{0,20}です")
"""A self-introduction: a first sentence 「高校生です。」「高2。」, or a later 「私は中2です。」;
not 「母は85歳です。」, which is about someone else."""
SHORT_QUESTION = 45
"""A question this short about nobody in particular is a lookup (「空き家の相談先」), often `unknown`."""


def _voice_features(text: str, folded: str, members: Sequence[Member],
                    lexicon: WriterLexicon) -> dict[str, float]:
    """How the writer speaks: of their own state, reporting someone else's (hearsay), a
    self-introduction first (「高校生です。」), or a bare lookup question."""
    own_state, hearsay, self_intro = _folded_voice(lexicon)
    own = sum(1 for w in own_state if w in folded)
    heard = sum(1 for w in hearsay if w in folded)
    intros = [m.group(0) for m in _INTRO_SENTENCE.finditer(folded.strip() + " ")]
    intro = any(w in sentence for sentence in intros for w in self_intro)
    plain = text.strip()
    lookup = not members and len(plain) < SHORT_QUESTION and bool(_QUESTION_END.search(plain))
    return {"own_state": min(own, MAX_COUNT) / MAX_COUNT, "hearsay": min(heard, 2) / 2,
            "self_intro": float(intro), "lookup_question": float(lookup)}
