"""The database-backed HandoffSink used by Conversations."""

from __future__ import annotations

from typing import Any

from channels.store import handoffs
from channels.store.db import Database


class DatabaseHandoffSink:
    """Validates and commits handoff records; sender ids are stored only as keyed hashes."""

    def __init__(self, db: Database, hash_key: bytes) -> None:
        self.db = db
        self.hash_key = hash_key

    def save_handoff(self, record: dict[str, Any], channel: str, sender_id: str) -> bool:
        """Validate (InvalidHandoff) then insert once; True when newly stored."""
        valid = handoffs.validate_record(record, channel)
        with self.db.session() as session:
            return handoffs.save_handoff(
                session, valid, handoffs.sender_key(self.hash_key, channel, sender_id)
            )
