"""The handoff record of contract §6 (+ §9 writer, + issue 9 ``no_contact_times``), built
from tracker data (no Rasa imports)."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from actions import wording

STATUS_NEW = "new"
# Whoever writes for someone else (contract §9); "self" and "unknown" are not asked.
FOR_SOMEONE_ELSE = frozenset({"family", "neighbour", "professional"})


def _bool_or_none(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def channel_of(input_channel: str | None, metadata: dict[str, Any] | None) -> str:
    """``line`` when the gateway says so in the message metadata, otherwise ``web``."""
    metadata = metadata or {}
    if input_channel == "line" or str(metadata.get("channel", "")).lower() == "line":
        return "line"
    return "web"


def resident_words(events: list[dict[str, Any]]) -> list[str]:
    """Every message the resident sent, verbatim and in order, since the conversation
    (re)started and since the last refusal to share (what was refused is not handed over).
    Rasa commands such as ``/restart`` are not words of the resident, and a turn the
    gateway rewound (``rewind``: it could not finish it) counts only when resent.
    """
    said: list[str | None] = []  # one entry per user event; None for a command
    for event in events:
        kind = event.get("event")
        if kind == "restart" or _refused_to_share(event):
            said = []
        elif kind == "rewind" and said:
            said.pop()
        elif kind == "user":
            text = event.get("text")
            said.append(text if text and not text.startswith("/") else None)
    return [text for text in said if text is not None]


def _refused_to_share(event: dict[str, Any]) -> bool:
    return (event.get("event") == "slot" and event.get("name") == "consent"
            and (event.get("value") or {}).get("share_with_staff") is False)


RECORD_NAMESPACE = uuid.UUID("6f1c2a9e-3b7d-4c55-9a43-1d2e8f0b7c61")


def record_id_for(sender_id: str, consent: dict[str, Any] | None) -> str:
    """One id per consent given in a conversation.

    Why: when the gateway could not confirm a handoff was stored it rewinds the turn and
    the resident resends it; the same id makes the store keep that handoff once even if
    the first attempt did reach the database.
    """
    given_at = (consent or {}).get("at")
    if not given_at:
        return str(uuid.uuid4())
    return str(uuid.uuid5(RECORD_NAMESPACE, f"{sender_id}\n{given_at}"))


def build_record(slots: dict[str, Any], events: list[dict[str, Any]], input_channel: str | None,
                 metadata: dict[str, Any] | None, now: datetime | None = None,
                 record_id: str | None = None) -> dict[str, Any]:
    """The record a caseworker receives. The assistant decides nothing: no eligibility."""
    now = now or datetime.now(timezone.utc)
    writer = slots.get("writer") or "unknown"
    contact = slots.get("contact") or {"preferred": "none", "detail": ""}
    record: dict[str, Any] = {
        "id": record_id or str(uuid.uuid4()),
        "created_at": now.isoformat(timespec="seconds"),
        "channel": channel_of(input_channel, metadata),
        "status": STATUS_NEW,
        "consent": dict(slots.get("consent") or {}),
        "contact": {"preferred": contact.get("preferred") or "none", "detail": contact.get("detail") or ""},
        "household": list(slots.get("household") or []),
        "categories": list(slots.get("categories") or []),
        "crisis": dict(slots.get("crisis") or {"level": "none", "types": []}),
        "counters_explained": list(slots.get("counters_explained") or []),
        "resident_words": resident_words(events),
        "summary_ja": "",
        "writer": writer,
        # Only someone writing for another person is asked; for them null = not known.
        "concerned_person_aware": (_bool_or_none(slots.get("concerned_person_aware"))
                                   if writer in FOR_SOMEONE_ELSE else None),
        "no_contact_times": slots.get("no_contact_times") or None,
    }
    record["summary_ja"] = wording.caseworker_summary(record)
    return record
