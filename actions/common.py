"""Small pieces every feature action shares: the notice, the pending question, slots."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording


def intake_of(tracker: Tracker) -> dict[str, Any]:
    """The NLU result of the latest message (architecture: latest_message["intake"])."""
    intake = (tracker.latest_message or {}).get("intake")
    return intake if isinstance(intake, dict) else {}


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def say(dispatcher: CollectingDispatcher, name: str, key: str) -> None:
    """Utter one text of knowledge/wording/<name>.yaml."""
    dispatcher.utter_message(text=wording.text(name, key))


def ensure_notice(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Show the notice (reliability C5) unless it was shown in this conversation."""
    if tracker.get_slot("notice_shown"):
        return []
    say(dispatcher, "opening", "notice")
    return [SlotSet("notice_shown", True)]


def ask_consent(dispatcher: CollectingDispatcher) -> list[EventType]:
    """The one consent sentence with はい／いいえ; its exact text goes into the record."""
    question = wording.text("consent", "question")
    dispatcher.utter_message(text=question, buttons=wording.buttons(wording.text("consent", "buttons")))
    return [SlotSet("consent", {"share_with_staff": None, "at": None, "wording": question}),
            SlotSet("stage", "consent")]


def ask_pending(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Ask again the question the conversation is waiting for, so no answer is a dead end."""
    stage = tracker.get_slot("stage")
    if stage == "summary":
        dispatcher.utter_message(text=wording.text("summary", "reprompt"),
                                 buttons=wording.buttons(wording.text("summary", "buttons")))
    elif stage == "consent":
        consent = tracker.get_slot("consent") or {}
        question = consent.get("wording") or wording.text("consent", "question")
        dispatcher.utter_message(text=question, buttons=wording.buttons(wording.text("consent", "buttons")))
    elif stage == "contact":
        dispatcher.utter_message(text=wording.text("consent", "contact_question"),
                                 buttons=wording.buttons(wording.text("consent", "contact_buttons")))
    elif stage == "contact_detail":
        dispatcher.utter_message(text=wording.text("consent", "phone_question"),
                                 buttons=wording.buttons(wording.text("consent", "phone_buttons")))
    elif stage == "done":
        say(dispatcher, "dialogue", "after_handoff")
    elif stage == "refused":
        say(dispatcher, "dialogue", "after_refusal")
    else:
        say(dispatcher, "opening", "invite")
