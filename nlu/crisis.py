"""Crisis detection (contract §3), tuned for recall.

A missed crisis is the worst error; a false alarm costs a caseworker a minute. So no
negation or hypothetical reading is applied, and the terms are matched on the raw text
(compacted: no spaces, punctuation, width or kana differences) as well as on the parse's
normalized forms and readings, so it works on text the parser handles badly
(「し に た い」, 「ｼﾆﾀｲ」, 「死に度い」). Only idioms listed in the data (死ぬほど忙しい)
cover a span so that it does not count.

A term written with 「…」 (``薬…ため``) is a family of phrasings: its parts in order, a
few characters apart on the compacted text (薬をため, 薬もためてある, 薬を少しずつため),
so the data can name a pattern without listing every particle and filler.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from knowledge.codes import CRISIS_TYPES
from knowledge.lexicons import CrisisLexicon
from nlu.normalize import KeyScanner, compact, term_forms

if TYPE_CHECKING:
    from nlu.normalize import TextView


GAP = "…"
MAX_GAP = 6
"""Most characters between the parts of a gapped term (particles, 少し, ずっと, …)."""


class GapScanner:
    """Gapped terms (``薬…ため``): each part compacted, in order, at most MAX_GAP apart."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.patterns = [re.compile(f".{{0,{MAX_GAP}}}?".join(re.escape(compact(p)) for p in t.split(GAP)))
                         for t in terms]

    def search_all(self, text: str) -> Iterable[tuple[int, int, str]]:
        for pattern in self.patterns:
            for m in pattern.finditer(text):
                yield m.start(), m.end(), m.group()


class Scanner:
    """Plain and gapped terms searched together, as one KeyScanner-like object."""

    def __init__(self, parts: Sequence[KeyScanner | GapScanner]) -> None:
        self.parts = parts

    def search_all(self, text: str) -> Iterable[tuple[int, int, str]]:
        for part in self.parts:
            yield from part.search_all(text)


Scanners = dict[str, dict[str, Scanner]]


def _build(terms: Sequence[str]) -> dict[str, Scanner]:
    """Per rendering kind, the scanner of the terms. Gapped terms are matched on the
    compacted raw text only (their parts are not words the parse would keep whole)."""
    plain = [term_forms(t) for t in terms if GAP not in t]
    gapped = GapScanner(t for t in terms if GAP in t)

    def scanner(kind: str) -> Scanner:
        keys = KeyScanner(compact(f[kind]) for f in plain if kind in f)
        return Scanner([keys, gapped] if kind == "surface" else [keys])

    return {kind: scanner(kind) for kind in ("surface", "norm", "reading")}


@lru_cache(maxsize=2)
def _scanners(lexicon: CrisisLexicon) -> tuple[Scanners, Scanners]:
    """Per rendering kind (surface/norm/reading) and type, the compacted term forms; and
    the idioms the same way. A reading is only ever matched against readings."""
    per_type = {kind: _build(terms) for kind, terms in lexicon.terms.items()}
    by_rendering = {r: {kind: p[r] for kind, p in per_type.items()} for r in ("surface", "norm", "reading")}
    idioms = _build(lexicon.idioms)
    return by_rendering, {r: {"idiom": idioms[r]} for r in idioms}


def _found(scanner: Scanner | None, idioms: Scanner | None, string: str,
           starts: frozenset[int] | None = None) -> bool:
    """A term outside every idiom; with ``starts``, only terms that begin a word."""
    if scanner is None:
        return False
    covered: set[int] | None = None
    for start, end, _ in scanner.search_all(string):
        if starts is not None and start not in starts:
            continue
        if covered is None:
            covered = {k for s, e, _ in (idioms.search_all(string) if idioms else ()) for k in range(s, e)}
        if not set(range(start, end)) <= covered:
            return True
    return False


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
    patterns, idioms = _scanners(lexicon)
    searched = _renderings(text, view)
    types = [kind for kind in CRISIS_TYPES
             if any(_found(patterns[r].get(kind), idioms[r]["idiom"], s, starts)
                    for r, s, starts in searched)]
    return {"level": "urgent" if types else "none", "types": types}
