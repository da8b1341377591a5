"""The opening, the restart, やさしい日本語, short answers, and the pending question.

Short kind answers (thanks, goodbye, coming back, stickers, off-topic, privacy, ok) come
from knowledge/wording/smalltalk.yaml through ``action_short_answer`` (so that each has
its やさしい日本語 twin); rules follow most with ``action_ask_pending`` so that no answer
is a dead end. A greeting that also tells a worry (「こんにちは、母のことで…」) is listened to.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    ask_pending,
    easy_events,
    ensure_notice,
    intake_of,
    invite,
    is_easy,
    latest_intent,
    latest_text,
    say,
)
from actions.household_state import has_content
from actions.listening import listen


class ActionGreet(Action):
    """The notice on first contact (it greets), else a short greeting; then the invitation."""

    def name(self) -> str:
        return "action_greet"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        if has_content(intake_of(tracker), latest_text(tracker)):
            return listen(dispatcher, tracker)
        shown = tracker.get_slot("notice_shown")
        events = ensure_notice(dispatcher, tracker)
        if shown:
            say(dispatcher, "opening", "greet", is_easy(tracker))
        ask_pending(dispatcher, tracker)
        return events


class ActionAskPending(Action):
    """After a short answer: the notice if not yet shown, then the pending question."""

    def name(self) -> str:
        return "action_ask_pending"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        events = ensure_notice(dispatcher, tracker)
        ask_pending(dispatcher, tracker)
        return events


class ActionRestart(Action):
    """`/restart`: forget the conversation, show the notice again, invite to speak."""

    def name(self) -> str:
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        easy = is_easy(tracker)  # how the resident reads does not change with a restart
        say(dispatcher, "opening", "restart", easy)
        say(dispatcher, "opening", "notice", easy)
        invite(dispatcher, easy)
        events: list[EventType] = [Restarted(), SlotSet("notice_shown", True)]
        return events + ([SlotSet("easy_japanese", True)] if easy else [])


# intent → key of knowledge/wording/smalltalk.yaml
SHORT_ANSWERS = {
    "thanks": "thanks", "goodbye": "goodbye", "come_back": "welcome_back", "emoji_only": "emoji",
    "ask_privacy": "privacy", "out_of_scope": "out_of_scope", "continue_talking": "continue",
    "affirm": "ok", "deny": "ok",
}


class ActionShortAnswer(Action):
    """A short kind answer chosen by the intent (rules add the pending question after it)."""

    def name(self) -> str:
        return "action_short_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        events = easy_events(tracker)
        key = SHORT_ANSWERS.get(latest_intent(tracker), "ok")
        say(dispatcher, "smalltalk", key, is_easy(tracker))
        return events


class ActionUseEasyJapanese(Action):
    """「やさしい にほんご」: from now on every answer is in やさしい日本語."""

    def name(self) -> str:
        return "action_use_easy_japanese"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        events = ensure_notice(dispatcher, tracker)
        if not any(e.get("name") == "easy_japanese" for e in events):
            events.append(SlotSet("easy_japanese", True))
        say(dispatcher, "opening", "easy_chosen", easy=True)
        ask_pending(dispatcher, tracker)
        return events
