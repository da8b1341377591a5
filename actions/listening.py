"""Listening: say back what was heard, ask one open question, keep the household.

「どんな支援が必要か」の前に「まず悩んでいる実情を聴く」: no counters here yet.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.common import ensure_notice, intake_of, latest_text, say
from actions.household_state import TurnResult, merge_turn


def fold_turn(tracker: Tracker) -> tuple[TurnResult, list[EventType]]:
    """Merge the latest message into the household slots; return the result and events."""
    result = merge_turn(
        tracker.get_slot("household"), tracker.get_slot("categories"), tracker.get_slot("writer"),
        tracker.get_slot("crisis"), intake_of(tracker), latest_text(tracker),
    )
    events: list[EventType] = [
        SlotSet("household", result.household),
        SlotSet("categories", result.categories),
        SlotSet("writer", result.writer),
        SlotSet("crisis", result.crisis),
    ]
    return result, events


def summarize(dispatcher: CollectingDispatcher, household: list[dict[str, Any]],
              categories: list[str]) -> list[EventType]:
    """Show the summary and ask whether it is right (stage → summary)."""
    if not household and not categories:
        say(dispatcher, "summary", "nothing_yet")
        say(dispatcher, "opening", "invite")
        return [SlotSet("stage", "listening")]
    dispatcher.utter_message(text=wording.summary_text(household, categories))
    dispatcher.utter_message(text=wording.text("summary", "question"),
                             buttons=wording.buttons(wording.text("summary", "buttons")))
    return [SlotSet("stage", "summary")]


def listen(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """One listening turn; after a summary the same message is taken as a correction."""
    events = ensure_notice(dispatcher, tracker)
    result, slot_events = fold_turn(tracker)
    events += slot_events
    reflection = wording.reflection(result)
    if tracker.get_slot("stage") == "summary":
        dispatcher.utter_message(text=reflection)
        return events + summarize(dispatcher, result.household, result.categories)
    turn = int(tracker.get_slot("listen_turns") or 0)
    dispatcher.utter_message(
        text=f"{reflection}\n{wording.follow_up(turn)}",
        buttons=wording.buttons([wording.text("listening", "done_button")]),
    )
    return [*events, SlotSet("listen_turns", float(turn + 1)), SlotSet("stage", "listening")]


class ActionReflect(Action):
    """A worry or a correction: acknowledge it in its own words, one open question."""

    def name(self) -> str:
        return "action_reflect"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        return listen(dispatcher, tracker)
