"""Safety for people at risk at home (DV, abuse): short notes, and when NOT to contact them.

The notes (clearing the LINE or browser history, notification previews, the web chat's
「すぐに閉じる」) are shown once, after the crisis numbers where those apply. The times
when the city must not contact the resident are asked once, at the contact step, and go
into the handoff record as ``no_contact_times`` (the resident's words, or null).
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.common import ask, easy_events, latest_text
from actions.handoff_record import channel_of
from actions.household_state import normalise

RISK_CATEGORIES = frozenset({"dv", "child_protection"})
RISK_CRISIS_TYPES = frozenset({"violence", "abuse"})
MAX_TIMES_CHARS = 300
_PUNCTUATION = "。、．，.,!！?？…・「」"


def at_risk_at_home(categories: list[str] | None, crisis: dict[str, Any] | None) -> bool:
    """DV or abuse in what was told (categories) or in a crisis message (types)."""
    types = set((crisis or {}).get("types") or [])
    return bool(RISK_CATEGORIES & set(categories or []) or RISK_CRISIS_TYPES & types)


def notes_text(channel: str, easy: bool = False) -> str:
    """The intro and the notes for the channel the resident writes from."""
    notes: dict[str, list[str]] = wording.text("safety", "notes", easy)
    lines = [wording.text("safety", "intro", easy)]
    button = wording.text("safety", "button")  # the page's own label, a name
    lines += [f"・{note.format(button=button)}" for note in notes.get(channel, []) + notes.get("any", [])]
    return "\n".join(lines)


def channel_from(tracker: Tracker) -> str:
    return channel_of(tracker.get_latest_input_channel(), (tracker.latest_message or {}).get("metadata"))


def notes_if_needed(tracker: Tracker, categories: list[str] | None, crisis: dict[str, Any] | None,
                    easy: bool) -> tuple[str, list[EventType]]:
    """The notes once per conversation when someone is at risk; ("", []) otherwise."""
    if tracker.get_slot("safety_shown") or not at_risk_at_home(categories, crisis):
        return "", []
    return notes_text(channel_from(tracker), easy), [SlotSet("safety_shown", True)]


def needs_no_contact_question(tracker: Tracker, preferred: str) -> bool:
    """Asked once, when someone is at risk and the city is to contact them at all."""
    return (preferred != "none" and not tracker.get_slot("no_contact_asked")
            and at_risk_at_home(tracker.get_slot("categories"), tracker.get_slot("crisis")))


def ask_no_contact(dispatcher: CollectingDispatcher, tracker: Tracker, easy: bool) -> list[EventType]:
    """The notes (if not yet shown), then the one question with 「特にない」."""
    notes, events = notes_if_needed(tracker, tracker.get_slot("categories"), tracker.get_slot("crisis"), easy)
    if notes:
        dispatcher.utter_message(text=notes)
    ask(dispatcher, "consent", "no_contact_question", "no_contact_buttons", easy)
    return [*events, SlotSet("no_contact_asked", True), SlotSet("stage", "no_contact")]


def no_contact_times_of(text: str) -> str | None:
    """The resident's words as written, or None for 「特にない」「ありません」 and the like."""
    compact = "".join(c for c in normalise(text) if not c.isspace() and c not in _PUNCTUATION)
    if not compact or text.strip().startswith("/"):
        return None
    none_words: list[str] = wording.text("consent", "no_contact_none_words")
    if compact in none_words or compact.startswith(("特にな", "とくにな", "特にあり", "とくにあり")):
        return None
    return text.strip()[:MAX_TIMES_CHARS]


class ActionSetNoContact(Action):
    """The answer to 「連絡してはいけない時間は？」: kept verbatim for the handoff."""

    def name(self) -> str:
        return "action_set_no_contact"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        # Said nothing yet: action_handoff follows at once, and its record must come first
        # (the gateway stores it before it passes any text on); it acknowledges the times.
        times = no_contact_times_of(latest_text(tracker))
        return [*easy_events(tracker), SlotSet("no_contact_times", times), SlotSet("stage", "handoff")]
