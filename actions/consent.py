"""Consent: one clear sentence, stored verbatim; then the contact preference."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.common import ask_consent, ensure_notice, latest_text
from actions.contact import phone_number, preference_of


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _wording_shown(tracker: Tracker) -> str:
    consent = tracker.get_slot("consent") or {}
    return consent.get("wording") or wording.text("consent", "question")


class ActionAskConsent(Action):
    """Ask whether the conversation may be passed to the city's staff."""

    def name(self) -> str:
        return "action_ask_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        return ensure_notice(dispatcher, tracker) + ask_consent(dispatcher)


class ActionConsentGiven(Action):
    """「はい」: record the consent with its time and exact wording, ask how to reach them."""

    def name(self) -> str:
        return "action_consent_given"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        consent = {"share_with_staff": True, "at": now_iso(), "wording": _wording_shown(tracker)}
        dispatcher.utter_message(text=wording.text("consent", "contact_question"),
                                 buttons=wording.buttons(wording.text("consent", "contact_buttons")))
        return [SlotSet("consent", consent), SlotSet("stage", "contact")]


class ActionConsentRefused(Action):
    """「いいえ」: nothing is handed over, and what was collected is let go (P1)."""

    def name(self) -> str:
        return "action_consent_refused"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        consent = {"share_with_staff": False, "at": now_iso(), "wording": _wording_shown(tracker)}
        names = list(tracker.get_slot("counters_explained") or [])
        lines = [wording.text("dialogue", "consent_refused")]
        if names:
            lines.append(wording.text("dialogue", "direct_counters").format(names="、".join(names)))
        else:
            lines.append(wording.text("dialogue", "direct_any"))
        lines += [wording.text("counters", "where"), wording.text("dialogue", "after_refusal")]
        dispatcher.utter_message(text="\n".join(lines))
        return [
            SlotSet("consent", consent),
            SlotSet("household", []),
            SlotSet("categories", []),
            SlotSet("writer", None),
            SlotSet("stage", "refused"),
        ]


class ActionSetContact(Action):
    """LINE / 電話 / 訪問 / 連絡はいらない, and a phone number when they give one."""

    def name(self) -> str:
        return "action_set_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        text = latest_text(tracker)
        if tracker.get_slot("stage") == "contact_detail":
            contact = {"preferred": "phone", "detail": phone_number(text) or ""}
            return [SlotSet("contact", contact), SlotSet("stage", "handoff")]
        preferred = preference_of(text)
        if preferred is None:
            dispatcher.utter_message(text=wording.text("consent", "contact_question"),
                                     buttons=wording.buttons(wording.text("consent", "contact_buttons")))
            return [SlotSet("stage", "contact")]
        number = phone_number(text) if preferred == "phone" else None
        if preferred == "phone" and not number:
            dispatcher.utter_message(text=wording.text("consent", "phone_question"),
                                     buttons=wording.buttons(wording.text("consent", "phone_buttons")))
            return [SlotSet("contact", {"preferred": "phone", "detail": ""}),
                    SlotSet("stage", "contact_detail")]
        return [SlotSet("contact", {"preferred": preferred, "detail": number or ""}),
                SlotSet("stage", "handoff")]
