"""Handoff: one custom message ``{"handoff": record}`` (contract §6), then what happens next.

The gateway stores the record (idempotently by its id) before it passes the following
text replies on, so the resident is told "passed on" only once it is stored.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.common import is_easy
from actions.handoff_record import build_record, record_id_for

SLOTS = ("consent", "contact", "household", "categories", "crisis", "counters_explained", "writer",
         "concerned_person_aware", "no_contact_times")


class ActionHandoff(Action):
    """Send the record, then tell the resident what happens next."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        consent = tracker.get_slot("consent") or {}
        easy = is_easy(tracker)
        if consent.get("share_with_staff") is not True:  # never without consent
            dispatcher.utter_message(text=wording.text("dialogue", "after_refusal", easy))
            return [SlotSet("stage", "refused")]
        record = build_record(
            {name: tracker.get_slot(name) for name in SLOTS},
            tracker.events,
            tracker.get_latest_input_channel(),
            (tracker.latest_message or {}).get("metadata"),
            record_id=record_id_for(tracker.sender_id, consent),
        )
        dispatcher.utter_message(json_message={"handoff": record})
        if record["no_contact_times"]:
            saved = wording.text("consent", "no_contact_saved", easy)
            dispatcher.utter_message(text=saved.format(times=record["no_contact_times"]))
        done = "handoff_done_no_contact" if record["contact"]["preferred"] == "none" else "handoff_done"
        dispatcher.utter_message(text=wording.text("dialogue", done, easy))
        return [SlotSet("handoff_id", record["id"]), SlotSet("stage", "done")]
