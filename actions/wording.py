"""Japanese wording built from the templates in knowledge/ (no Rasa imports).

Templates are data that staff can review; this module only fills them in. Every reply
says back what was heard and never decides, diagnoses or promises.

やさしい日本語: every resident-facing file of ``knowledge/wording/`` has a twin with the
same keys in ``knowledge/wording_easy/``. :func:`templates` is the ONE place that picks
the variant (``easy=True``); every other function here takes ``easy`` and passes it on.
Files and keys that residents never read (``handoff.yaml`` for caseworkers, the words
that parse a reply) exist only in the plain directory: see :data:`NOT_SHOWN`.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from knowledge.datafile import KnowledgeError, load_yaml

KNOWLEDGE_DIR = Path(__file__).resolve().parents[1] / "knowledge"
WORDING_DIR = KNOWLEDGE_DIR / "wording"
EASY_DIR = KNOWLEDGE_DIR / "wording_easy"

# Wording that residents never read, so it has no easy twin: whole files (staff-facing)
# and single keys (data: words that parse a reply, the fallback hotline list).
NOT_SHOWN: dict[str, frozenset[str] | None] = {
    "handoff": None,
    "consent": frozenset({"contact_words", "no_contact_none_words"}),
    "crisis": frozenset({"fallback_hotlines"}),
    "writer": frozenset({"aware_words"}),
    "labels": frozenset({"writers"}),
    "safety": frozenset({"button"}),  # the page's own label, a name used in both
}


@cache
def templates(name: str, easy: bool = False) -> dict[str, Any]:
    """One wording file as a mapping, e.g. ``templates("listening", easy=True)``."""
    path = (EASY_DIR if easy else WORDING_DIR) / f"{name}.yaml"
    data = load_yaml(path)
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path.name}: must be a mapping at the top level")
    return data


def text(name: str, key: str, easy: bool = False) -> Any:
    """One entry of a wording file; KnowledgeError names the file and key if missing."""
    data = templates(name, easy)
    if key not in data:
        folder = "wording_easy" if easy else "wording"
        raise KnowledgeError(f"{folder}/{name}.yaml: {key}: required field is missing")
    return data[key]


def buttons(titles: list[str]) -> list[dict[str, str]]:
    """Quick replies: payload equals title (the gateway and the NLU see the same text)."""
    return [{"title": t, "payload": t} for t in titles]


def _relation(relation: str, easy: bool = False) -> dict[str, str]:
    relations = templates("labels", easy)["relations"]
    return relations.get(relation) or relations["other"]


def polite(relation: str, easy: bool = False) -> str:
    return _relation(relation, easy)["polite"]


def plain(relation: str) -> str:
    return _relation(relation)["plain"]


def worry(category: str, easy: bool = False) -> str:
    entry = templates("labels", easy)["categories"].get(category)
    return entry["worry"] if entry else category


def label(category: str, easy: bool = False) -> str:
    entry = templates("labels", easy)["categories"].get(category)
    return entry["label"] if entry else category


def writer_label(writer: str | None) -> str:
    writers = templates("labels")["writers"]
    return writers.get(writer or "unknown", writers["unknown"])


def age_text(age: dict[str, int] | None, easy: bool = False) -> str:
    """85–85 → 「85歳」, 80–89 → 「80代」, 12–15 → 「12〜15歳」 (easy: 「85さい」「80だい」)."""
    if not age:
        return ""
    low, high = age.get("min"), age.get("max")
    if low is None or high is None:
        return ""
    units = templates("labels", easy)["age_units"]
    if low == high:
        return f"{low}{units['years']}"
    if low % 10 == 0 and high == low + 9:
        return f"{low}{units['decade']}"
    return f"{low}〜{high}{units['years']}"


def reflection(result: Any, easy: bool = False) -> str:
    """Say back what this turn told (a household_state.TurnResult) in the resident's words."""
    tpl = templates("listening", easy)["reflection"]
    sentences: list[str] = []
    for _old, new in result.corrections:
        sentences.append(tpl["correction"].format(who=polite(new, easy)))
    for relation, age in result.ages:
        sentences.append(tpl["age"].format(who=polite(relation, easy), age=age_text(age, easy)))
    covered: set[str] = set()
    for member in result.new_members[:2]:
        who = polite(member["relation"], easy)
        if member["notes"]:
            quoted = "".join(tpl["quote"].format(note=n) for n in member["notes"][:2])
            sentences.append(tpl["member_note"].format(who=who, notes=quoted))
        elif member["categories"]:
            joined = tpl["joiner"].join(worry(c, easy) for c in member["categories"])
            sentences.append(tpl["member_only"].format(who=tpl["whose"].format(who=who, worries=joined)))
        elif member["age"] and member["relation"] not in {r for _, r in result.corrections}:
            sentences.append(tpl["age"].format(who=who, age=age_text(member["age"], easy)))
        elif not result.corrections and not result.ages:
            sentences.append(tpl["member_only"].format(who=who))
        covered.update(member["categories"])
    rest = [c for c in result.new_categories if c not in covered]
    if rest:
        sentences.append(tpl["worries"].format(worries=tpl["joiner"].join(worry(c, easy) for c in rest[:3])))
    if not sentences:
        sentences.append(tpl["nothing"])
    return "".join(sentences)


