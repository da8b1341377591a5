"""Text normalisation for matching residents' words against the lexicons.

Residents write the same word many ways: full-width digits, half-width katakana, kana for
kanji (かいご), old and new spellings (引き籠もり/ひきこもり, 障害/障がい), spaces between
words in やさしい日本語. We match each lexicon term against three renderings of the one
GiNZA parse (surface, Sudachi normalized form, reading), all folded the same way, so one
entry in the YAML covers its variants and nothing is parsed twice.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

MAX_CHARS = 4000
"""Longest message analysed; longer ones are cut (the CLI rejects them outright)."""

_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"[ \t\u3000]+")
_NOT_WORD = re.compile(r"[\s、。，．,.!?！？・…「」『』（）()【】\[\]〜~ー－\-:：;；\"'“”‘’]+")

P = TypeVar("P")


def clean_text(text: str, limit: int = MAX_CHARS) -> str:
    """NFKC (full-width digits/letters, half-width kana), no control characters, capped.

    Emoji and other symbols pass through unchanged; whitespace runs become one space so
    やさしい日本語 keeps its word breaks for the parser.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    return text[:limit]


_KATA_TO_HIRA = {code: code - 0x60 for code in range(0x30A1, 0x30F5)}


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """The matching key of a string: NFKC, lower case, katakana as hiragana (cached:
    the same words and tokens come back in every message)."""
    return unicodedata.normalize("NFKC", text).lower().translate(_KATA_TO_HIRA)


def compact(text: str) -> str:
    """``fold`` without spaces and punctuation: 「し に たい…」 → 「しにたい」."""
    return _NOT_WORD.sub("", fold(text))


