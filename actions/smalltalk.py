"""The opening, the restart, and the question the conversation is waiting for.

Short kind answers (thanks, goodbye, coming back, stickers, off-topic, privacy) are domain
responses chosen by rules; each is followed by ``action_ask_pending`` so that no answer
is a dead end. A greeting that also tells a worry (「こんにちは、母のことで…」) is listened to.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import ask_pending, ensure_notice, intake_of, latest_text, say
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
        events = ensure_notice(dispatcher, tracker)
        if not events:
            say(dispatcher, "opening", "greet")
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
        say(dispatcher, "opening", "restart")
        say(dispatcher, "opening", "notice")
        say(dispatcher, "opening", "invite")
        return [Restarted(), SlotSet("notice_shown", True)]
