"""What every outbox relay (LINE pushes, staff alerts) shares: the lease step and the pass over due rows."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import update
from starlette.concurrency import run_in_threadpool

from channels.store.db import Database
from channels.store.models import OutboxMessage, utcnow

T = TypeVar("T")


def claim_row(db: Database, row_id: int, channel: str, lease_seconds: float,
              build: Callable[[OutboxMessage], T]) -> T | None:
    """Lease a due pending row for one attempt and return ``build(row)``.

    The conditional UPDATE is the lock: of several relays only one sees rowcount 1, and
    the lease (moving next_attempt_at ahead) keeps others off it while it sends.
    None when the row is not due, not pending, or another relay has it.
    """
    now = utcnow()
    with db.session() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row_id, OutboxMessage.channel == channel,
                   OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
            .values(next_attempt_at=now + timedelta(seconds=lease_seconds))
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            return None
        session.commit()
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        return build(row)


async def attempt_due(db: Database, due_ids: Callable[[Database], list[int]],
                      deliver: Callable[[int], Awaitable[str | None]]) -> int:
    """One relay pass: try each due row once; counts only the rows this relay claimed.

    `deliver` returns None for a row another relay (or the inline sender) got first.
    """
    attempted = 0
    for row_id in await run_in_threadpool(due_ids, db):
        if await deliver(row_id) is not None:
            attempted += 1
    return attempted
