"""Small pieces every feature action shares: the notice, easy Japanese, the pending question."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.handoff_record import FOR_SOMEONE_ELSE
from knowledge.easy_japanese import looks_easy

CHOOSE_EASY_INTENT = "choose_easy"


def intake_of(tracker: Tracker) -> dict[str, Any]:
    """The NLU result of the latest message (architecture: latest_message["intake"])."""
    intake = (tracker.latest_message or {}).get("intake")
    return intake if isinstance(intake, dict) else {}


def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def is_easy(tracker: Tracker) -> bool:
    """やさしい日本語 for this answer: chosen or detected before, or this message is easy.

    Once on, it stays on for the conversation (the slot ``easy_japanese``).
    """
    if tracker.get_slot("easy_japanese"):
        return True
    text = latest_text(tracker)
    if latest_intent(tracker) == CHOOSE_EASY_INTENT:
        return True
    return bool(text) and not text.startswith("/") and looks_easy(text)


def easy_events(tracker: Tracker) -> list[EventType]:
    """Set the slot the first time easy Japanese is chosen or detected."""
    if not tracker.get_slot("easy_japanese") and is_easy(tracker):
        return [SlotSet("easy_japanese", True)]
    return []


def say(dispatcher: CollectingDispatcher, name: str, key: str, easy: bool = False) -> None:
    """Utter one text of knowledge/wording/<name>.yaml (or its easy twin)."""
    dispatcher.utter_message(text=wording.text(name, key, easy))


def ensure_notice(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Every turn's start: remember easy Japanese when it is detected, and show the notice
    (reliability C5) unless it was shown in this conversation.
    """
    events = easy_events(tracker)
    if tracker.get_slot("notice_shown"):
        return events
    say(dispatcher, "opening", "notice", is_easy(tracker))
    return [*events, SlotSet("notice_shown", True)]


def writes_for_someone_else(writer: str | None) -> bool:
    return writer in FOR_SOMEONE_ELSE


def consent_question(writer: str | None, easy: bool = False) -> str:
    """The one consent sentence: someone writing for another agrees only for what THEY told."""
    key = "question_for_other" if writes_for_someone_else(writer) else "question"
    return wording.text("consent", key, easy)


def ask_consent(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The one consent sentence with はい／いいえ; its exact text goes into the record."""
    easy = is_easy(tracker)
    question = consent_question(tracker.get_slot("writer"), easy)
    dispatcher.utter_message(text=question, buttons=wording.buttons(wording.text("consent", "buttons", easy)))
    return [SlotSet("consent", {"share_with_staff": None, "at": None, "wording": question}),
            SlotSet("stage", "consent")]


def ask(dispatcher: CollectingDispatcher, name: str, key: str, buttons_key: str, easy: bool,
        before: str | None = None) -> None:
    """One question with its quick replies (``before`` = a sentence said first)."""
    question = wording.text(name, key, easy)
    dispatcher.utter_message(text=f"{before}\n{question}" if before else question,
                             buttons=wording.buttons(wording.text(name, buttons_key, easy)))


def ask_pending(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Ask again the question the conversation is waiting for, so no answer is a dead end."""
    stage = tracker.get_slot("stage")
    easy = is_easy(tracker)
    if stage == "summary":
        ask(dispatcher, "summary", "reprompt", "buttons", easy)
    elif stage == "consent":
        consent = tracker.get_slot("consent") or {}
        question = consent.get("wording") or consent_question(tracker.get_slot("writer"), easy)
        dispatcher.utter_message(text=question,
                                 buttons=wording.buttons(wording.text("consent", "buttons", easy)))
    elif stage == "contact":
        ask(dispatcher, "consent", "contact_question", "contact_buttons", easy)
    elif stage == "contact_detail":
        ask(dispatcher, "consent", "phone_question", "phone_buttons", easy)
    elif stage == "no_contact":
        ask(dispatcher, "consent", "no_contact_question", "no_contact_buttons", easy)
    elif stage == "aware":
        ask(dispatcher, "writer", "aware_question", "aware_buttons", easy)
    elif stage == "done":
        say(dispatcher, "dialogue", "after_handoff", easy)
    elif stage == "refused":
        say(dispatcher, "dialogue", "after_refusal", easy)
    else:
        invite(dispatcher, easy)


def invite(dispatcher: CollectingDispatcher, easy: bool) -> None:
    """The opening invitation; offers やさしい日本語 until it is on."""
    titles = [] if easy else [wording.text("opening", "easy_button")]
    dispatcher.utter_message(text=wording.text("opening", "invite", easy), buttons=wording.buttons(titles))
