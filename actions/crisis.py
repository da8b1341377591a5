"""Crisis: the fitting emergency numbers first, then continue or hand over now."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import sources, wording
from actions.common import ensure_notice
from actions.listening import fold_turn


class ActionCrisis(Action):
    """Answer an urgent message at once, at any turn, and flag the conversation."""

    def name(self) -> str:
        return "action_crisis"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        result, events = fold_turn(tracker)
        crisis = {"level": "urgent", "types": list(result.crisis.get("types") or [])}
        lines = [wording.text("crisis", "intro")]
        for name, number in sources.hotlines_for(crisis["types"]):
            lines.append(wording.text("crisis", "line").format(name=name, number=number))
        dispatcher.utter_message(text="\n".join(lines))
        dispatcher.utter_message(json_message={"crisis": crisis})
        events = [e for e in events if e.get("name") != "crisis"] + [SlotSet("crisis", crisis)]
        events += ensure_notice(dispatcher, tracker)
        dispatcher.utter_message(text=wording.text("crisis", "after"))
        dispatcher.utter_message(text=wording.text("crisis", "question"),
                                 buttons=wording.buttons(wording.text("crisis", "buttons")))
        return [*events, SlotSet("stage", "listening")]
