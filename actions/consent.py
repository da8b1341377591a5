"""Consent: one clear sentence, stored verbatim; then the contact preference."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import safety, wording
from actions.common import ask, ask_consent, consent_question, ensure_notice, is_easy, latest_text
from actions.contact import phone_number, preference_of


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _wording_shown(tracker: Tracker) -> str:
    consent = tracker.get_slot("consent") or {}
    return consent.get("wording") or consent_question(tracker.get_slot("writer"), is_easy(tracker))


class ActionAskConsent(Action):
    """Ask whether the conversation may be passed to the city's staff."""

    def name(self) -> str:
        return "action_ask_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        return ensure_notice(dispatcher, tracker) + ask_consent(dispatcher, tracker)


class ActionConsentGiven(Action):
    """「はい」: record the consent with its time and exact wording, ask how to reach them."""

    def name(self) -> str:
        return "action_consent_given"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        consent = {"share_with_staff": True, "at": now_iso(), "wording": _wording_shown(tracker)}
        ask(dispatcher, "consent", "contact_question", "contact_buttons", is_easy(tracker))
        return [SlotSet("consent", consent), SlotSet("stage", "contact")]


class ActionConsentRefused(Action):
    """「いいえ」: nothing is handed over, and what was collected is let go (P1)."""

    def name(self) -> str:
        return "action_consent_refused"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        easy = is_easy(tracker)
        consent = {"share_with_staff": False, "at": now_iso(), "wording": _wording_shown(tracker)}
        names = list(tracker.get_slot("counters_explained") or [])
        lines = [wording.text("dialogue", "consent_refused", easy)]
        if names:
            lines.append(wording.text("dialogue", "direct_counters", easy).format(names="、".join(names)))
        else:
            lines.append(wording.text("dialogue", "direct_any", easy))
        lines += [wording.text("counters", "where", easy), wording.text("dialogue", "after_refusal", easy)]
        dispatcher.utter_message(text="\n".join(lines))
        return [
            SlotSet("consent", consent),
            SlotSet("household", []),
            SlotSet("categories", []),
            SlotSet("writer", None),
            SlotSet("concerned_person_aware", None),
            SlotSet("no_contact_times", None),
            SlotSet("stage", "refused"),
        ]


class ActionSetContact(Action):
    """LINE / 電話 / 訪問 / 連絡はいらない, and a phone number when they give one."""

    def name(self) -> str:
        return "action_set_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        text = latest_text(tracker)
        easy = is_easy(tracker)
        if tracker.get_slot("stage") == "contact_detail":
            contact = {"preferred": "phone", "detail": phone_number(text) or ""}
            return [SlotSet("contact", contact), *_next_step(dispatcher, tracker, "phone", easy)]
        preferred = preference_of(text)
        if preferred is None:
            ask(dispatcher, "consent", "contact_question", "contact_buttons", easy)
            return [SlotSet("stage", "contact")]
        number = phone_number(text) if preferred == "phone" else None
        if preferred == "phone" and not number:
            ask(dispatcher, "consent", "phone_question", "phone_buttons", easy)
            return [SlotSet("contact", {"preferred": "phone", "detail": ""}),
                    SlotSet("stage", "contact_detail")]
        return [SlotSet("contact", {"preferred": preferred, "detail": number or ""}),
                *_next_step(dispatcher, tracker, preferred, easy)]


def _next_step(dispatcher: CollectingDispatcher, tracker: Tracker, preferred: str,
               easy: bool) -> list[EventType]:
    """The handoff, or first the times when the city must NOT contact someone at risk."""
    if safety.needs_no_contact_question(tracker, preferred):
        return safety.ask_no_contact(dispatcher, tracker, easy)
    return [SlotSet("stage", "handoff")]
