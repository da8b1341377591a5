"""The rules' fast paths: token attributes read from one ``Doc.to_array`` are what spaCy's
Tokens say (with or without a parse), and the trie regex of KeyScanner finds what a brute
force search finds."""
from __future__ import annotations

import random

import pytest

from nlu.normalize import KeyScanner, Tokens, clean_text, fold

TEXTS = ["", "あ", "母 と  父", "😀😀", "ｼﾆﾀｲ", "し に た い",
         "８５歳の母と９０代の父。小3の息子（9）がいます！",
         "80代の母が認知症で、50代の兄がひきこもっています。私も限界です\n助けて",
         "借金はありません。もし病気になったらどうしよう？"]


@pytest.mark.parametrize("parsed", [True, False])
@pytest.mark.parametrize("text", TEXTS)
def test_tokens_read_what_spacy_reads(nlp, text: str, parsed: bool) -> None:
    with nlp.select_pipes(disable=[] if parsed else ["parser"]):
        doc = nlp(clean_text(text))
    tokens = Tokens(doc)
    assert tokens.parsed == doc.has_annotation("DEP")
    assert tokens.has_sentences == doc.has_annotation("SENT_START")
    assert tokens.text == [t.text for t in doc]
    assert tokens.norm == [t.norm_ for t in doc]
    assert tokens.lemma == [t.lemma_ for t in doc]
    assert tokens.pos == [t.pos_ for t in doc]
    assert tokens.dep == [t.dep_ for t in doc]
    assert tokens.head == [t.head.i for t in doc]
    assert [bool(s) for s in tokens.is_space] == [t.is_space for t in doc]
    for t in doc:
        assert tokens.children(t.i) == [c.i for c in t.children]
        if tokens.has_sentences:
            assert tokens.sentence(t.i) == (t.sent.start, t.sent.end)
        if tokens.parsed:
            assert tokens.sentence_root(t.i) == t.sent.root.i
    readings = [r[0] if (r := t.morph.get("Reading")) else None for t in doc]
    expected = [None if r is None or r == "キゴウ" or t.pos_ in ("PUNCT", "SYM", "NUM") else r
                for r, t in zip(readings, doc, strict=True)]
    assert tokens.readings() == [None if r is None else fold(r) for r in expected]


def test_rules_run_on_a_doc_without_a_parse(nlp) -> None:
    """Rasa's Doc (no parser) with no pipeline to complete it: every head is the token
    itself and there are no sentences, so sentences end at punctuation and no negation is
    read (借金はありません counts)."""
    from nlu.analysis import Analyzer

    with nlp.select_pipes(disable=["parser"]):
        doc = nlp(clean_text("80代の母が認知症で、兄がひきこもっています。借金はありません。"))
    assert not doc.has_annotation("DEP") and not doc.has_annotation("SENT_START")
    result = Analyzer(nlp=None, models=(None, None), counters=lambda categories: []).analyze_doc(doc)
    assert result["categories"] == ["elderly_care", "poverty", "hikikomori"]
    assert [(m["relation"], m["age"], m["categories"]) for m in result["members"]] == [
        ("mother", {"min": 80, "max": 89}, ["elderly_care"]),
        ("older_brother", None, ["hikikomori", "poverty"])]


def _leftmost_longest(keys: set[str], text: str) -> list[tuple[int, int, str]]:
    """What KeyScanner.finditer must find, by brute force: left to right, the longest key
    at each start, skipping what it covers."""
    found, k = [], 0
    while k < len(text):
        key = max((key for key in keys if text.startswith(key, k)), key=len, default=None)
        if key is None:
            k += 1
        else:
            found.append((k, k + len(key), key))
            k += len(key)
    return found


def _widest(keys: set[str], text: str) -> list[tuple[int, int]]:
    """What KeyScanner.widest must find, by brute force: at every start, the longest key."""
    ends = [max((k + len(key) for key in keys if text.startswith(key, k)), default=None)
            for k in range(len(text))]
    return [(k, end) for k, end in enumerate(ends) if end is not None]


def test_key_scanner_finds_what_brute_force_finds() -> None:
    """Random keys and texts over a few characters, keys ending the text included: a key
    that ends the text ends there (the slicing lookup once reported it longer)."""
    rng = random.Random(7)
    for _ in range(300):
        word = lambda: "".join(rng.choice("あいうし死") for _ in range(rng.randint(1, 4)))  # noqa: E731
        keys = {word() for _ in range(rng.randint(0, 8))}
        scanner = KeyScanner(keys)
        for _ in range(5):
            text = "".join(rng.choice("あいうし死x") for _ in range(rng.randint(0, 12)))
            assert list(scanner.finditer(text)) == _leftmost_longest(keys, text)
            assert [(s, e) for s, e, _ in scanner.widest(text)] == _widest(keys, text)


def test_key_scanner_reports_a_key_ending_the_text_as_it_is() -> None:
    scanner = KeyScanner(["死にたい", "死にたいと思う", "しに"])
    assert list(scanner.finditer("もう死にたい")) == [(2, 6, "死にたい")]
    assert list(scanner.widest("もう死にたい")) == [(2, 6, "死にたい")]
    assert list(KeyScanner([]).finditer("死にたい")) == list(KeyScanner([]).widest("死にたい")) == []
