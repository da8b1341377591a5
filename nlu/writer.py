"""Who writes (contract §9): self, family, neighbour, professional or unknown.

Cues in ``writer.yaml`` say how writers introduce themselves (ケアマネをしています,
民生委員です, 隣の…). Without one, the people found decide: a worry that belongs to a family
member (息子が不登校で) makes the writer family; a worry of the writer's own, self.
"""
from __future__ import annotations

from collections.abc import Sequence

from knowledge.lexicons import WriterLexicon
from nlu.household import Member
from nlu.normalize import fold


def _cue(text: str, lexicon: WriterLexicon) -> str | None:
    folded = fold(text)
    for kind, cues in lexicon.cues.items():
        if any(fold(c) in folded for c in cues):
            return kind
    return None


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
    if cue == "neighbour" and not family_worry:
        return cue
    if others and not family and any(m.categories for m in others):
        return "neighbour"
    if family_worry:
        return "family"
    if categories or own_categories:
        return "self"
    return "family" if family else "unknown"
