"""Background work after the webhook's 200: tracked tasks and per-resident ordering.

Why: LINE wants the ack within 1–2 s whatever Rasa does (reliability L4), and the turns of
one resident must still run one at a time, in the order they arrived (R5, in-process).
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Coroutine
from contextlib import AbstractAsyncContextManager
from typing import Any

from channels.store.locks import LocalLocks

logger = logging.getLogger(__name__)


class TaskRunner:
    """Keeps references to fire-and-forget tasks so they are not collected, and can drain them."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._serial = LocalLocks()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Start `coro` now; failures are logged by type, never with their content."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def serial(self, key: str) -> AbstractAsyncContextManager[None]:
        """Run one resident's work one piece at a time; asyncio.Lock is FIFO, so order is kept.

        The per-key lock table is the store's LocalLocks: one implementation of "a lock per
        key that lives only while in use" for both conversation turns and LINE events.
        """
        return self._serial.hold(key)

    async def drain(self, timeout: float = 10.0) -> bool:
        """Wait for running tasks (tests, shutdown); True when none is left."""
        pending: set[Awaitable[Any]] = set(self._tasks)
        while pending:
            _done, still = await asyncio.wait(pending, timeout=timeout)
            if still:
                return False
            pending = {task for task in self._tasks if not task.done()}
        return True

    async def cancel_all(self) -> None:
        """Cancel what is still running (shutdown after the grace period)."""
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        """Forget the task and log an unexpected failure by type only."""
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            logger.error("line background task failed: %s", type(exc).__name__)
