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


def counters_for(categories: list[str]) -> tuple[list[tuple[str, str, str]], str]:
    """``([(name, explanation, why)], where_to_find)`` for the household's categories."""
    from knowledge.pack import load_pack

    pack = load_pack()
    known = [c for c in categories if c in pack.routes]
    items = [(c.name, c.explanation_ja, why) for c, why in pack.counters_for(known)]
    return items, pack.contact_fallback_ja


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
