"""Summary: the household and worries per person, then 「合っていますか」."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import ensure_notice, intake_of, is_easy, latest_text, say
from actions.household_state import has_fix
from actions.listening import fold_turn, listen, summarize


class ActionSummarize(Action):
    """「以上です」「話し終わりました」: show what was heard, ask whether it is right."""

    def name(self) -> str:
        return "action_summarize"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        events = ensure_notice(dispatcher, tracker)
        # 「母のことは以上です」 may still carry something to keep.
        result, slot_events = fold_turn(tracker)
        return events + slot_events + summarize(dispatcher, result.household, result.categories,
                                                is_easy(tracker))


class ActionAskFix(Action):
    """「ちがいます」: ask what to fix, or apply the fix if the message already says it."""

    def name(self) -> str:
        return "action_ask_fix"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        if has_fix(intake_of(tracker), latest_text(tracker)):
            return listen(dispatcher, tracker)
        say(dispatcher, "dialogue", "ask_fix", is_easy(tracker))
        return []
