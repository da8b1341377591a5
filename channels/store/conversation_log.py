"""Repository of the person-in-the-loop tables: takeovers, messages since a handoff, routes.

Sync functions over a short Session (async callers use the thread pool). Who holds a
conversation is decided by the database: `take` inserts into `takeovers`, whose partial
unique index admits one unreleased row per handoff, so a second taker fails with
IntegrityError (→ TakenByOther) on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from channels.store.models import ConversationMessage, Handoff, HandoffRoute, OutboxMessage, Takeover, utcnow

AUTHORS = ("resident", "staff", "assistant")


class TakenByOther(RuntimeError):
    """Another staff member holds the conversation (answered with 409)."""

    def __init__(self, holder_name: str) -> None:
        super().__init__("taken by another staff member")
        self.holder_name = holder_name


@dataclass(frozen=True)
class Message:
    """A stored message as the API shows it (detached from the session)."""

    id: int
    author: str
    text: str
    at: datetime
    staff_name: str | None
    delivered_via: str | None
    delivery: str | None  # sent | pending | failed (LINE pushes); None otherwise
    delivery_error: str | None


def latest_handoff(session: Session, key: str) -> Handoff | None:
    """The newest handoff of a sender (keyed hash), the one their messages belong to."""
    stmt = (
        select(Handoff)
        .where(Handoff.sender_key == key)
        .order_by(Handoff.created_at.desc(), Handoff.updated_at.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def active_takeover(session: Session, handoff_id: str) -> Takeover | None:
    """The unreleased takeover of a handoff, if someone holds it."""
    stmt = select(Takeover).where(Takeover.handoff_id == handoff_id, Takeover.released_at.is_(None))
    return session.scalars(stmt).first()


def take(session: Session, handoff_id: str, username: str, display_name: str) -> tuple[Takeover, bool]:
    """Hold the conversation and commit; (row, True) when newly taken, (row, False) if already ours."""
    current = active_takeover(session, handoff_id)
    if current is not None:
        if current.held_by == username:
            return current, False
        raise TakenByOther(current.held_by_name)
    row = Takeover(handoff_id=handoff_id, held_by=username, held_by_name=display_name, since=utcnow())
    session.add(row)
    try:
        session.commit()
    except IntegrityError as exc:  # a concurrent taker committed first: the index decided
        session.rollback()
        winner = active_takeover(session, handoff_id)
        raise TakenByOther(winner.held_by_name if winner else "") from exc
    return row, True


def release(session: Session, handoff_id: str, username: str) -> Takeover | None:
    """End the active takeover (conditional UPDATE) and commit; None when nobody held it."""
    current = active_takeover(session, handoff_id)
    if current is None:
        return None
    now = utcnow()
    result = session.execute(
        update(Takeover)
        .where(Takeover.id == current.id, Takeover.released_at.is_(None))
        .values(released_at=now, released_by=username)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    session.refresh(current)
    return current


def acknowledge_once(session: Session, takeover_id: int) -> bool:
    """True exactly once per takeover: the resident gets one short acknowledgement, not one per message."""
    result = session.execute(
        update(Takeover)
        .where(Takeover.id == takeover_id, Takeover.acknowledged_at.is_(None))
        .values(acknowledged_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1  # type: ignore[attr-defined]


def add_message(
    session: Session,
    handoff: Handoff,
    author: str,
    text: str,
    *,
    delivered_via: str | None = None,
    staff: tuple[str, str] | None = None,
    outbox_id: int | None = None,
) -> ConversationMessage:
    """Append one message (not committed: callers commit, possibly with an outbox row)."""
    if author not in AUTHORS:
        raise ValueError("unknown author")
    row = ConversationMessage(
        handoff_id=handoff.id,
        sender_key=handoff.sender_key,
        author=author,
        text=text,
        staff_username=staff[0] if staff else None,
        staff_name=staff[1] if staff else None,
        delivered_via=delivered_via,
        outbox_id=outbox_id,
        at=utcnow(),
    )
    session.add(row)
    return row


def messages(session: Session, handoff_id: str, after: int = 0) -> list[Message]:
    """Both sides of a handoff's conversation, in order, with the push state of staff messages."""
    stmt = (
        select(ConversationMessage, OutboxMessage.status, OutboxMessage.last_error)
        .outerjoin(OutboxMessage, OutboxMessage.id == ConversationMessage.outbox_id)
        .where(ConversationMessage.handoff_id == handoff_id, ConversationMessage.id > after)
        .order_by(ConversationMessage.id)
    )
    return [
        Message(m.id, m.author, m.text, m.at, m.staff_name, m.delivered_via, status, error)
        for m, status, error in session.execute(stmt)
    ]


def feed(session: Session, key: str, after: int = 0, limit: int = 100) -> Sequence[ConversationMessage]:
    """What the web page must show that it did not get in a chat answer: staff and feed-only notes."""
    stmt = (
        select(ConversationMessage)
        .where(
            ConversationMessage.sender_key == key,
            ConversationMessage.id > after,
            or_(ConversationMessage.author == "staff", ConversationMessage.delivered_via == "web"),
        )
        .order_by(ConversationMessage.id)
        .limit(limit)
    )
    return session.scalars(stmt).all()


def route(session: Session, handoff_id: str) -> HandoffRoute | None:
    """Where staff messages of a handoff go."""
    return session.get(HandoffRoute, handoff_id)


def holders(session: Session) -> dict[str, str]:
    """handoff id → display name of whoever holds it now (for the queue)."""
    stmt = select(Takeover.handoff_id, Takeover.held_by_name).where(Takeover.released_at.is_(None))
    return {handoff_id: name for handoff_id, name in session.execute(stmt)}
