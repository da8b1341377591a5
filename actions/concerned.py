"""Someone writing for another person (contract §9): does that person know?

Asked once, by the listening turn that first hears the writer is family, a neighbour or
a professional; the answer (知っている / 知らない / わからない, or in other words) becomes
``concerned_person_aware`` in the handoff: true, false or null.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import wording
from actions.common import ask_pending, ensure_notice, intake_of, is_easy, latest_text, say
from actions.household_state import has_content, normalise
from actions.listening import fold_turn, listen

UNANSWERED = "unanswered"
# A bare answer (「わからない」) tells nothing about the household: it is not folded in.
SHORT_ANSWER = 12


def awareness_of(text: str) -> bool | str | None:
    """True (knows), False (does not), None (the writer does not know), or UNANSWERED."""
    plain = normalise(text).replace(" ", "").replace("\u3000", "")
    words: dict[str, list[str]] = wording.text("writer", "aware_words")
    for key, value in (("unknown", None), ("no", False), ("yes", True)):
        if any(w in plain for w in words.get(key, [])):
            return value
    return UNANSWERED


class ActionSetAware(Action):
    """The answer to 「ご本人は、この相談のことを知っていますか」, then listening goes on."""

    def name(self) -> str:
        return "action_set_aware"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        events = ensure_notice(dispatcher, tracker)
        easy = is_easy(tracker)
        if tracker.get_slot("stage") != "aware":  # 「知らない」 with no question pending
            say(dispatcher, "dialogue", "default", easy)
            ask_pending(dispatcher, tracker)
            return events
        answer = awareness_of(latest_text(tracker))
        if answer == UNANSWERED and has_content(intake_of(tracker), latest_text(tracker)):
            return listen(dispatcher, tracker)  # they told more instead: listen, ask no more
        if answer == UNANSWERED or len(latest_text(tracker)) > SHORT_ANSWER:
            _, slot_events = fold_turn(tracker)  # 「知らないです。母も心配で…」 keeps what it tells
            events += slot_events
        if answer != UNANSWERED:
            events.append(SlotSet("concerned_person_aware", answer))
        turn = int(tracker.get_slot("listen_turns") or 0)
        dispatcher.utter_message(
            text=f"{wording.text('writer', 'aware_thanks', easy)}\n{wording.follow_up(turn, easy)}",
            buttons=wording.buttons([wording.text("listening", "done_button", easy)]),
        )
        return [*events, SlotSet("listen_turns", float(turn + 1)), SlotSet("stage", "listening")]
