"""Getting a staff message to the resident, never twice.

Web: the stored message *is* the delivery; the page's feed (GET /api/chat/{id}/messages)
picks it up. LINE: the message and its outbox row (with a fresh `X-Line-Retry-Key`) are
committed together; one attempt is made at once through channels/line's relay and every
later try (5xx, 429, timeout) reuses the same key, so LINE answers 409 instead of
delivering again. A 4xx other than 409 is final: it is shown to the staff member.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.concurrency import run_in_threadpool

from channels.staff.auth import StaffIdentity
from channels.store.db import Database
from channels.store.models import OutboxMessage
from channels.takeover import service, wording
from channels.takeover.service import Prepared, TakeoverError


async def send(db: Database, line_runtime: Any, staff: StaffIdentity, handoff_id: str, text: str) -> Prepared:
    """Store and deliver one staff message; TakeoverError with a Japanese reason when refused."""
    prepared = await run_in_threadpool(
        service.prepare_message, db, staff, handoff_id, text, line_runtime is not None
    )
    if prepared.outbox_id is None or line_runtime is None:
        return prepared
    status = await line_runtime.relay.deliver(prepared.outbox_id)
    if status is None:  # the background relay claimed the row first: wait for its attempt
        status = await _first_outcome(db, prepared.outbox_id)
    if status == "failed":
        error = await run_in_threadpool(_last_error, db, prepared.outbox_id)
        raise TakeoverError(502, wording.LINE_REJECTED.format(error=error or "不明"))
    if status != "sent":
        line_runtime.relay.wake()  # pending: the relay retries with the same key
    return prepared


async def _first_outcome(db: Database, outbox_id: int, wait_seconds: float = 10.0) -> str:
    """The row's status once its first attempt is recorded (or 'pending' after the wait).

    Why: the relay loop may take a freshly committed row before the inline attempt does;
    the staff member must still learn at once that LINE refused it.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_seconds
    while True:
        status, attempts = await run_in_threadpool(_status, db, outbox_id)
        if status != "pending" or attempts > 0 or loop.time() >= deadline:
            return status
        await asyncio.sleep(0.05)


def _status(db: Database, outbox_id: int) -> tuple[str, int]:
    """Status and attempt count of one outbox row."""
    with db.session() as session:
        row = session.get(OutboxMessage, outbox_id)
        return (row.status, row.attempts) if row else ("failed", 0)


def _last_error(db: Database, outbox_id: int) -> str | None:
    """The recorded error of a failed push (a status line, never a body)."""
    with db.session() as session:
        row = session.get(OutboxMessage, outbox_id)
        return row.last_error if row else None
