"""Staff use cases over the store; every read, export and change writes an audit row (P5).

Sync functions: routes call them through run_in_threadpool.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from channels.store import audit, handoffs
from channels.store.db import Database
from channels.store.models import utcnow


@dataclass(frozen=True)
class CaseRow:
    """One line of the staff queue."""

    id: str
    created_at: datetime
    status: str
    crisis_level: str
    channel: str
    categories: list[str]
    waited_seconds: float


def queue(db: Database, actor: str) -> list[CaseRow]:
    """The queue as the console shows it (audited as `list`)."""
    now = utcnow()
    with db.session() as session:
        rows = [
            CaseRow(
                h.id,
                h.created_at,
                h.status,
                h.crisis_level,
                h.channel,
                list(h.record.get("categories", [])),
                (now - h.created_at).total_seconds(),
            )
            for h in handoffs.queue(session)
        ]
        audit.record(session, actor, "list")
    return rows


def records(db: Database, actor: str, action: str) -> list[dict[str, Any]]:
    """All records in queue order (audited with `action`: api_list or export_all)."""
    with db.session() as session:
        found = [handoffs.as_record(h) for h in handoffs.queue(session)]
        audit.record(session, actor, action)
    return found


def record(db: Database, actor: str, handoff_id: str, action: str) -> dict[str, Any] | None:
    """One record (audited with `action`: read, api_read, export); None when absent."""
    with db.session() as session:
        found = handoffs.get(session, handoff_id)
        if found is None:
            return None
        audit.record(session, actor, action, found.id)
        return handoffs.as_record(found)


def detail(db: Database, actor: str, handoff_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """A record with its status history (audited as `read`)."""
    with db.session() as session:
        found = handoffs.get(session, handoff_id)
        if found is None:
            return None
        history = [
            {"from": c.from_status, "to": c.to_status, "by": c.changed_by, "at": c.changed_at}
            for c in handoffs.status_history(session, handoff_id)
        ]
        audit.record(session, actor, "read", found.id)
        return handoffs.as_record(found), history


def change_status(db: Database, actor: str, handoff_id: str, to_status: str) -> bool:
    """Move a case (StatusConflict when the flow forbids it); False when absent."""
    with db.session() as session:
        changed = handoffs.change_status(session, handoff_id, to_status, actor)
        if changed is None:
            return False
        audit.record(session, actor, f"status:{to_status}", handoff_id)
    return True
