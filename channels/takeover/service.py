"""Staff use cases of a takeover; every one writes an audit row (who, when, which handoff).

Sync functions over the store: routes call them through run_in_threadpool. Errors are
exceptions carrying a Japanese reason that the routes turn into 404 / 409.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from channels.line.messaging import batches, text_messages
from channels.line.outbox import new_row
from channels.staff.auth import StaffIdentity
from channels.staff.labels import CONTACT_LABELS
from channels.store import audit, conversation_log, handoffs
from channels.store.db import Database
from channels.store.models import Handoff, utcnow
from channels.takeover import wording


class TakeoverError(Exception):
    """A refused staff action; `status` is the HTTP status, `reason` the Japanese text."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Prepared:
    """A stored staff message; `outbox_id` is set when it still has to be pushed on LINE."""

    id: int
    delivered_via: str
    at: datetime
    outbox_id: int | None


def _handoff(session: Any, handoff_id: str) -> Handoff:
    found = handoffs.get(session, handoff_id)
    if found is None:
        raise TakeoverError(404, wording.NOT_FOUND)
    return found


def _taken_by_other(name: str) -> TakeoverError:
    text = wording.TAKEN_BY_OTHER.format(name=name) if name else wording.TAKEN_BY_OTHER_UNKNOWN
    return TakeoverError(409, text)


def take(db: Database, staff: StaffIdentity, handoff_id: str) -> dict[str, Any]:
    """Hold the conversation (409 when someone else does); a new case becomes 対応中."""
    with db.session() as session:
        handoff = _handoff(session, handoff_id)
        if handoff.status == "closed":
            raise TakeoverError(409, wording.CLOSED)
        try:
            row, new = conversation_log.take(session, handoff_id, staff.username, staff.display_name)
        except conversation_log.TakenByOther as exc:
            raise _taken_by_other(exc.holder_name) from exc
        if new:
            audit.record(session, staff.username, "take", handoff_id)
        if handoff.status == "new":
            handoffs.change_status(session, handoff_id, "accepted", staff.username)
            audit.record(session, staff.username, "status:accepted", handoff_id)
        return {"handoff_id": handoff_id, "held_by": row.held_by_name, "since": row.since.isoformat()}


def release(db: Database, staff: StaffIdentity, handoff_id: str) -> dict[str, Any]:
    """Hand the conversation back to the assistant (its Rasa state was never touched)."""
    with db.session() as session:
        _handoff(session, handoff_id)
        current = conversation_log.active_takeover(session, handoff_id)
        if current is not None and current.held_by != staff.username and staff.via != "token":
            raise _taken_by_other(current.held_by_name)
        row = conversation_log.release(session, handoff_id, staff.username)
        if row is not None:
            audit.record(session, staff.username, "release", handoff_id)
        return {"handoff_id": handoff_id, "released": row is not None}


def prepare_message(
    db: Database, staff: StaffIdentity, handoff_id: str, text: str, line_ready: bool = True
) -> Prepared:
    """Store a staff message (and its LINE outbox row) in one transaction, after every check."""
    with db.session() as session:
        handoff = _handoff(session, handoff_id)
        if handoff.channel == "line" and not line_ready:
            raise TakeoverError(503, wording.LINE_NOT_CONFIGURED)
        held = conversation_log.active_takeover(session, handoff_id)
        if held is None:
            raise TakeoverError(409, wording.NOT_HELD)
        if held.held_by != staff.username:
            raise _taken_by_other(held.held_by_name)
        outbox_id = None
        if handoff.channel == "line":
            outbox_id = _line_outbox_row(session, handoff, text)
        message = conversation_log.add_message(
            session,
            handoff,
            "staff",
            text,
            delivered_via=handoff.channel,
            staff=(staff.username, staff.display_name),
            outbox_id=outbox_id,
        )
        session.commit()
        audit.record(session, staff.username, "reply", handoff_id)
        return Prepared(message.id, handoff.channel, message.at, outbox_id)


def _line_outbox_row(session: Any, handoff: Handoff, text: str) -> int:
    """The push as a pending outbox row with its own retry key (sent by channels/line's relay)."""
    preferred = (handoff.record.get("contact") or {}).get("preferred", "none")
    if preferred != "line":
        how = CONTACT_LABELS.get(preferred, preferred)
        raise TakeoverError(409, wording.NOT_LINE_CONTACT.format(how=how))
    route = conversation_log.route(session, handoff.id)
    if route is None or not route.recipient:
        raise TakeoverError(409, wording.NO_LINE_ROUTE)
    (batch,) = batches(text_messages(wording.LINE_STAFF_PREFIX + text))  # ≤ MAX_TEXT_CHARS: one batch
    row = new_row(route.recipient, handoff.sender_key, batch)
    session.add(row)
    session.flush()
    return row.id


def conversation(db: Database, actor: str, handoff_id: str, after: int = 0) -> dict[str, Any]:
    """Both sides since the handoff; audited whenever resident text is served (not on empty polls)."""
    with db.session() as session:
        _handoff(session, handoff_id)
        found = conversation_log.messages(session, handoff_id, after)
        held = conversation_log.active_takeover(session, handoff_id)
        if after == 0 or found:
            audit.record(session, actor, "read_messages", handoff_id)
    return {
        "handoff_id": handoff_id,
        "held_by": held.held_by_name if held else None,
        "held_by_username": held.held_by if held else None,
        "messages": [_message_json(m) for m in found],
        "cursor": str(found[-1].id if found else after),
    }


def _message_json(message: conversation_log.Message) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": str(message.id),
        "from": message.author,
        "text": message.text,
        "at": message.at.isoformat(),
    }
    if message.author == "staff":
        item["staff_name"] = message.staff_name
        item["delivered_via"] = message.delivered_via
        if message.delivered_via == "line":
            item["delivery"] = message.delivery
            if message.delivery == "failed":
                item["delivery_error"] = message.delivery_error
    return item


def alerts(db: Database) -> list[dict[str, Any]]:
    """Urgent handoffs nobody has accepted yet (ids and waiting time only, no resident text)."""
    now = utcnow()
    with db.session() as session:
        stmt = (
            select(Handoff.id, Handoff.created_at)
            .where(Handoff.crisis_level == "urgent", Handoff.status == "new")
            .order_by(Handoff.created_at)
        )
        return [
            {"id": hid, "created_at": at.isoformat(), "waited_seconds": int((now - at).total_seconds())}
            for hid, at in session.execute(stmt)
        ]


def audit_rows(db: Database, actor: str, limit: int = 300) -> list[dict[str, Any]]:
    """The newest audit rows (who, when, what, which handoff); reading them is audited too."""
    with db.session() as session:
        audit.record(session, actor, "audit_read")
        return [
            {"at": r.at, "who": r.staff_username, "action": r.action, "handoff_id": r.handoff_id}
            for r in audit.recent(session, limit)
        ]
