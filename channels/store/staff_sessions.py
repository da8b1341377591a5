"""Server-side staff sessions: the cookie holds a random id, the table holds only its hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from channels.store.models import StaffSession, utcnow


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def create(session: Session, username: str) -> tuple[str, StaffSession]:
    """A new session (fresh id at every login); returns the cookie value and the row."""
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    row = StaffSession(
        id_hash=_hash(session_id),
        username=username,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
    )
    session.add(row)
    session.commit()
    return session_id, row


def touch(session: Session, session_id: str, idle: timedelta, absolute: timedelta) -> StaffSession | None:
    """The live session for a cookie value, refreshing its idle clock; expired ones are deleted."""
    row = session.get(StaffSession, _hash(session_id))
    if row is None:
        return None
    now = utcnow()
    if now - row.last_seen_at > idle or now - row.created_at > absolute:
        session.delete(row)
        session.commit()
        return None
    row.last_seen_at = now
    session.commit()
    return row


def end(session: Session, session_id: str) -> None:
    """Log out: forget the session."""
    session.execute(delete(StaffSession).where(StaffSession.id_hash == _hash(session_id)))
    session.commit()


def purge_expired(session: Session, idle: timedelta, now: datetime | None = None) -> int:
    """Delete sessions idle for longer than `idle`; returns how many."""
    cutoff = (now or utcnow()) - idle
    result = session.execute(delete(StaffSession).where(StaffSession.last_seen_at < cutoff))
    session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
