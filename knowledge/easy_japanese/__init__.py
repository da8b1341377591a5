"""やさしい日本語: a checker for the easy answer templates and a detector for easy writers.

Residents who read little Japanese (children, people from abroad, some elderly or
disabled people) get every answer in やさしい日本語. The rules are checked by machine so a
template edit cannot quietly bring back long sentences or hard kanji:

* a sentence has at most :data:`MAX_SENTENCE_CHARS` characters, counting neither spaces
  nor punctuation (「。、！？」 brackets, ・, …); a ``{placeholder}`` counts as
  :data:`PLACEHOLDER_CHARS` characters, about what a date or a number fills in;
* kanji only from the first two grades' list (``kanji_grade1_2.txt``, 240 字);
* no stacked 敬語 (させていただきます, おっしゃられる, ご〜いたします, お〜になられる);
* numbers as digits (「3人」, not 「三人」).

"One idea per sentence" and "everyday words" need a reader; the sentence length keeps
the first honest in practice.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from knowledge.datafile import KnowledgeError

__all__ = [
    "KANJI_FILE", "MAX_SENTENCE_CHARS", "PLACEHOLDER_CHARS", "allowed_kanji", "assert_all_easy",
    "check_easy", "easy_features", "kanji_by_grade", "looks_easy", "sentence_length", "split_sentences",
]

KANJI_FILE = Path(__file__).resolve().parent / "kanji_grade1_2.txt"
MAX_SENTENCE_CHARS = 25
PLACEHOLDER_CHARS = 6
_GRADE_SIZES = {1: 80, 2: 160}  # 学年別漢字配当表 (2020): 1年 80字, 2年 160字

_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
# A sentence ends at 。！？!? (with any closing brackets right after) or at a line break.
_SENTENCE = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[」』）)]*|\n|$)")
_KANJI_NUMERAL = "〇一二三四五六七八九十百千万"
# Kanji digits written as a number: two or more in a row (二十, 三百), or one before a
# counter (三人, 一回, 五日). 一番, 一緒, 万一 are words, not numbers, and pass.
_COUNTERS = "人回日月年歳才時分円階本枚個件週度名つヶケか"
_KANJI_NUMBER = re.compile(
    rf"[{_KANJI_NUMERAL}]{{2,}}|[{_KANJI_NUMERAL}](?=[{_COUNTERS}])"
)
_KEIGO_STACKING: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"せて\s*(?:いただ|頂)"), "させていただく"),
    (re.compile(r"おっしゃられ|いらっしゃられ|申され"), "尊敬語 + られる"),
    (re.compile(r"(?:拝見|拝読|拝聴)\s*させ"), "謙譲語 + させる"),
    (re.compile(r"[おご][^\s。、！？]{1,8}\s*(?:いた|致)し"), "ご〜いたします"),
    (re.compile(r"[おご][^\s。、！？]{1,8}\s*に\s*なられ"), "お〜になられる"),
)


# ── the kanji list ─────────────────────────────────────────────────────────────


@cache
def kanji_by_grade(path: Path = KANJI_FILE) -> dict[int, str]:
    """The kanji of each grade from the data file, checked for count and duplicates.

    The counts are fixed by the 学年別漢字配当表, so a slip while editing the file (a
    dropped or doubled character) fails here rather than letting a hard kanji through.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"{path.name}: cannot be read as UTF-8 text ({exc})") from exc
    grades: dict[int, list[str]] = {}
    current: int | None = None
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        header = re.fullmatch(r"\[(\d+)年\]", line)
        if header:
            current = int(header.group(1))
            grades.setdefault(current, [])
            continue
        if current is None:
            raise KnowledgeError(f"{path.name}: line {number}: kanji before the first [1年] header")
        for char in line.replace(" ", "").replace("\u3000", ""):
            if not _is_kanji(char):
                raise KnowledgeError(f"{path.name}: line {number}: '{char}' is not a kanji")
            grades[current].append(char)
    seen: dict[str, int] = {}
    for grade, chars in grades.items():
        for char in chars:
            if char in seen:
                raise KnowledgeError(f"{path.name}: '{char}' is listed twice ({seen[char]}年 and {grade}年)")
            seen[char] = grade
    for grade, size in _GRADE_SIZES.items():
        found = len(grades.get(grade, []))
        if found != size:
            raise KnowledgeError(f"{path.name}: [{grade}年] must have {size} kanji, found {found}")
    extra = sorted(set(grades) - set(_GRADE_SIZES))
    if extra:
        raise KnowledgeError(f"{path.name}: only [1年] and [2年] belong here, found grades {extra}")
    return {grade: "".join(chars) for grade, chars in sorted(grades.items())}


