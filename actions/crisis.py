"""Crisis: the fitting emergency numbers first, then continue or hand over now."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import safety, sources, wording
from actions.common import ask, ensure_notice, is_easy
from actions.listening import fold_turn


class ActionCrisis(Action):
    """Answer an urgent message at once, at any turn, and flag the conversation."""

    def name(self) -> str:
        return "action_crisis"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        easy = is_easy(tracker)
        result, events = fold_turn(tracker)
        crisis = {"level": "urgent", "types": list(result.crisis.get("types") or [])}
        lines = [wording.text("crisis", "intro", easy)]
        for name, number in sources.hotlines_for(crisis["types"]):
            lines.append(wording.text("crisis", "line", easy).format(name=name, number=number))
        dispatcher.utter_message(text="\n".join(lines))
        dispatcher.utter_message(json_message={"crisis": crisis})
        events = [e for e in events if e.get("name") != "crisis"] + [SlotSet("crisis", crisis)]
        # After the numbers: how to stay safe while writing, when someone is at risk at home.
        notes, safety_events = safety.notes_if_needed(tracker, result.categories, crisis, easy)
        if notes:
            dispatcher.utter_message(text=notes)
        events += safety_events
        events += ensure_notice(dispatcher, tracker)
        dispatcher.utter_message(text=wording.text("crisis", "after", easy))
        ask(dispatcher, "crisis", "question", "buttons", easy)
        return [*events, SlotSet("stage", "listening")]
