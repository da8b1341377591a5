"""Crisis detection (contract §3), tuned for recall.

A missed crisis is the worst error; a false alarm costs a caseworker a minute. So no
negation or hypothetical reading is applied, and the terms are matched on the raw text
(compacted: no spaces, punctuation, width or kana differences) as well as on the parse's
normalized forms and readings, so it works on text the parser handles badly
(「し に た い」, 「ｼﾆﾀｲ」, 「死に度い」). Only idioms listed in the data (死ぬほど忙しい)
cover a span so that it does not count.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from knowledge.codes import CRISIS_TYPES
from knowledge.lexicons import CrisisLexicon
from nlu.normalize import compact, term_forms

if TYPE_CHECKING:
    from nlu.normalize import TextView


def _alternation(words: list[str]) -> re.Pattern[str] | None:
    words = sorted({w for w in words if w}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words)) if words else None


Patterns = dict[str, dict[str, "re.Pattern[str] | None"]]


@lru_cache(maxsize=2)
def _patterns(lexicon: CrisisLexicon) -> tuple[Patterns, Patterns]:
    """Per rendering kind (surface/norm/reading) and type, the compacted term forms; and
    the idioms the same way. A reading is only ever matched against readings."""
    def build(terms: tuple[str, ...]) -> dict[str, re.Pattern[str] | None]:
        forms = [term_forms(t) for t in terms]
        return {kind: _alternation([compact(f[kind]) for f in forms if kind in f])
                for kind in ("surface", "norm", "reading")}

    per_type = {kind: build(terms) for kind, terms in lexicon.terms.items()}
    by_rendering = {r: {kind: p[r] for kind, p in per_type.items()} for r in ("surface", "norm", "reading")}
    idioms = build(lexicon.idioms)
    return by_rendering, {r: {"idiom": idioms[r]} for r in idioms}


def _found(pattern: re.Pattern[str] | None, idioms: re.Pattern[str] | None, string: str,
           starts: frozenset[int] | None = None) -> bool:
    """A term outside every idiom; with ``starts``, only terms that begin a word."""
    if pattern is None:
        return False
    covered = {k for m in (idioms.finditer(string) if idioms else ()) for k in range(m.start(), m.end())}
    return any(not set(range(m.start(), m.end())) <= covered
               for m in pattern.finditer(string) if starts is None or m.start() in starts)


def _renderings(text: str, view: TextView | None) -> list[tuple[str, str, frozenset[int] | None]]:
    """(kind, string, word starts) to search: the raw text compacted, then the parse's
    normalized forms and readings, where a match must begin a word (the reading けられ of
    蹴られ must not fire inside つけられへん)."""
    found: list[tuple[str, str, frozenset[int] | None]] = [("surface", compact(text), None)]
    if view is not None:
        parsed = (("norm", view.norm), ("reading", view.reading))
        found += [(kind, r.text, frozenset(r.starts)) for kind, r in parsed]
    return found


def detect_crisis(text: str, lexicon: CrisisLexicon, view: TextView | None = None) -> dict:
    """``{"level": "urgent" | "none", "types": [...]}`` in contract order of types."""
    patterns, idioms = _patterns(lexicon)
    searched = _renderings(text, view)
    types = [kind for kind in CRISIS_TYPES
             if any(_found(patterns[r].get(kind), idioms[r]["idiom"], s, starts)
                    for r, s, starts in searched)]
    return {"level": "urgent" if types else "none", "types": types}
