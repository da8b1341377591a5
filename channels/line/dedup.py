"""Exactly-once claims in `processed_events` (reliability L6): the primary key decides.

Each id is inserted in its own short transaction, so a duplicate inside one webhook body,
a redelivery, or twenty concurrent copies of one request all resolve to one winner.
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError

from channels.store.db import Database
from channels.store.models import ProcessedEvent, utcnow

CHANNEL = "line"


def claim_ids(db: Database, event_ids: Sequence[str]) -> list[bool]:
    """For each id: True when this call recorded it first. Store faults propagate (→ 503)."""
    return [_claim_one(db, event_id) for event_id in event_ids]


def _claim_one(db: Database, event_id: str) -> bool:
    """Insert one id and commit; a primary-key conflict means someone already has it."""
    with db.session() as session:
        if session.get(ProcessedEvent, event_id) is not None:
            return False
        session.add(ProcessedEvent(event_id=event_id, channel=CHANNEL, received_at=utcnow()))
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            return False
        return True
