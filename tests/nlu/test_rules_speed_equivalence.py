"""The rules' fast paths read what the slow ones did: token attributes from one
``Doc.to_array`` instead of spaCy Tokens, and key lookups by one trie regex instead of
slicing every length at every position."""
from __future__ import annotations

import random

import pytest

from nlu.normalize import KeyScanner, Tokens, clean_text, fold

TEXTS = ["", "あ", "母 と  父", "😀😀", "ｼﾆﾀｲ", "し に た い",
         "８５歳の母と９０代の父。小3の息子（9）がいます！",
         "80代の母が認知症で、50代の兄がひきこもっています。私も限界です\n助けて",
         "借金はありません。もし病気になったらどうしよう？"]


@pytest.mark.parametrize("text", TEXTS)
def test_tokens_read_what_spacy_reads(nlp, text: str) -> None:
    doc = nlp(clean_text(text))
    tokens = Tokens(doc)
    assert tokens.text == [t.text for t in doc]
    assert tokens.norm == [t.norm_ for t in doc]
    assert tokens.lemma == [t.lemma_ for t in doc]
    assert tokens.pos == [t.pos_ for t in doc]
    assert tokens.dep == [t.dep_ for t in doc]
    assert tokens.head == [t.head.i for t in doc]
    assert [bool(s) for s in tokens.is_space] == [t.is_space for t in doc]
    for t in doc:
        assert tokens.children(t.i) == [c.i for c in t.children]
        assert tokens.sentence(t.i) == (t.sent.start, t.sent.end)
        assert tokens.sentence_root(t.i) == t.sent.root.i
    readings = [r[0] if (r := t.morph.get("Reading")) else None for t in doc]
    expected = [None if r is None or r == "キゴウ" or t.pos_ in ("PUNCT", "SYM", "NUM") else r
                for r, t in zip(readings, doc, strict=True)]
    assert tokens.readings() == [None if r is None else fold(r) for r in expected]


Lengths = dict[str, list[int]]


def _slicing_finditer(keys: frozenset[str], lengths: Lengths, text: str) -> list[tuple[int, int, str]]:
    """The lookup KeyScanner.finditer replaced: every length of key at every position."""
    found, k = [], 0
    while k < len(text):
        for length in lengths.get(text[k], ()):
            if text[k:k + length] in keys:
                found.append((k, k + length, text[k:k + length]))
                k += length
                break
        else:
            k += 1
    return found


def _slicing_widest(keys: frozenset[str], lengths: Lengths, text: str) -> list[tuple[int, int]]:
    """Per start, the widest of every occurrence the slicing lookup reported."""
    widest: dict[int, int] = {}
    for k in range(len(text)):
        for length in lengths.get(text[k], ()):
            if text[k:k + length] in keys:
                widest[k] = max(widest.get(k, 0), k + length)
    return sorted(widest.items())


def test_key_scanner_finds_what_slicing_found() -> None:
    """Random keys and texts over a few characters, keys ending the text included."""
    rng = random.Random(7)
    for _ in range(300):
        word = lambda: "".join(rng.choice("あいうし死") for _ in range(rng.randint(1, 4)))  # noqa: E731
        keys = {word() for _ in range(rng.randint(1, 8))}
        scanner = KeyScanner(keys)
        for _ in range(5):
            text = "".join(rng.choice("あいうし死x") for _ in range(rng.randint(0, 12)))
            assert list(scanner.finditer(text)) == _slicing_finditer(scanner.keys, scanner.lengths, text)
            widest = _slicing_widest(scanner.keys, scanner.lengths, text)
            assert [(s, e) for s, e, _ in scanner.widest(text)] == widest
            assert list(scanner.starts(text)) == [s for s, _ in widest]
            assert [(s, scanner.widest_at(text, s)) for s, _ in widest] == widest
