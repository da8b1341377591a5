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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import accumulate, repeat
from operator import add
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from spacy.strings import StringStore
    from spacy.tokens import Doc

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


@lru_cache(maxsize=256)
def compact(text: str) -> str:
    """``fold`` without spaces and punctuation: 「し に たい…」 → 「しにたい」 (cached: the
    crisis check and each classifier compact the same message again)."""
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
        parts = list(pieces)
        ends = tuple(accumulate(map(len, parts)))
        return cls("".join(parts), (0, *ends[:-1]) if ends else (), ends)

    def tokens_of(self, start: int, end: int) -> tuple[int, int]:
        """Token range ``[i, j)`` overlapping the character span ``[start, end)``."""
        i = bisect_right(self.ends, start)
        j = bisect_left(self.starts, end)
        return i, max(j, i + 1)


@lru_cache(maxsize=1)
def _token_attrs() -> tuple[int, ...]:
    from spacy.attrs import DEP, HEAD, IS_SPACE, LEMMA, MORPH, NORM, ORTH, POS

    return ORTH, NORM, LEMMA, POS, DEP, HEAD, MORPH, IS_SPACE


_NAMES: dict[int, str] = {}
"""String-store key → string, keys signed as ``Doc.to_array`` gives them (a StringStore
lookup decodes the string anew each time). A key is the string's hash, or one of spaCy's
fixed symbol ids: the same in every vocab, so one table serves them all."""
_READINGS: dict[int, str | None] = {}
"""Morph key → its first Reading, folded; None without one (or キゴウ): MorphAnalysis.get
parses the features on every call. The key is a hash of the features, Reading included."""
_CACHE_LIMIT = 100_000
"""Entries kept before a table starts afresh (a few thousand cover a day's messages)."""
_UNSIGNED = (1 << 64) - 1
_UNSEEN = "\0unseen"  # a reading no token has: the morph is not in _READINGS yet
NO_READING = frozenset({"PUNCT", "SYM", "NUM"})
"""Parts of speech rendered by their text, not their reading."""


def _names(strings: StringStore, hashes: list[int]) -> list[str]:
    """The strings of some string-store hashes (signed, as read from ``Doc.to_array``)."""
    names = list(map(_NAMES.get, hashes))
    if None in names:
        if len(_NAMES) > _CACHE_LIMIT:
            _NAMES.clear()
        for k, key in enumerate(hashes):
            if names[k] is None:
                names[k] = _NAMES[key] = strings[key & _UNSIGNED]
    return names  # type: ignore[return-value]


