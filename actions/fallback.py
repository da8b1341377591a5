"""nlu_fallback: a kind answer that invites the resident to go on."""
from __future__ import annotations

import unicodedata
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import ask_pending, ensure_notice, intake_of, is_easy, latest_text, say
from actions.household_state import has_content
from actions.listening import listen


def has_words(text: str) -> bool:
    """False for stickers, emoji and punctuation only."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


class ActionFallback(Action):
    """Listen if the message tells something; otherwise say so kindly and ask again."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        text = latest_text(tracker)
        if has_content(intake_of(tracker), text):
            return listen(dispatcher, tracker)
        events = ensure_notice(dispatcher, tracker)
        easy = is_easy(tracker)
        stage = tracker.get_slot("stage")
        if not has_words(text):
            say(dispatcher, "dialogue", "emoji", easy)
            ask_pending(dispatcher, tracker)
        elif stage in (None, "listening"):
            say(dispatcher, "dialogue", "default", easy)
            say(dispatcher, "dialogue", "ask_rephrase", easy)
        else:
            say(dispatcher, "dialogue", "default", easy)
            ask_pending(dispatcher, tracker)
        return events
