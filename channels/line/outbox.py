"""LINE pushes through the `outbox` table: a stable retry key per message batch, capped backoff.

Why an outbox: a push that failed with 5xx or timed out may still have reached the resident.
Keeping the `X-Line-Retry-Key` with the row means every later try (inline, by the relay, or
after a restart) reuses it, and LINE answers 409 instead of delivering twice (reliability L9).
Rows are claimed with a compare-and-set on `next_attempt_at`, so the inline sender and the
relay (or two gateway processes) never send the same row at the same moment.
"""
from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from starlette.concurrency import run_in_threadpool

from channels.line.messaging import CallResult, LineMessenger, Outcome
from channels.store.db import Database
from channels.store.models import OutboxMessage, utcnow
from channels.store.outbox import attempt_due, claim_row

logger = logging.getLogger(__name__)

CHANNEL = "line"
AlertHook = Callable[[int, str], None]


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff and limits of the relay (all numbers are [GUESS] defaults to tune)."""

    base_seconds: float = 2.0
    cap_seconds: float = 300.0
    max_attempts: int = 8
    alert_after: int = 3
    max_age_seconds: float = 12 * 3600.0  # LINE keeps a retry key for 24 h; stop well before
    lease_seconds: float = 30.0  # a claimed row is not re-sent before this, even after a crash
    poll_seconds: float = 1.0

    def delay(self, attempts: int) -> float:
        """Capped exponential backoff with jitter ("equal jitter": between half and all of the step)."""
        step = min(self.cap_seconds, self.base_seconds * 2 ** max(attempts - 1, 0))
        return random.uniform(step / 2, step)


@dataclass(frozen=True)
class Claimed:
    """What the sender needs from a claimed row (detached from its session)."""

    id: int
    recipient: str
    recipient_key: str
    messages: list[dict[str, Any]]
    retry_key: str


def new_row(recipient: str, recipient_key: str, messages: Sequence[dict[str, Any]]) -> OutboxMessage:
    """An unsaved pending push (≤5 LINE message dicts) with a fresh retry key.

    Callers that need it in their own transaction (a staff message and its transcript line)
    add this row to their session, commit, then call `OutboxRelay.wake()`.
    """
    now = utcnow()
    return OutboxMessage(channel=CHANNEL, recipient_key=recipient_key, recipient=recipient,
                         payload={"messages": list(messages)}, retry_key=str(uuid.uuid4()),
                         status="pending", attempts=0, next_attempt_at=now, created_at=now)


def enqueue(db: Database, recipient: str, recipient_key: str,
            batches: Sequence[Sequence[dict[str, Any]]]) -> list[int]:
    """Store one pending row per batch (≤5 messages), each with a fresh retry key; commit."""
    with db.session() as session:
        rows = [new_row(recipient, recipient_key, batch) for batch in batches if batch]
        session.add_all(rows)
        session.commit()
        return [row.id for row in rows]


def claim(db: Database, row_id: int, lease_seconds: float) -> Claimed | None:
    """Take a due row for one send attempt; None when it is not due or someone else has it."""
    return claim_row(db, row_id, CHANNEL, lease_seconds, lambda row: Claimed(
        row.id, row.recipient, row.recipient_key, list(row.payload.get("messages", [])), row.retry_key))


def due_ids(db: Database, limit: int = 50) -> list[int]:
    """Pending LINE rows whose next attempt is due, oldest first."""
    with db.session() as session:
        stmt = (select(OutboxMessage.id)
                .where(OutboxMessage.channel == CHANNEL, OutboxMessage.status == "pending",
                       OutboxMessage.next_attempt_at <= utcnow())
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
        return list(session.scalars(stmt))


def record_result(db: Database, row_id: int, result: CallResult, policy: RetryPolicy) -> OutboxMessage:
    """Write the attempt's outcome: sent, pending again after a backoff, or failed for good."""
    now = utcnow()
    with db.session() as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        row.attempts += 1
        if result.delivered:
            _mark_sent(row, now, result)
        elif result.outcome is Outcome.RETRY and _may_retry(row, now, policy):
            row.next_attempt_at = now + timedelta(seconds=policy.delay(row.attempts))
            row.last_error = result.error
        else:
            row.status = "failed"
            row.last_error = result.error or "rejected"
        session.commit()
        return row


