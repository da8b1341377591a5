"""What the actions take from the knowledge pack (no Rasa imports).

Counters and hotlines come from ``knowledge`` (reviewed data). A crisis answer must never
fail, so if the hotline directory cannot be read the short list in
knowledge/wording/crisis.yaml is used instead.
"""
from __future__ import annotations

import logging
from typing import Any

from actions import wording
from knowledge.datafile import KnowledgeError

logger = logging.getLogger(__name__)

# Shown when a crisis message names no type: the numbers for any danger to life.
DEFAULT_CRISIS_TYPES = ("violence", "medical", "suicide")
MAX_HOTLINES = 5


def counters_for(categories: list[str], easy: bool = False) -> tuple[list[tuple[str, str, str]], str]:
    """``([(name, explanation, why)], where_to_find)`` for the household's categories.

    In やさしい日本語 the counter's name stays (a proper noun the resident will meet at
    the counter) and the explanation comes from knowledge/wording_easy/counters.yaml
    (``explanations`` by counter id, else ``explanation_default``).
    """
    from knowledge.pack import load_pack

    pack = load_pack()
    known = [c for c in categories if c in pack.routes]
    found = pack.counters_for(known)
    if not easy:
        return [(c.name, c.explanation_ja, why) for c, why in found], pack.contact_fallback_ja
    explanations: dict[str, str] = wording.text("counters", "explanations", easy=True)
    default = wording.text("counters", "explanation_default", easy=True)
    return [(c.name, explanations.get(c.id, default), "") for c, _ in found], wording.text(
        "counters", "where", easy=True)


def hotlines_for(types: list[str]) -> list[tuple[str, str]]:
    """``[(name_ja, number)]`` fitting the crisis types, emergency services first."""
    wanted = list(types) or list(DEFAULT_CRISIS_TYPES)
    try:
        from knowledge.hotlines import HOTLINE_TYPES
        from knowledge.hotlines import hotlines_for as directory_for

        found = directory_for([t for t in wanted if t in HOTLINE_TYPES] or DEFAULT_CRISIS_TYPES)
        pairs = [(h.name_ja, h.number) for h in found]
    except (ImportError, KnowledgeError, OSError) as exc:  # never leave a crisis unanswered
        logger.error("hotline directory unavailable, using the fallback list: %s", exc)
        pairs = _fallback(wanted)
    return pairs[:MAX_HOTLINES] or _fallback(list(DEFAULT_CRISIS_TYPES))


def _fallback(types: list[str]) -> list[tuple[str, str]]:
    entries: list[dict[str, Any]] = wording.text("crisis", "fallback_hotlines")
    return [(e["name_ja"], e["number"]) for e in entries if set(types) & set(e["types"])]
