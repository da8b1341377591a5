"""Merging what the resident tells across turns (no Rasa imports).

Each turn brings the NLU's ``intake`` (contract §2–3, §9). The dialogue keeps one
household: members are matched by relation, their ages, categories and notes merge, and
the resident's corrections (「兄じゃなくて弟です」「母は70代です」) update what was said.
"""
from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

# Kinship words seen in corrections, longest first so that 義母 wins over 母.
_RELATION_WORDS: dict[str, str] = {
    "お義母さん": "mother_in_law", "義理の母": "mother_in_law", "義母": "mother_in_law",
    "姑": "mother_in_law",
    "お義父さん": "father_in_law", "義理の父": "father_in_law", "義父": "father_in_law",
    "舅": "father_in_law",
    "お母さん": "mother", "お母さま": "mother", "母親": "mother", "おかん": "mother", "実母": "mother",
    "ママ": "mother", "母": "mother",
    "お父さん": "father", "お父さま": "father", "父親": "father", "親父": "father", "おやじ": "father",
    "パパ": "father", "父": "father",
    "旦那": "husband", "主人": "husband", "夫": "husband",
    "奥さん": "wife", "家内": "wife", "嫁": "wife", "妻": "wife",
    "長男": "son", "次男": "son", "三男": "son", "息子": "son",
    "長女": "daughter", "次女": "daughter", "三女": "daughter", "娘": "daughter",
    "うちの子": "child", "子ども": "child", "子供": "child",
    "おばあちゃん": "grandmother", "ばあちゃん": "grandmother", "祖母": "grandmother",
    "おじいちゃん": "grandfather", "じいちゃん": "grandfather", "祖父": "grandfather",
    "孫": "grandchild",
    "お兄さん": "older_brother", "兄貴": "older_brother", "兄": "older_brother",
    "お姉さん": "older_sister", "姉": "older_sister",
    "弟": "younger_brother", "妹": "younger_sister",
}
_WORDS_BY_LENGTH = sorted(_RELATION_WORDS, key=len, reverse=True)
_WORD_PATTERN = "|".join(re.escape(w) for w in _WORDS_BY_LENGTH)

_CORRECTION = re.compile(
    rf"({_WORD_PATTERN})(?:さん|さま)?(?:じゃなくて|じゃなく|ではなくて|ではなく|でなくて|でなく|じゃないです[、。]?|ではありません[、。]?)"
    rf"[\s、,。]*(?:本当は|正しくは)?(?:うちの)?({_WORD_PATTERN})"
)
_AGE = re.compile(
    rf"({_WORD_PATTERN})(?:さん|さま)?(?:は|が|の年齢は|の年は)\s*(\d{{1,3}})\s*(歳|才|代)"
)


_CLAUSE_END = "、。，．,.!！?？\n"
MAX_CLAUSE = 40


def clause(note: str, text: str) -> str:
    """The resident's own clause around an NLU note, verbatim (never conjugated):
    the note 「介護をし」 in 「母の介護をしています」 becomes 「介護をしています」.
    """
    plain = note.strip()
    start = text.find(plain)
    if not plain or start < 0:
        return plain.rstrip(_CLAUSE_END)
    end = start + len(plain)
    while end < len(text) and text[end] not in _CLAUSE_END and end - start < MAX_CLAUSE:
        end += 1
    return text[start:end]


@dataclass
class TurnResult:
    """The state after one turn and what this turn changed (for the reflection)."""

    household: list[dict[str, Any]]
    categories: list[str]
    writer: str
    crisis: dict[str, Any]
    new_members: list[dict[str, Any]] = field(default_factory=list)
    corrections: list[tuple[str, str]] = field(default_factory=list)
    ages: list[tuple[str, dict[str, int]]] = field(default_factory=list)
    new_categories: list[str] = field(default_factory=list)

    @property
    def heard_anything(self) -> bool:
        return bool(self.new_members or self.corrections or self.ages or self.new_categories)


def normalise(text: str) -> str:
    """NFKC (full-width digits and letters become ASCII)."""
    return unicodedata.normalize("NFKC", text or "")


def relation_of(word: str) -> str | None:
    """The relation code of a kinship word, or None."""
    return _RELATION_WORDS.get(word)


def parse_corrections(text: str) -> list[tuple[str, str]]:
    """``[(wrong_relation, right_relation)]`` from 「兄じゃなくて弟です」-style sentences."""
    found = []
    for match in _CORRECTION.finditer(normalise(text)):
        old, new = _RELATION_WORDS[match.group(1)], _RELATION_WORDS[match.group(2)]
        if old != new:
            found.append((old, new))
    return found


