"""Age expressions (contract §2 and the annotation guidelines) found in a folded text.

85歳 → 85–85, 80代後半 → 85–89, 90近い → 85–89, 70過ぎ → 70–79, 小学3年/小3 → 8–9,
中1 → 12–13, 高校生 → 15–18, 生後3か月 → 0–0, 母(85) → 85–85. The words and offsets are
data (kinship.yaml); only the shapes of numbers live here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from knowledge.lexicons import AgeRules

_NUM = r"(\d{1,3}|[一二三四五六七八九十]{1,4})"
_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}


@dataclass(frozen=True)
class AgeSpan:
    """An age range found at characters ``[start, end)`` of the searched text."""

    start: int
    end: int
    low: int
    high: int
    bare: bool = False  # a bare number in brackets: only an age right after a kin word


def to_int(text: str) -> int:
    """Arabic or kanji numerals up to 999 (八十五 → 85, 十 → 10)."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _KANJI_DIGITS.get(ch, 0)
    return total + current


@lru_cache(maxsize=2)
def _patterns(rules: AgeRules) -> list[tuple[re.Pattern[str], str]]:
    alt = lambda words: "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # noqa: E731
    return [
        (re.compile(r"生後" + _NUM + r"(?:か|ヶ|け|ヵ|箇|カ|ケ)?月"), "infant"),
        (re.compile(_NUM + r"(?:か|ヶ|け|ヵ|箇)月(?:の|になる)"), "infant"),
        (re.compile(rf"({alt(rules.grades)})(?:学校)?{_NUM}(?:年生|年)?"), "grade"),
        (re.compile(_NUM + rf"代(?:の)?({alt(rules.decade_parts)})?"), "decade"),
        (re.compile(_NUM + rf"(?:歳|才)?(?:を)?({alt(rules.round_modifiers)})"), "round"),
        (re.compile(_NUM + r"(?:歳|才|さい)"), "years"),
        (re.compile(r"[(（]" + _NUM + r"(?:歳|才)?[)）]"), "bare"),
        (re.compile(alt(rules.life_stages)), "stage"),
    ]


def _range(kind: str, m: re.Match[str], rules: AgeRules) -> tuple[int, int] | None:
    if kind == "infant":
        return 0, 0
    if kind == "stage":
        return rules.life_stages[m.group()]
    if kind == "grade":
        base, year = rules.grades[m.group(1)], to_int(m.group(2))
        return (base + year - 1, base + year) if 1 <= year <= 6 else None
    n = to_int(m.group(1))
    if kind == "decade":
        low, high = rules.decade_parts.get(m.group(2) or "", (0, 9))
        return (n + low, n + high) if n % 10 == 0 and n >= 10 else None
    if kind == "round":
        if n % 10:
            return None
        low, high = rules.round_modifiers[m.group(2)]
        return n + low, n + high
    return (n, n) if n <= 120 else None


def find_ages(text: str, rules: AgeRules) -> list[AgeSpan]:
    """Non-overlapping age expressions of ``text``, the more specific pattern first."""
    found: list[AgeSpan] = []
    taken: set[int] = set()
    for pattern, kind in _patterns(rules):
        for m in pattern.finditer(text):
            span = set(range(m.start(), m.end()))
            value = _range(kind, m, rules)
            if value is None or span & taken:
                continue
            taken |= span
            found.append(AgeSpan(m.start(), m.end(), value[0], value[1], bare=kind == "bare"))
    return sorted(found, key=lambda a: a.start)
