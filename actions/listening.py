"""Listening: say back what was heard, ask one open question, keep the household.

「どんな支援が必要か」の前に「まず悩んでいる実情を聴く」: no counters here yet.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import safety, wording
from actions.common import ask, ensure_notice, intake_of, is_easy, latest_text, say, writes_for_someone_else
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
              categories: list[str], easy: bool = False) -> list[EventType]:
    """Show the summary and ask whether it is right (stage → summary)."""
    if not household and not categories:
        say(dispatcher, "summary", "nothing_yet", easy)
        say(dispatcher, "opening", "invite", easy)
        return [SlotSet("stage", "listening")]
    dispatcher.utter_message(text=wording.summary_text(household, categories, easy))
    dispatcher.utter_message(text=wording.text("summary", "question", easy),
                             buttons=wording.buttons(wording.text("summary", "buttons", easy)))
    return [SlotSet("stage", "summary")]


def listen(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """One listening turn; after a summary the same message is taken as a correction.

    Asked at most once each, one question per turn: someone writing for another person
    is thanked and asked whether that person knows (contract §9); a household where
    someone is at risk (DV, abuse) first gets short safety notes with the reflection.
    """
    first_contact = not tracker.get_slot("notice_shown")
    events = ensure_notice(dispatcher, tracker)
    easy = is_easy(tracker)
    result, slot_events = fold_turn(tracker)
    events += slot_events
    reflection = wording.reflection(result, easy)
    if tracker.get_slot("stage") == "summary":
        dispatcher.utter_message(text=reflection)
        return events + summarize(dispatcher, result.household, result.categories, easy)
    notes, safety_events = safety.notes_if_needed(tracker, result.categories, result.crisis, easy)
    events += safety_events
    if notes:
        dispatcher.utter_message(text=f"{reflection}\n{notes}")
        reflection = ""
    if writes_for_someone_else(result.writer) and not tracker.get_slot("aware_asked"):
        thanks = wording.text("writer", "thanks_other", easy)
        ask(dispatcher, "writer", "aware_question", "aware_buttons", easy,
            before="\n".join(filter(None, [reflection, thanks])))
        return [*events, SlotSet("aware_asked", True), SlotSet("stage", "aware")]
    turn = int(tracker.get_slot("listen_turns") or 0)
    titles = [wording.text("listening", "done_button", easy)]
    if first_contact and not easy:
        titles.append(wording.text("opening", "easy_button"))
    dispatcher.utter_message(
        text="\n".join(filter(None, [reflection, wording.follow_up(turn, easy)])),
        buttons=wording.buttons(titles),
    )
    return [*events, SlotSet("listen_turns", float(turn + 1)), SlotSet("stage", "listening")]


class ActionReflect(Action):
    """A worry or a correction: acknowledge it in its own words, one open question."""

    def name(self) -> str:
        return "action_reflect"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        return listen(dispatcher, tracker)
