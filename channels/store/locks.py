"""One turn at a time per conversation (reliability R5), across every gateway process.

Rasa's open-source lock store does not stop two gateways from racing on one conversation,
so the gateway serializes turns itself:

* `LocalLocks`: an asyncio.Lock per conversation, enough for one process (SQLite, tests).
* `AdvisoryLocks`: PostgreSQL `pg_advisory_xact_lock` on a 64-bit hash of the conversation
  key, held in a dedicated connection for the whole turn. Closing that connection ends its
  transaction and so releases the lock, also when a gateway dies mid-turn. A local lock in
  front keeps one waiting connection per conversation per process, and a semaphore bounds
  the connections the locks may hold.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

import psycopg
from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)


class LockUnavailable(RuntimeError):
    """The conversation lock could not be taken in time (database down, or a turn too slow)."""


class ConversationLocks(Protocol):
    """Hands out the lock of one conversation for the duration of a turn."""

    def hold(self, key: str) -> AbstractAsyncContextManager[None]:
        """Wait for the conversation's turn (LockUnavailable when that is not possible)."""


class LocalLocks:
    """One asyncio.Lock per conversation in this process; an entry lives only while in use."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Run the body alone among this process's turns of `key`."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if self._users[key] == 0:  # nobody waits: forget it, memory stays bounded
                del self._users[key]
                del self._locks[key]

    def __len__(self) -> int:
        return len(self._locks)


def advisory_key(key: str) -> int:
    """A signed 64-bit number for pg_advisory_xact_lock (a collision only serializes two turns)."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)


def libpq_url(database_url: str) -> str:
    """The SQLAlchemy URL as psycopg takes it (no `+driver`)."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class AdvisoryLocks:
    """Cross-process conversation locks on PostgreSQL advisory locks."""

    def __init__(self, database_url: str, wait_seconds: float = 30.0, max_connections: int = 10) -> None:
        self._conninfo = libpq_url(database_url)
        self.wait_seconds = wait_seconds
        self._local = LocalLocks()
        self._slots = asyncio.Semaphore(max_connections)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Hold the local lock, then the database lock, for the body."""
        async with self._local.hold(key), self._slots:
            conn = await self._acquire(advisory_key(key))
            try:
                yield
            finally:
                await self._release(conn)

    async def _acquire(self, lock_id: int) -> psycopg.AsyncConnection[object]:
        """Open a connection, begin, and wait (bounded by lock_timeout) for the advisory lock."""
        try:
            conn = await psycopg.AsyncConnection.connect(self._conninfo, connect_timeout=5)
        except psycopg.Error as exc:
            raise LockUnavailable(type(exc).__name__) from exc
        try:
            await conn.execute(f"SET lock_timeout = {int(self.wait_seconds * 1000)}")
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (lock_id,))
        except psycopg.Error as exc:
            await conn.close()
            raise LockUnavailable(type(exc).__name__) from exc
        return conn

    async def _release(self, conn: psycopg.AsyncConnection[object]) -> None:
        """End the transaction (this frees the lock) and close; a broken connection is freed anyway."""
        try:
            await conn.rollback()
        except psycopg.Error as exc:
            logger.warning("conversation lock release: %s", type(exc).__name__)
        finally:
            await conn.close()


def conversation_locks(database_url: str) -> ConversationLocks:
    """Advisory locks on PostgreSQL (several gateways may share it), local locks otherwise."""
    if make_url(database_url).get_backend_name() == "postgresql":
        return AdvisoryLocks(database_url)
    return LocalLocks()
