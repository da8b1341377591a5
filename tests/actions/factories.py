"""Factories for recorded tracker states (Tracker.from_dict) and a run helper."""
from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

DEFAULT_SLOTS: dict[str, Any] = {
    "stage": "listening", "notice_shown": True, "listen_turns": 0.0, "household": [], "categories": [],
    "writer": None, "crisis": {"level": "none", "types": []}, "counters_explained": [], "consent": None,
    "contact": None, "handoff_id": None, "easy_japanese": False, "aware_asked": False,
    "concerned_person_aware": None, "safety_shown": False, "no_contact_asked": False,
    "no_contact_times": None,
}


def intake(categories=(), members=(), crisis_types=(), writer="unknown") -> dict[str, Any]:
    """An NLU result as IntakeAnalyzer puts it into latest_message["intake"]."""
    return {
        "categories": list(categories),
        "members": [dict(m) for m in members],
        "crisis": {"level": "urgent" if crisis_types else "none", "types": list(crisis_types)},
        "counters": [],
        "writer": writer,
    }


def member(relation, age=None, categories=(), notes=()) -> dict[str, Any]:
    return {"relation": relation, "age": age, "categories": list(categories), "notes": list(notes)}


def make_tracker(text: str = "", intent: str = "tell_situation", nlu: dict | None = None,
                 slots: dict | None = None, events: list | None = None, channel: str = "rest",
                 metadata: dict | None = None) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": [],
              "metadata": metadata or {}}
    if nlu is not None:
        latest["intake"] = nlu
    user_event = {"event": "user", "text": text, "parse_data": latest, "input_channel": channel,
                  "metadata": metadata or {}}
    return Tracker.from_dict({
        "sender_id": "test",
        "slots": {**DEFAULT_SLOTS, **(slots or {})},
        "latest_message": latest,
        "events": (events if events is not None else []) + [user_event],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    })


def run(action: Action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run an action; return (messages, events)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in messages if m.get("text")]
