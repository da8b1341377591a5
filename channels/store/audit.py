"""Append-only audit log of staff actions (reliability P5). Ids and action names only."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from channels.store.models import AuditLog, utcnow


def record(session: Session, staff_username: str, action: str, handoff_id: str | None = None) -> None:
    """Write one audit row and commit."""
    session.add(AuditLog(at=utcnow(), staff_username=staff_username, action=action, handoff_id=handoff_id))
    session.commit()


def entries(session: Session, handoff_id: str | None = None) -> Sequence[AuditLog]:
    """Audit rows, oldest first, optionally for one handoff."""
    stmt = select(AuditLog).order_by(AuditLog.id)
    if handoff_id is not None:
        stmt = stmt.where(AuditLog.handoff_id == handoff_id)
    return session.scalars(stmt).all()


def recent(session: Session, limit: int = 300) -> Sequence[AuditLog]:
    """The newest audit rows first (the console's audit page)."""
    return session.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)).all()