def parse_ages(text: str) -> list[tuple[str, dict[str, int]]]:
    """``[(relation, {"min", "max"})]`` from 「母は70代です」「父は85歳です」."""
    found = []
    for match in _AGE.finditer(normalise(text)):
        number = int(match.group(2))
        if match.group(3) == "代":
            age = {"min": number, "max": number + 9}
        else:
            age = {"min": number, "max": number}
        found.append((_RELATION_WORDS[match.group(1)], age))
    return found


def _clean_member(member: dict[str, Any]) -> dict[str, Any]:
    age = member.get("age")
    return {
        "relation": member.get("relation") or "other",
        "age": dict(age) if isinstance(age, dict) else None,
        "categories": list(member.get("categories") or []),
        "notes": list(member.get("notes") or []),
    }


def _union(first: list[str], second: list[str]) -> list[str]:
    result = list(first)
    for item in second:
        if item not in result:
            result.append(item)
    return result


def _merge_into(target: dict[str, Any], member: dict[str, Any]) -> None:
    if member.get("age"):
        target["age"] = dict(member["age"])
    target["categories"] = _union(target["categories"], member.get("categories") or [])
    target["notes"] = _union(target["notes"], member.get("notes") or [])


def merge_crisis(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any]:
    """Urgent once means urgent for the conversation; types accumulate."""
    old = old or {}
    new = new or {}
    urgent = "urgent" in (old.get("level"), new.get("level"))
    types = _union(list(old.get("types") or []), list(new.get("types") or []))
    return {"level": "urgent" if urgent else "none", "types": types}


def merge_turn(
    household: list[dict[str, Any]] | None,
    categories: list[str] | None,
    writer: str | None,
    crisis: dict[str, Any] | None,
    intake: dict[str, Any] | None,
    text: str,
) -> TurnResult:
    """Fold one message (its text and the NLU's intake) into the conversation state."""
    intake = intake or {}
    members = [_clean_member(m) for m in (household or [])]
    corrections = parse_corrections(text)
    wrong = {old for old, _ in corrections}

    for old, new in corrections:
        target = next((m for m in members if m["relation"] == old), None)
        if target is not None:
            target["relation"] = new
        elif not any(m["relation"] == new for m in members):
            members.append(_clean_member({"relation": new}))

    matched: set[int] = set()
    new_members = []
    for raw in intake.get("members") or []:
        member = _clean_member(raw)
        member["notes"] = list(dict.fromkeys(clause(n, text) for n in member["notes"] if n.strip()))
        if member["relation"] in wrong:
            continue  # the relation the resident just said was wrong
        index = next(
            (i for i, m in enumerate(members) if m["relation"] == member["relation"] and i not in matched),
            None,
        )
        if index is None:
            members.append(member)
            index = len(members) - 1
        else:
            _merge_into(members[index], member)
        matched.add(index)
        new_members.append(member)

    ages = []
    given = {m["relation"] for m in new_members if m["age"]}
    for relation, age in parse_ages(text):
        if relation in given:
            continue
        target = next((m for m in members if m["relation"] == relation), None)
        if target is None:
            target = _clean_member({"relation": relation})
            members.append(target)
        target["age"] = age
        ages.append((relation, age))

    old_categories = list(categories or [])
    turn_categories = _union(list(intake.get("categories") or []),
                             [c for m in new_members for c in m["categories"]])
    all_categories = _union(old_categories, turn_categories)

    new_writer = intake.get("writer")
    if writer and writer != "unknown":
        merged_writer = writer
    else:
        merged_writer = new_writer or writer or "unknown"

    return TurnResult(
        household=members,
        categories=all_categories,
        writer=merged_writer,
        crisis=merge_crisis(crisis, intake.get("crisis")),
        new_members=copy.deepcopy(new_members),
        corrections=corrections,
        ages=ages,
        new_categories=turn_categories,
    )


def has_content(intake: dict[str, Any] | None, text: str = "") -> bool:
    """Whether a message tells something about the household or a worry."""
    intake = intake or {}
    return bool(intake.get("categories") or has_fix(intake, text))


def has_fix(intake: dict[str, Any] | None, text: str) -> bool:
    """Whether a short answer (「いいえ、母は70代です」) also says who or what to fix."""
    return bool((intake or {}).get("members") or parse_corrections(text) or parse_ages(text))
