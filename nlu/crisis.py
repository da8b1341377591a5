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
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from knowledge.codes import CRISIS_TYPES
from knowledge.lexicons import CrisisLexicon
from nlu.normalize import NEVER, KeyScanner, compact, term_forms

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
        self.any = re.compile("|".join(p.pattern for p in self.patterns) or NEVER)
        """All patterns in one: a text where it finds nothing needs no pattern run on its own."""

    def search_all(self, text: str) -> Iterable[tuple[int, int, str]]:
        if not self.any.search(text):
            return
        for pattern in self.patterns:
            for m in pattern.finditer(text):
                yield m.start(), m.end(), m.group()


class Scanner:
    """Plain and gapped terms searched together."""

    def __init__(self, keys: KeyScanner, gapped: GapScanner | None = None) -> None:
        self.keys = keys
        self.gapped = gapped

    def widest(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Every gapped occurrence and, at each start, the widest plain one. A narrower
        occurrence at the same start lies inside it: whether any occurrence reaches outside
        the idioms, and which characters the idioms cover, read the same from these."""
        yield from self.keys.widest(text)
        if self.gapped is not None:
            yield from self.gapped.search_all(text)


Scanners = dict[str, dict[str, Scanner]]
RENDERINGS = ("surface", "norm", "reading")


def _build(terms: Sequence[str]) -> dict[str, Scanner]:
    """Per rendering kind, the scanner of the terms. Gapped terms are matched on the
    compacted raw text only (their parts are not words the parse would keep whole)."""
    plain = [term_forms(t) for t in terms if GAP not in t]
    gapped = GapScanner(t for t in terms if GAP in t)

    def scanner(kind: str) -> Scanner:
        keys = KeyScanner(compact(f[kind]) for f in plain if kind in f)
        return Scanner(keys, gapped if kind == "surface" else None)

    return {kind: scanner(kind) for kind in RENDERINGS}


@lru_cache(maxsize=2)
def _scanners(lexicon: CrisisLexicon) -> tuple[Scanners, dict[str, Scanner], dict[str, Scanner]]:
    """Per rendering kind (surface/norm/reading) and type, the compacted term forms; the
    idioms the same way; and the terms of all types together (most messages have none,
    seen in one scan). A reading is only ever matched against readings."""
    per_type = {kind: _build(terms) for kind, terms in lexicon.terms.items()}
    by_rendering = {r: {kind: p[r] for kind, p in per_type.items()} for r in RENDERINGS}
    every_term = _build([t for terms in lexicon.terms.values() for t in terms])
    return by_rendering, _build(lexicon.idioms), every_term


def _found(scanner: Scanner, covered: set[int], string: str, starts: frozenset[int] | None) -> bool:
    """A term outside the characters that idioms cover; with ``starts``, only terms that
    begin a word."""
    return any(not set(range(start, end)) <= covered for start, end, _ in scanner.widest(string)
               if starts is None or start in starts)


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
    patterns, idioms, every_term = _scanners(lexicon)
    found: set[str] = set()
    for r, string, starts in _renderings(text, view):
        if not _found(every_term[r], set(), string, starts):
            continue  # no term of any type (most messages): no idiom or type to look at
        covered = {k for s, e, _ in idioms[r].widest(string) for k in range(s, e)}
        found.update(kind for kind, scanner in patterns[r].items()
                     if kind not in found and _found(scanner, covered, string, starts))
    types = [kind for kind in CRISIS_TYPES if kind in found]
    return {"level": "urgent" if types else "none", "types": types}