def follow_up(turn: int, easy: bool = False) -> str:
    """The one open question of a listening turn (0-based turn count)."""
    questions = templates("listening", easy)["follow_up"]
    return questions[min(turn, len(questions) - 1)]


def _person_worries(member: dict[str, Any], easy: bool = False) -> str:
    """「高齢・介護（「物忘れがひどくて」）」: the worries' names, then the resident's words."""
    tpl = templates("summary", easy)
    labels = tpl["separator"].join(label(c, easy) for c in member.get("categories") or [])
    quotes = "".join(tpl["quote"].format(note=n) for n in member.get("notes") or [])
    if labels and quotes:
        return tpl["with_words"].format(labels=labels, words=quotes)
    return labels or quotes or tpl["none_known"]


def summary_text(household: list[dict[str, Any]], categories: list[str], easy: bool = False) -> str:
    """The resident-facing summary: one line per person, the resident's own worries last."""
    tpl = templates("summary", easy)
    lines = [tpl["intro"]]
    on_members: set[str] = set()
    for member in household:
        age = age_text(member.get("age"), easy)
        lines.append(tpl["person_line"].format(
            who=polite(member["relation"], easy),
            age=tpl["age"].format(age=age) if age else "",
            worries=_person_worries(member, easy),
        ))
        on_members.update(member.get("categories") or [])
    own = [c for c in categories if c not in on_members]
    if own:
        lines.append(tpl["self_line"].format(worries=tpl["separator"].join(label(c, easy) for c in own)))
    return "\n".join(lines)


def counters_text(items: list[tuple[str, str, str]], multi: bool, where: str | None = None,
                  easy: bool = False) -> str:
    """``items`` = [(name, explanation, why)]: what each counter does and why it fits.

    ``where`` is the pack's wording for finding phone numbers and places (plain only:
    in easy mode the easy template's ``where`` is used).
    """
    tpl = templates("counters", easy)
    if easy:
        where = None
    where = where or tpl["where"]
    if not items:
        return "\n".join([tpl["none"], where])
    lines = [tpl["intro"]]
    for name, explanation, why in items:
        line = tpl["item"].format(name=name, explanation=explanation)
        if why:
            line += tpl["why"].format(why=why)
        lines.append(line)
    if multi:
        lines.append(tpl["multi"])
    lines.append(where)
    return "\n".join(lines)


def caseworker_summary(record: dict[str, Any]) -> str:
    """``summary_ja``: the few sentences a caseworker reads first."""
    tpl = templates("handoff")
    sentences = [tpl["writer"].format(writer=writer_label(record.get("writer")))]
    members = []
    for member in record.get("household") or []:
        age = age_text(member.get("age"))
        notes = list(member.get("notes") or [])
        worries = "、".join(notes + [label(c) for c in member.get("categories") or []])
        members.append(tpl["member"].format(
            who=plain(member["relation"]), age=age, worries=worries or "詳細未聴取",
        ).replace("（）", ""))
    sentences.append(tpl["household"].format(members="、".join(members)) if members else tpl["no_members"])
    categories = record.get("categories") or []
    if categories:
        sentences.append(tpl["worries"].format(labels="、".join(label(c) for c in categories)))
    if len(categories) >= 2:
        sentences.append(tpl["multi"])
    crisis = record.get("crisis") or {}
    if crisis.get("level") == "urgent":
        names = tpl["crisis_types"]
        types = "、".join(names.get(t, t) for t in crisis.get("types") or []) or "内容未特定"
        sentences.append(tpl["crisis"].format(types=types))
    if record.get("writer") in ("family", "neighbour", "professional"):
        aware = record.get("concerned_person_aware")
        sentences.append(tpl["aware"]["unknown" if aware is None else ("yes" if aware else "no")])
    preferred = (record.get("contact") or {}).get("preferred")
    if preferred:
        sentences.append(tpl["contact"].format(contact=tpl["contact_labels"].get(preferred, preferred)))
    if record.get("no_contact_times"):
        sentences.append(tpl["no_contact"].format(times=record["no_contact_times"]))
    return "".join(sentences)