def cancel_for(db: Database, recipient_key: str, reason: str) -> int:
    """Give up pending pushes to a recipient (they blocked the account); returns how many."""
    with db.session() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.channel == CHANNEL, OutboxMessage.recipient_key == recipient_key,
                   OutboxMessage.status == "pending")
            .values(status="failed", last_error=reason)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _mark_sent(row: OutboxMessage, now: datetime, result: CallResult) -> None:
    """A 2xx, or a 409 meaning an earlier try with this retry key was accepted."""
    row.status = "sent"
    row.sent_at = now
    row.last_error = "409 already accepted" if result.outcome is Outcome.ALREADY_ACCEPTED else None


def _may_retry(row: OutboxMessage, now: datetime, policy: RetryPolicy) -> bool:
    """Below the attempt cap and young enough that the retry key still protects us."""
    age = (now - row.created_at).total_seconds()
    return row.attempts < policy.max_attempts and age < policy.max_age_seconds


def log_alert(row_id: int, reason: str) -> None:
    """Default alert hook: an ERROR log line an operator's log alerting picks up."""
    logger.error("line outbox alert row=%s %s", row_id, reason)


class OutboxRelay:
    """Sends due rows now (after a reply failed) and keeps retrying in the background."""

    def __init__(self, db: Database, messenger: LineMessenger, policy: RetryPolicy | None = None,
                 alert: AlertHook = log_alert) -> None:
        self.db = db
        self.messenger = messenger
        self.policy = policy or RetryPolicy()
        self.alert = alert
        self._wake = asyncio.Event()

    async def push(self, recipient: str, recipient_key: str,
                   batches: Sequence[Sequence[dict[str, Any]]]) -> list[int]:
        """Enqueue and try each batch at once, in order; later tries are the relay's job."""
        row_ids = await run_in_threadpool(enqueue, self.db, recipient, recipient_key, batches)
        for row_id in row_ids:
            await self.deliver(row_id)
        return row_ids

    async def deliver(self, row_id: int) -> str | None:
        """One attempt at one row; returns the row's new status, or None if it was not ours."""
        claimed = await run_in_threadpool(claim, self.db, row_id, self.policy.lease_seconds)
        if claimed is None:
            return None
        result = await self.messenger.push(claimed.recipient, claimed.messages, claimed.retry_key)
        row = await run_in_threadpool(record_result, self.db, row_id, result, self.policy)
        self._maybe_alert(row)
        return row.status

    async def run_once(self) -> int:
        """Deliver every due row once; returns how many were attempted."""
        return await attempt_due(self.db, due_ids, self.deliver)

    async def run(self, stop: asyncio.Event) -> None:
        """The background loop started at app start-up; survives store and network faults."""
        while not stop.is_set():
            self._wake.clear()
            try:
                await self.run_once()
            except Exception:  # the relay must outlive a bad moment of the store
                logger.exception("line outbox relay pass failed")
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
            await asyncio.wait(waiters, timeout=self.policy.poll_seconds, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()

    def wake(self) -> None:
        """Ask the loop to look at the table now (e.g. a staff message was enqueued)."""
        self._wake.set()

    def _maybe_alert(self, row: OutboxMessage) -> None:
        """Alert after N failed attempts and when a row is given up (reliability L10, R3)."""
        if row.status == "failed":
            self.alert(row.id, f"gave up after {row.attempts} attempts: {row.last_error}")
        elif row.status == "pending" and row.attempts == self.policy.alert_after:
            self.alert(row.id, f"{row.attempts} failed attempts, still retrying: {row.last_error}")