class Tokens:
    """The attributes of a Doc's tokens that the rules read, read once per message.

    spaCy builds a new Token on every ``doc[i]`` and looks each string attribute up in the
    string store; the rules read the same few attributes thousands of times per message.
    One ``Doc.to_array`` call gives them all, and one pass over ``doc.sents`` the sentences.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        columns = doc.to_array(_token_attrs()).view("int64").T.tolist()
        orth, norm, lemma, pos, dep, head, self._morph, self.is_space = columns  # is_space: 0 or 1
        n = len(orth)
        names = _names(doc.vocab.strings, orth + norm + lemma + pos + dep)
        self.text, self.norm, self.lemma, self.pos, self.dep = (names[k * n:(k + 1) * n] for k in range(5))
        self.head = list(map(add, range(n), head))  # to_array gives each head relative to its token

    def __len__(self) -> int:
        return len(self.text)

    @cached_property
    def parsed(self) -> bool:
        return self.doc.has_annotation("DEP")

    @cached_property
    def has_sentences(self) -> bool:
        return self.doc.has_annotation("SENT_START")

    def children(self, i: int) -> list[int]:
        """Indices of ``doc[i].children``, in order (a shared list: do not change it)."""
        return self._children[i]

    @cached_property
    def _children(self) -> list[list[int]]:
        """Each token's children: the tokens whose head it is. spaCy finds them by scanning
        between the token's left and right edges, which always enclose its children."""
        children: list[list[int]] = [[] for _ in self.head]
        for i, head in enumerate(self.head):
            if head != i:
                children[head].append(i)
        return children

    def sentence(self, i: int) -> tuple[int, int]:
        """Token range of ``doc[i].sent`` (the Doc must have sentence boundaries)."""
        return self._sentences[i]

    @cached_property
    def _sentences(self) -> list[tuple[int, int]]:
        """Each token's sentence range, from one pass over ``doc.sents`` (``doc[i].sent``
        scans for the sentence's boundaries on every call)."""
        ranges: list[tuple[int, int]] = []
        for sent in self.doc.sents:
            ranges += [(sent.start, sent.end)] * len(sent)
        return ranges

    def sentence_root(self, i: int) -> int:
        """Index of ``doc[i].sent.root``."""
        start, end = self.sentence(i)
        return self.doc[start:end].root.i

    def readings(self) -> list[str | None]:
        """Each token's reading, folded; None where its text stands in (punctuation,
        symbols, numbers, no reading)."""
        found = list(map(_READINGS.get, self._morph, repeat(_UNSEEN)))
        if _UNSEEN in found:
            if len(_READINGS) > _CACHE_LIMIT:
                _READINGS.clear()
            for i, reading in enumerate(found):
                if reading is _UNSEEN:
                    values = self.doc[i].morph.get("Reading")
                    usable = values and values[0] != "キゴウ"
                    found[i] = _READINGS[self._morph[i]] = fold(values[0]) if usable else None
        return [None if pos in NO_READING else reading for reading, pos in zip(found, self.pos, strict=True)]


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
    """The three folded renderings of one parsed message (spaces dropped), and its tokens'
    attributes read once."""

    doc: Doc
    token_ids: tuple[int, ...]  # doc index of each rendering position (spaces skipped)
    surface: Rendering
    norm: Rendering
    reading: Rendering
    tokens: Tokens

    @classmethod
    def of(cls, doc: Doc) -> TextView:
        tokens = Tokens(doc)
        text, readings = tokens.text, tokens.readings()
        kept = [i for i, space in enumerate(tokens.is_space) if not space and text[i].strip()]
        surface = [fold(text[i]) for i in kept]
        reading = [s if (r := readings[i]) is None else r for i, s in zip(kept, surface, strict=True)]
        return cls(
            doc=doc,
            token_ids=tuple(kept),
            surface=Rendering.from_pieces(surface),
            norm=Rendering.from_pieces([fold(n) for n in plain_norms([tokens.norm[i] for i in kept])]),
            reading=Rendering.from_pieces(reading),
            tokens=tokens,
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
        found: dict[str, dict[str, list[P]]] = {"surface": {}, "norm": {}, "reading": {}}
        for term, payload in entries:
            for kind, key in term_forms(term).items():
                if key and not (kind == "reading" and len(key) < min_reading):
                    found[kind].setdefault(key, []).append(payload)
        self.keys = {kind: {key: tuple(ps) for key, ps in keys.items()} for kind, keys in found.items()}
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
            yield Match(i, j, key, self.keys[kind][key], kind)

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
        pos, ids = view.tokens.pos, view.token_ids
        return all(pos[ids[k]] not in self.FUNCTION_POS for k in range(i + 1, j))

    def _aligned(self, kind: str, rendering: Rendering) -> Iterable[Match[P]]:
        """The longest key over whole tokens at each token: only the spans as long as some
        key with the token's first character are sliced and looked up."""
        keys, text, starts, ends = self.keys[kind], rendering.text, rendering.starts, rendering.ends
        lengths, n = self.scanners[kind].lengths, len(starts)
        for i, start in enumerate(starts):
            fitting = lengths.get(text[start:start + 1])
            if fitting is None:
                continue
            for j in range(min(n, i + self.MAX_TOKENS), i, -1):
                if ends[j - 1] - start in fitting:
                    key = text[start:ends[j - 1]]
                    if key in keys:
                        yield Match(i, j, key, keys[key], kind)
                        break


class KeyScanner:
    """Occurrences of many keys in a string: leftmost-longest and non-overlapping
    (``finditer``), or the widest at every position where one starts (``widest``).

    The keys are one regex, a trie, so the regex engine walks the text in C instead of
    Python trying each length of key at each position.
    """

    def __init__(self, keys: Iterable[str]) -> None:
        lengths: dict[str, set[int]] = {}
        self.keys = frozenset(k for k in keys if k)
        for key in self.keys:
            lengths.setdefault(key[0], set()).add(len(key))
        self.lengths = {c: sorted(ls, reverse=True) for c, ls in lengths.items()}
        """The lengths of the keys, longest first, per first character."""

    @cached_property
    def _trie(self) -> re.Pattern[str]:
        """The longest key at a position."""
        return re.compile(_trie_pattern(self.keys))

    def finditer(self, text: str) -> Iterator[tuple[int, int, str]]:
        """``(start, end, key)`` left to right; at each start the longest key wins."""
        return ((m.start(), m.end(), m.group()) for m in self._trie.finditer(text))

    def widest(self, text: str) -> Iterator[tuple[int, int, str]]:
        """``(start, end, key)`` of the longest key at every position where one starts
        (overlapping allowed): a shorter key there lies inside it."""
        search, pos = self._trie.search, 0
        while m := search(text, pos):
            yield m.start(), m.end(), m.group()
            pos = m.start() + 1


NEVER = "(?!)"
"""A regex that matches nowhere."""


def _trie_pattern(keys: Iterable[str]) -> str:
    """A regex matching the longest of ``keys`` at a position: the keys as a trie, where a
    key that goes on is tried before the one that ends (greedy ``?``). Without keys, one
    that never matches."""
    root: dict[str, dict] = {}
    for key in keys:
        node = root
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        if "" not in node:
            return body
        return f"(?:{body})?" if len(branches) == 1 else f"{body}?"

    return pattern(root) or NEVER


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
