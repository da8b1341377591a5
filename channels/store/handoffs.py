"""Repository functions for handoffs: idempotent insert, staff queue, status changes.

All functions are sync and take a short Session; async callers use the thread pool.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import case, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from channels.store.models import Handoff, HandoffStatusChange, utcnow
from channels.store.records import HandoffRecord

STATUS_FLOW = {"new": ("accepted",), "accepted": ("closed", "new"), "closed": ("accepted",)}


class InvalidHandoff(ValueError):
    """The payload is not a valid contract §6 record; the message names fields, never values."""


class StatusConflict(ValueError):
    """The requested status change does not follow new → accepted → closed."""


def sender_key(key: bytes, channel: str, sender_id: str) -> str:
    """Keyed hash of a sender id, so the store never holds a LINE userId or web session id."""
    return hmac.new(key, f"{channel}:{sender_id}".encode(), hashlib.sha256).hexdigest()


def validate_record(payload: dict[str, Any], channel: str) -> HandoffRecord:
    """Validate the action's payload; the gateway sets the channel and the initial status."""
    data = {**payload, "channel": channel, "status": "new"}
    try:
        return HandoffRecord.model_validate(data)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in err["loc"]) for err in exc.errors()})
        raise InvalidHandoff("invalid fields: " + ", ".join(fields)) from exc


def save_handoff(session: Session, record: HandoffRecord, key: str, also: Sequence[object] = ()) -> bool:
    """Insert the record once and commit; False when a record with that id already exists.

    `also` are rows committed in the same transaction (its route, a staff notification in
    the outbox), so they exist exactly when the handoff does.
    """
    if session.get(Handoff, record.id) is not None:
        return False
    now = utcnow()
    session.add(
        Handoff(
            id=record.id,
            created_at=record.created_at,
            channel=record.channel,
            sender_key=key,
            status="new",
            crisis_level=record.crisis.level,
            record=record.model_dump(mode="json"),
            updated_at=now,
            updated_by=None,
        )
    )
    try:
        session.flush()  # the handoff row first: `also` rows refer to it
        session.add_all(list(also))
        session.commit()
    except IntegrityError:
        session.rollback()  # a concurrent turn stored the same id first
        return False
    return True


def queue(session: Session) -> Sequence[Handoff]:
    """Open cases first, urgent on top, then the oldest waiting; closed cases last."""
    closed_last = case((Handoff.status == "closed", 1), else_=0)
    urgent_first = case((Handoff.crisis_level == "urgent", 0), else_=1)
    stmt = select(Handoff).order_by(closed_last, urgent_first, Handoff.created_at, Handoff.id)
    return session.scalars(stmt).all()


def get(session: Session, handoff_id: str) -> Handoff | None:
    """One handoff by id."""
    return session.get(Handoff, handoff_id)


def as_record(handoff: Handoff) -> dict[str, Any]:
    """The contract §6 JSON with the current status."""
    return {**handoff.record, "status": handoff.status}


def change_status(session: Session, handoff_id: str, to_status: str, by: str) -> Handoff | None:
    """Move a handoff along the flow and record who and when; None when it does not exist."""
    handoff = session.get(Handoff, handoff_id, with_for_update=True)
    if handoff is None:
        return None
    if to_status not in STATUS_FLOW.get(handoff.status, ()):
        raise StatusConflict(f"{handoff.status} → {to_status}")
    now = utcnow()
    session.add(
        HandoffStatusChange(
            handoff_id=handoff.id,
            from_status=handoff.status,
            to_status=to_status,
            changed_by=by,
            changed_at=now,
        )
    )
    handoff.status = to_status
    handoff.updated_at = now
    handoff.updated_by = by
    session.commit()
    return handoff


def status_history(session: Session, handoff_id: str) -> Sequence[HandoffStatusChange]:
    """Status changes of one handoff, oldest first."""
    stmt = (
        select(HandoffStatusChange)
        .where(HandoffStatusChange.handoff_id == handoff_id)
        .order_by(HandoffStatusChange.changed_at, HandoffStatusChange.id)
    )
    return session.scalars(stmt).all()
