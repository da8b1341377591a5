"""Counters: which fit and why, from the knowledge pack, in plain Japanese."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import sources, wording
from actions.common import is_easy


class ActionExplainCounters(Action):
    """Say what each fitting counter does (never what the resident will get)."""

    def name(self) -> str:
        return "action_explain_counters"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        categories = list(tracker.get_slot("categories") or [])
        easy = is_easy(tracker)
        items, where = sources.counters_for(categories, easy)
        text = wording.counters_text([(name, explanation, "") for name, explanation, _ in items],
                                     multi=len(set(categories)) >= 2, where=where, easy=easy)
        dispatcher.utter_message(text=text)
        names = list(dict.fromkeys(name for name, _, _ in items))
        return [SlotSet("counters_explained", names)]
