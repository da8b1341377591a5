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
_KATAKANA = re.compile(r"[\u30a1-\u30f4]")
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


def fold(text: str) -> str:
    """The matching key of a string: NFKC, lower case, katakana as hiragana."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _KATAKANA.sub(lambda m: chr(ord(m.group()) - 0x60), text)


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
        i = next(k for k, e in enumerate(self.ends) if e > start)
        j = next((k for k, s in enumerate(self.starts) if s >= end), len(self.starts))
        return i, max(j, i + 1)


def _reading(token: Token) -> str:
    reading = token.morph.get("Reading")
    if not reading or token.pos_ in ("PUNCT", "SYM", "NUM") or reading[0] == "キゴウ":
        return token.text
    return reading[0]


def _is_space(token: Token) -> bool:
    return token.is_space or not token.text.strip()


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
            norm=Rendering.from_pieces(fold(t.norm_) for t in tokens),
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
        "norm": "".join(fold(m.normalized_form()) for m in morphemes),
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
                 kinds: tuple[str, ...] = ("surface", "norm", "reading")) -> None:
        self.aligned = aligned
        self.kinds = kinds
        self.keys: dict[str, dict[str, list[P]]] = {"surface": {}, "norm": {}, "reading": {}}
        for term, payload in entries:
            for kind, key in term_forms(term).items():
                if key:
                    self.keys[kind].setdefault(key, []).append(payload)
        self.patterns = {kind: self._pattern(keys) for kind, keys in self.keys.items()}

    @staticmethod
    def _pattern(keys: dict[str, list[P]]) -> re.Pattern[str] | None:
        if not keys:
            return None
        ordered = sorted(keys, key=len, reverse=True)
        return re.compile("|".join(re.escape(k) for k in ordered))

    def find(self, view: TextView) -> list[Match[P]]:
        """All matches over the three renderings, longest first, without overlaps."""
        found: list[Match[P]] = []
        for kind, rendering in view.renderings().items():
            if kind not in self.kinds:
                continue
            finder = self._aligned if self.aligned else self._substrings
            found.extend(finder(kind, rendering))
        return _longest_first(found)

    def _substrings(self, kind: str, rendering: Rendering) -> Iterable[Match[P]]:
        pattern = self.patterns[kind]
        if pattern is None:
            return
        for m in pattern.finditer(rendering.text):
            i, j = rendering.tokens_of(m.start(), m.end())
            yield Match(i, j, m.group(), tuple(self.keys[kind][m.group()]), kind)

    def _aligned(self, kind: str, rendering: Rendering) -> Iterable[Match[P]]:
        keys, text, n = self.keys[kind], rendering.text, len(rendering.starts)
        for i in range(n):
            for j in range(min(n, i + self.MAX_TOKENS), i, -1):
                key = text[rendering.starts[i]:rendering.ends[j - 1]]
                if key in keys:
                    yield Match(i, j, key, tuple(keys[key]), kind)
                    break


@dataclass(frozen=True)
class Match(Generic[P]):
    """A lexicon term found at rendering positions ``[start, end)``."""

    start: int
    end: int
    key: str
    payloads: tuple[P, ...]
    rendering: str


def _longest_first(matches: Sequence[Match[P]]) -> list[Match[P]]:
    """Keep the longest of overlapping matches (by tokens, then characters), in text order."""
    kept: list[Match[P]] = []
    taken: set[int] = set()
    for m in sorted(matches, key=lambda m: (-(m.end - m.start), -len(m.key), m.start)):
        span = set(range(m.start, m.end))
        if span & taken:
            continue
        taken |= span
        kept.append(m)
    return sorted(kept, key=lambda m: m.start)
