"""Getting a staff message to the resident, never twice.

Web: the stored message *is* the delivery; the page's feed (GET /api/chat/{id}/messages)
picks it up. LINE: the message and its outbox row (with a fresh `X-Line-Retry-Key`) are
committed together; one attempt is made at once through channels/line's relay and every
later try (5xx, 429, timeout) reuses the same key, so LINE answers 409 instead of
delivering again. A 4xx other than 409 is final: it is shown to the staff member.
"""

from __future__ import annotations

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
    if status == "failed":
        error = await run_in_threadpool(_last_error, db, prepared.outbox_id)
        raise TakeoverError(502, wording.LINE_REJECTED.format(error=error or "不明"))
    if status != "sent":
        line_runtime.relay.wake()  # pending: the relay retries with the same key
    return prepared


def _last_error(db: Database, outbox_id: int) -> str | None:
    """The recorded error of a failed push (a status line, never a body)."""
    with db.session() as session:
        row = session.get(OutboxMessage, outbox_id)
        return row.last_error if row else None
