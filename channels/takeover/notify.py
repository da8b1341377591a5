"""Durable on-duty notification of urgent handoffs to STAFF_NOTIFY_URL (reliability C2, R1, R3).

The row is written to the outbox (channel "notify") in the same transaction as the
handoff (channels/store/sink.py). This relay POSTs `{"handoff_id","level","created_at"}`
— never resident text — with `Idempotency-Key: <retry key>`; 5xx, 429, timeouts and
connection errors are retried with channels/line's capped backoff, other 4xx are final.
Rows are claimed with a compare-and-set on `next_attempt_at`, like the LINE relay.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from channels.line.outbox import RetryPolicy
from channels.store.db import Database
from channels.store.models import OutboxMessage, utcnow
from channels.store.outbox import attempt_due, claim_row
from channels.store.sink import NOTIFY_CHANNEL

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Due:
    """A claimed notification."""

    id: int
    payload: dict[str, Any]
    retry_key: str


def due_ids(db: Database, limit: int = 20) -> list[int]:
    """Pending notifications whose next attempt is due."""
    with db.session() as session:
        stmt = (
            select(OutboxMessage.id)
            .where(OutboxMessage.channel == NOTIFY_CHANNEL, OutboxMessage.status == "pending",
                   OutboxMessage.next_attempt_at <= utcnow())
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        return list(session.scalars(stmt))


def claim(db: Database, row_id: int, lease_seconds: float) -> Due | None:
    """Take a due row for one attempt; None when another relay has it."""
    return claim_row(db, row_id, NOTIFY_CHANNEL, lease_seconds,
                     lambda row: Due(row.id, dict(row.payload), row.retry_key))


def record(db: Database, row_id: int, status: int | None, error: str | None, policy: RetryPolicy) -> str:
    """Write one attempt's outcome; returns the row's new status."""
    now = utcnow()
    with db.session() as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        row.attempts += 1
        retryable = status is None or status == 429 or status >= 500
        if status is not None and 200 <= status < 300:
            row.status, row.sent_at, row.last_error = "sent", now, None
        elif retryable and row.attempts < policy.max_attempts:
            row.next_attempt_at = now + timedelta(seconds=policy.delay(row.attempts))
            row.last_error = error
        else:
            row.status, row.last_error = "failed", error
        session.commit()
        return row.status


class NotifyRelay:
    """Background sender of staff notifications; started by the app when STAFF_NOTIFY_URL is set."""

    def __init__(
        self, db: Database, url: str, policy: RetryPolicy | None = None, timeout: float = 5.0
    ) -> None:
        self.db = db
        self.url = url
        self.policy = policy or RetryPolicy(base_seconds=1.0, cap_seconds=60.0, max_attempts=20)
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=3.0))

    async def aclose(self) -> None:
        """Close the HTTP pool."""
        await self._client.aclose()

    async def deliver(self, row_id: int) -> str | None:
        """One attempt at one row; the row's new status, or None when it was not ours."""
        due = await run_in_threadpool(claim, self.db, row_id, self.policy.lease_seconds)
        if due is None:
            return None
        status, error = await self._post(due)
        outcome = await run_in_threadpool(record, self.db, row_id, status, error, self.policy)
        logger.info("staff notify row=%s status=%s outcome=%s", row_id, status or error, outcome)
        if outcome == "failed":
            logger.error("staff notify alert row=%s given up: %s", row_id, error)
        return outcome

    async def _post(self, due: Due) -> tuple[int | None, str | None]:
        try:
            response = await self._client.post(self.url, json=due.payload,
                                               headers={"Idempotency-Key": due.retry_key})
        except httpx.HTTPError as exc:
            return None, type(exc).__name__
        return response.status_code, None if response.is_success else f"http {response.status_code}"

    async def run_once(self) -> int:
        """Try every due row once."""
        return await attempt_due(self.db, due_ids, self.deliver)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll the outbox until `stop`; survives store and network faults."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception as exc:
                logger.error("staff notify pass failed: %s", type(exc).__name__)
            try:
                await asyncio.wait_for(stop.wait(), timeout=self.policy.poll_seconds)
            except TimeoutError:
                pass
