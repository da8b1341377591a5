"""Reliability C4: no eligibility decision, diagnosis, judgement or promise anywhere.

Scans every response in bot/domain, every wording template in knowledge/wording and
knowledge/wording_easy, and what every action says (plain and easy) on recorded trackers.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from actions.concerned import ActionSetAware
from actions.consent import ActionAskConsent, ActionConsentGiven, ActionConsentRefused, ActionSetContact
from actions.counters import ActionExplainCounters
from actions.crisis import ActionCrisis
from actions.fallback import ActionFallback
from actions.handoff import ActionHandoff
from actions.listening import ActionReflect
from actions.safety import ActionSetNoContact
from actions.smalltalk import (
    ActionAskPending,
    ActionGreet,
    ActionRestart,
    ActionShortAnswer,
    ActionUseEasyJapanese,
)
from actions.summary import ActionAskFix, ActionSummarize
from knowledge.codes import CATEGORIES
from tests.actions.factories import intake, make_tracker, member, run

ROOT = Path(__file__).resolve().parents[2]
DENY = re.compile(
    r"受けられます|受けられる|対象です|対象になります|対象外|該当します|該当しません|診断|必ず|保証|"
    r"通報します|通報する|病です|病気です|障害です|障がいです|認定されます|支給されます|もらえます|"
    r"利用できます|あなたが悪い|あなたのせい|べきです|間違っています"
)


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def domain_texts():
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variations in (data.get("responses") or {}).items():
            for variation in variations:
                yield f"{path.name}:{name}", variation.get("text", "")


def wording_texts():
    for folder in ("wording", "wording_easy"):
        for path in sorted((ROOT / "knowledge" / folder).glob("*.yaml")):
            for text in strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
                yield f"{folder}/{path.name}", text


def action_texts():
    every = list(CATEGORIES)
    household = [member(r, {"min": 50, "max": 59}, [c], ["つらい"])
                 for r, c in zip(("mother", "son", "wife", "other"), every, strict=False)]
    slots = {"household": household, "categories": every, "writer": "family",
             "consent": {"share_with_staff": True, "at": "2026-11-28T00:00:00+00:00",
                         "wording": "…"},
             "contact": {"preferred": "line", "detail": ""},
             "crisis": {"level": "urgent", "types": ["suicide"]}}
    cases = []
    for easy in (False, True):
        first = make_tracker("…", nlu=intake(every, household, writer="family"),
                             slots={"notice_shown": False, "easy_japanese": easy})
        cases.append((ActionReflect(), first))
        for action in (ActionSummarize(), ActionAskFix(), ActionExplainCounters(), ActionAskConsent(),
                       ActionConsentGiven(), ActionConsentRefused(), ActionSetContact(), ActionHandoff(),
                       ActionGreet(), ActionAskPending(), ActionRestart(), ActionFallback(), ActionSetAware(),
                       ActionSetNoContact(), ActionShortAnswer(), ActionUseEasyJapanese()):
            for stage in ("listening", "aware", "summary", "consent", "contact", "no_contact", "done"):
                stage_slots = {**slots, "stage": stage, "easy_japanese": easy}
                cases.append((action, make_tracker("電話", slots=stage_slots)))
        for types in (["suicide"], ["violence"], ["abuse"], ["medical"], []):
            cases.append((ActionCrisis(), make_tracker("…", intent="crisis", nlu=intake(crisis_types=types),
                                                       slots={"easy_japanese": easy})))
    for action, tracker in cases:
        messages, _ = run(action, tracker)
        for message in messages:
            for text in strings(message):
                yield action.name(), text


@pytest.mark.parametrize("source", [domain_texts, wording_texts, action_texts])
def test_no_decision_diagnosis_or_promise(source):
    found = [(where, DENY.search(text).group(0), text) for where, text in source() if DENY.search(text)]
    assert found == []


def test_the_deny_list_catches_what_it_should():
    for bad in ("あなたは支援を受けられます", "介護保険の対象です", "うつ病です",
                "児相に通報します", "必ず助けます"):
        assert DENY.search(bad)