@dataclass(frozen=True)
class Rendering:
    """One string per token, concatenated, with each token's character offsets.

    Lets a substring match be mapped back to the tokens it covers.
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def from_pieces(cls, pieces: Iterable[str]) -> Rendering:
        starts, ends, pos = [], [], 0
        parts = list(pieces)
        for piece in parts:
            starts.append(pos)
            pos += len(piece)
            ends.append(pos)
        return cls("".join(parts), tuple(starts), tuple(ends))

    def tokens_of(self, start: int, end: int) -> tuple[int, int]:
        """Token range ``[i, j)`` overlapping the character span ``[start, end)``."""
        i = bisect_right(self.ends, start)
        j = bisect_left(self.starts, end)
        return i, max(j, i + 1)


def _reading(token: Token) -> str:
    reading = token.morph.get("Reading")
    if not reading or token.pos_ in ("PUNCT", "SYM", "NUM") or reading[0] == "キゴウ":
        return token.text
    return reading[0]


def _is_space(token: Token) -> bool:
    return token.is_space or not token.text.strip()


POLITE = "ます"
NEGATIONS = frozenset({"ず", "ぬ"})
PLAIN_NEGATION = "ない"
EXISTENTIAL = "有る"
ABSENT = "無い"


def plain_norms(norms: Sequence[str]) -> list[str]:
    """Normalized forms with the polite negation read as the plain one, piece for piece.

    Sudachi gives 見つかりません as 見付かる|ます|ず but 見つからない as 見付かる|ない, and
    ありません as 有る|ます|ず but ない as 無い; so a lexicon term written plainly
    (仕事が見つからない, お金がない) would miss the polite or dialect form. The ます before
    ず is dropped (an empty piece keeps the token positions), ず/ぬ become ない, and
    有る…ず becomes 無い.
    """
    out = list(norms)
    for k, norm in enumerate(norms):
        if norm not in NEGATIONS:
            continue
        out[k] = PLAIN_NEGATION
        j = k - 1
        if j >= 0 and norms[j] == POLITE:
            out[j] = ""
            j -= 1
        if j >= 0 and norms[j] == EXISTENTIAL:
            out[j], out[k] = "", ABSENT
    return out


@dataclass(frozen=True)
class TextView:
    """The three folded renderings of one parsed message (spaces dropped)."""

    doc: Doc
    token_ids: tuple[int, ...]  # doc index of each rendering position (spaces skipped)
    surface: Rendering
    norm: Rendering
    reading: Rendering

    @classmethod
    def of(cls, doc: Doc) -> TextView:
        tokens = [t for t in doc if not _is_space(t)]
        return cls(
            doc=doc,
            token_ids=tuple(t.i for t in tokens),
            surface=Rendering.from_pieces(fold(t.text) for t in tokens),
            norm=Rendering.from_pieces(fold(n) for n in plain_norms([t.norm_ for t in tokens])),
            reading=Rendering.from_pieces(fold(_reading(t)) for t in tokens),
        )

    def renderings(self) -> dict[str, Rendering]:
        return {"surface": self.surface, "norm": self.norm, "reading": self.reading}

    def doc_span(self, i: int, j: int) -> tuple[int, int]:
        """Doc token range of rendering positions ``[i, j)``."""
        return self.token_ids[i], self.token_ids[j - 1] + 1


@lru_cache(maxsize=1)
def _sudachi():
    """Sudachi in split mode C, as GiNZA uses it, for normalising lexicon terms."""
    from sudachipy import dictionary, tokenizer

    return dictionary.Dictionary(dict="core").create(mode=tokenizer.Tokenizer.SplitMode.C)


@lru_cache(maxsize=20000)
def term_forms(term: str) -> dict[str, str]:
    """The keys under which a lexicon term is indexed, one per rendering.

    The reading is only used for terms of three kana or more: shorter readings match
    too many unrelated words.
    """
    morphemes = list(_sudachi().tokenize(clean_text(term)))
    forms = {
        "surface": fold(term).replace(" ", ""),
        "norm": "".join(fold(n) for n in plain_norms([m.normalized_form() for m in morphemes])),
    }
    reading = "".join(fold(m.reading_form()) for m in morphemes)
    if len(reading) >= 3:
        forms["reading"] = reading
    return forms


class TermIndex(Generic[P]):
    """Lexicon terms indexed by their folded forms; finds them in a TextView.

    ``aligned`` matches must start and end on token boundaries (kinship words, so 母 is
    not found inside 母子家庭); otherwise any substring counts (category stems such as
    ひきこもっ). Longer terms win over the shorter terms they contain.
    """

    MAX_TOKENS = 8

    def __init__(self, entries: Iterable[tuple[str, P]], aligned: bool,
                 kinds: tuple[str, ...] = ("surface", "norm", "reading"), min_reading: int = 3,
                 share_spans: bool = False) -> None:
        self.aligned = aligned
        self.share_spans = share_spans
        self.kinds = kinds
        self.keys: dict[str, dict[str, list[P]]] = {"surface": {}, "norm": {}, "reading": {}}
        for term, payload in entries:
            for kind, key in term_forms(term).items():
                if key and not (kind == "reading" and len(key) < min_reading):
                    self.keys[kind].setdefault(key, []).append(payload)
        self.scanners = {kind: KeyScanner(keys) for kind, keys in self.keys.items()}

    def find(self, view: TextView) -> list[Match[P]]:
        """All matches over the three renderings, longest first, without overlaps."""
        found: list[Match[P]] = []
        for kind, rendering in view.renderings().items():
            if kind not in self.kinds:
                continue
            if self.aligned:
                found.extend(self._aligned(kind, rendering))
            else:
                found.extend(self._substrings(kind, rendering, view))
        return _longest_first(found, self.share_spans)

    def _substrings(self, kind: str, rendering: Rendering, view: TextView) -> Iterable[Match[P]]:
        for start, end, key in self.scanners[kind].finditer(rendering.text):
            i, j = rendering.tokens_of(start, end)
            if kind == "reading" and not self._reading_fits(view, rendering, start, end, i, j):
                continue
            yield Match(i, j, key, tuple(self.keys[kind][key]), kind)

    SHORT_READING = 4
    FUNCTION_POS = frozenset({"ADP", "AUX", "SCONJ", "CCONJ", "PART"})

    def _reading_fits(self, view: TextView, rendering: Rendering, start: int, end: int,
                      i: int, j: int) -> bool:
        """A reading must begin a word; a short one must also end one and not run into a
        particle, so 家出 (いえで) is not read into 家で while かいご (かい|ご) is 介護."""
        if rendering.starts[i] != start:
            return False
        if end - start >= self.SHORT_READING:
            return True
        if rendering.ends[j - 1] != end:
            return False
        return all(view.doc[view.token_ids[k]].pos_ not in self.FUNCTION_POS for k in range(i + 1, j))

    def _aligned(self, kind: str, rendering: Rendering) -> Iterable[Match[P]]:
        keys, text, n = self.keys[kind], rendering.text, len(rendering.starts)
        for i in range(n):
            for j in range(min(n, i + self.MAX_TOKENS), i, -1):
                key = text[rendering.starts[i]:rendering.ends[j - 1]]
                if key in keys:
                    yield Match(i, j, key, tuple(keys[key]), kind)
                    break


class KeyScanner:
    """Leftmost-longest, non-overlapping occurrences of many keys in a string.

    Replaces a regex alternation of hundreds of terms (which tries every alternative at
    every position): keys are grouped by first character, with the lengths that occur,
    so each position costs a dict lookup and a handful of slices.
    """

    def __init__(self, keys: Iterable[str]) -> None:
        lengths: dict[str, set[int]] = {}
        self.keys = frozenset(k for k in keys if k)
        for key in self.keys:
            lengths.setdefault(key[0], set()).add(len(key))
        self.lengths = {c: sorted(ls, reverse=True) for c, ls in lengths.items()}

    def finditer(self, text: str) -> Iterable[tuple[int, int, str]]:
        """``(start, end, key)`` left to right; at each start the longest key wins."""
        k, n = 0, len(text)
        while k < n:
            for length in self.lengths.get(text[k], ()):
                piece = text[k:k + length]
                if piece in self.keys:
                    yield k, k + length, piece
                    k += length
                    break
            else:
                k += 1

    def search_all(self, text: str) -> Iterable[tuple[int, int, str]]:
        """Every occurrence (overlapping allowed), for callers that filter themselves."""
        for k in range(len(text)):
            for length in self.lengths.get(text[k], ()):
                piece = text[k:k + length]
                if piece in self.keys:
                    yield k, k + length, piece


@dataclass(frozen=True)
class Match(Generic[P]):
    """A lexicon term found at rendering positions ``[start, end)``."""

    start: int
    end: int
    key: str
    payloads: tuple[P, ...]
    rendering: str


def _longest_first(matches: Sequence[Match[P]], share_spans: bool = False) -> list[Match[P]]:
    """Keep the longest of overlapping matches (by tokens, then characters), in text order.

    With ``share_spans`` a match over exactly the tokens of a kept one is kept too: two
    terms for the same words (おかねをくれません as dv, お金をくれない as poverty) both count.
    """
    kept: list[Match[P]] = []
    taken: set[int] = set()
    spans: set[tuple[int, int]] = set()
    for m in sorted(matches, key=lambda m: (-(m.end - m.start), -len(m.key), m.start)):
        span = set(range(m.start, m.end))
        if span & taken and not (share_spans and (m.start, m.end) in spans):
            continue
        taken |= span
        spans.add((m.start, m.end))
        kept.append(m)
    return sorted(kept, key=lambda m: m.start)