@cache
def allowed_kanji() -> frozenset[str]:
    """The 240 kanji an easy answer may use."""
    return frozenset("".join(kanji_by_grade().values()))


def _is_kanji(char: str) -> bool:
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF


def _is_counted(char: str) -> bool:
    """Characters a reader reads: not spaces, not punctuation (ー is a letter, counted)."""
    return not char.isspace() and not unicodedata.category(char).startswith("P")


# ── checking easy text ─────────────────────────────────────────────────────────


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``: cut after 。！？ (and closing brackets) and at line breaks."""
    found = (m.group(0).strip() for m in _SENTENCE.finditer(text))
    return [s for s in found if sentence_length(s) > 0]


def sentence_length(sentence: str) -> int:
    """Characters counted against the limit: no spaces, no punctuation; placeholders fixed."""
    placeholders = len(_PLACEHOLDER.findall(sentence))
    rest = _PLACEHOLDER.sub("", sentence)
    return sum(1 for c in rest if _is_counted(c)) + placeholders * PLACEHOLDER_CHARS


def check_easy(text: str) -> list[str]:
    """Problems that keep ``text`` from being やさしい日本語; an empty list when it is fine."""
    problems: list[str] = []
    allowed = allowed_kanji()
    for sentence in split_sentences(text):
        length = sentence_length(sentence)
        if length > MAX_SENTENCE_CHARS:
            problems.append(f"too long ({length} > {MAX_SENTENCE_CHARS} characters): 「{sentence}」")
        plain = _PLACEHOLDER.sub("", sentence)
        hard = sorted({c for c in plain if _is_kanji(c) and c not in allowed}, key=plain.index)
        if hard:
            problems.append(f"kanji outside grades 1-2 ({''.join(hard)}): 「{sentence}」")
        for pattern, name in _KEIGO_STACKING:
            match = pattern.search(plain)
            if match:
                problems.append(f"stacked keigo {name} ('{match.group(0)}'): 「{sentence}」")
        numbers = [m.group(0) for m in _KANJI_NUMBER.finditer(plain)]
        if numbers:
            problems.append(f"number in kanji ({', '.join(numbers)}); write digits: 「{sentence}」")
    return problems


def assert_all_easy(templates: Mapping[str, str]) -> None:
    """Fail (AssertionError) listing every problem of every template, by template key.

    For the template tests: ``assert_all_easy(load_easy_wording())``. All problems are
    reported at once so one test run shows everything to fix.
    """
    report = [
        f"{key}: {problem}"
        for key, text in templates.items()
        for problem in check_easy(text)
    ]
    empty = [key for key, text in templates.items() if not split_sentences(text)]
    report.extend(f"{key}: empty template" for key in empty)
    if report:
        raise AssertionError("not やさしい日本語:\n" + "\n".join(report))


# ── detecting a resident who writes in easy Japanese ───────────────────────────


def easy_features(text: str) -> dict[str, float]:
    """The measures :func:`looks_easy` decides on (exposed for tuning and tests).

    ``kanji_ratio``: kanji among the written characters; ``gap_ratio``: word gaps (a
    space between two written characters) per written character — やさしい日本語 writers
    put spaces between words (わかちがき); ``mean_sentence``: counted characters per sentence.
    """
    chars = [c for c in text if _is_counted(c)]
    written = len(chars) or 1
    kanji = sum(1 for c in chars if _is_kanji(c))
    gaps = len(re.findall(r"(?<=[^\s。、！？!?.,])[ \u3000]+(?=[^\s])", text))
    sentences = split_sentences(text) or [text]
    mean = sum(sentence_length(s) for s in sentences) / len(sentences)
    return {"kanji_ratio": kanji / written, "gap_ratio": gaps / written, "mean_sentence": mean}


# Tuned on the train split of tests/data/intake/*.jsonl (252 lines, 27 easy): easy lines
# have gap_ratio >= 0.083 and no kanji, the others gap_ratio <= 0.043 and kanji_ratio
# >= 0.125. The gap cut sits between the two; the kanji cut leaves room for an easy
# writer who knows some kanji (日本語, 子ども) and still stops spaced ordinary text.
_MAX_KANJI_RATIO = 0.25
_MIN_GAP_RATIO = 0.06
_MAX_MEAN_SENTENCE = 25.0


def looks_easy(text: str) -> bool:
    """True when a resident seems to write in やさしい日本語 (few kanji, spaced words).

    Answering such a writer in plain Japanese full of kanji would lose them, so this
    errs towards easy: mostly kana, words separated by spaces, short sentences.
    """
    features = easy_features(text)
    return (
        features["kanji_ratio"] <= _MAX_KANJI_RATIO
        and features["gap_ratio"] >= _MIN_GAP_RATIO
        and features["mean_sentence"] <= _MAX_MEAN_SENTENCE
    )
