"""The database-backed HandoffSink used by Conversations."""

from __future__ import annotations

import uuid
from typing import Any

from channels.store import handoffs
from channels.store.db import Database
from channels.store.models import HandoffRoute, OutboxMessage, utcnow
from channels.store.records import HandoffRecord

NOTIFY_CHANNEL = "notify"


class DatabaseHandoffSink:
    """Validates and commits handoff records; sender ids are stored only as keyed hashes.

    With the record go, in one transaction: its route (the LINE userId a staff reply is
    pushed to; nothing for the web, whose feed is keyed by the hash) and, for an urgent
    record when STAFF_NOTIFY_URL is set, a durable notification row in the outbox.
    """

    def __init__(self, db: Database, hash_key: bytes, notify_url: str | None = None) -> None:
        self.db = db
        self.hash_key = hash_key
        self.notify_url = notify_url

    def save_handoff(self, record: dict[str, Any], channel: str, sender_id: str) -> bool:
        """Validate (InvalidHandoff) then insert once; True when newly stored."""
        valid = handoffs.validate_record(record, channel)
        with self.db.session() as session:
            return handoffs.save_handoff(
                session,
                valid,
                handoffs.sender_key(self.hash_key, channel, sender_id),
                also=self._companions(valid, channel, sender_id),
            )

    def _companions(self, record: HandoffRecord, channel: str, sender_id: str) -> list[object]:
        """The route row, plus a notification row for an urgent handoff."""
        rows: list[object] = [
            HandoffRoute(
                handoff_id=record.id, channel=channel, recipient=sender_id if channel == "line" else None
            )
        ]
        if self.notify_url and record.crisis.level == "urgent":
            rows.append(notification(record))
        return rows


def notification(record: HandoffRecord) -> OutboxMessage:
    """An outbox row for STAFF_NOTIFY_URL: ids and level only, never resident text."""
    now = utcnow()
    return OutboxMessage(
        channel=NOTIFY_CHANNEL,
        recipient_key=record.id,
        recipient="staff_notify_url",
        payload={
            "handoff_id": record.id,
            "level": record.crisis.level,
            "created_at": record.created_at.isoformat(),
        },
        retry_key=str(uuid.uuid4()),
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
