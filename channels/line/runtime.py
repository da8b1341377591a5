"""The LINE channel's long-lived parts, built at app start-up and closed at shutdown.

Why a router lifespan: `channels/app.py` mounts `channels.line.router` when it exists, and
FastAPI merges an included router's lifespan into the app's. So the outbox relay starts
after the app's own start-up (migrations) and stops before the database is disposed,
without the app knowing anything about LINE.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from fastapi import FastAPI
from linebot.v3.webhook import WebhookParser

from channels.conversation import Conversations
from channels.line.events import EventProcessor
from channels.line.messaging import LineMessenger, batches, text_messages
from channels.line.outbox import OutboxRelay, RetryPolicy
from channels.line.tasks import TaskRunner
from channels.ratelimit import SlidingWindowLimiter
from channels.settings import Settings
from channels.store.db import Database
from channels.store.handoffs import sender_key

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LineOptions:
    """Tuning of the channel ([GUESS] defaults); tests put their own on `app.state.line_options`."""

    reply_budget_seconds: float = 20.0  # reply tokens last about a minute; leave a wide margin
    api_timeout_seconds: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    rate_limit: int = 20  # messages per resident per window
    rate_window_seconds: float = 60.0
    shutdown_grace_seconds: float = 5.0


@dataclass
class LineRuntime:
    """Everything the webhook and the background work share."""

    parser: WebhookParser
    db: Database
    messenger: LineMessenger
    relay: OutboxRelay
    processor: EventProcessor
    runner: TaskRunner
    stop: asyncio.Event
    relay_task: asyncio.Task[None] | None = None


def build_runtime(settings: Settings, db: Database, conversations: Conversations,
                  options: LineOptions) -> LineRuntime | None:
    """The runtime, or None when the channel is not configured (then /callback answers 503)."""
    if not settings.line_channel_secret:
        logger.warning("LINE_CHANNEL_SECRET is not set: /callback answers 503")
        return None
    if not settings.line_channel_access_token:
        logger.warning("LINE_CHANNEL_ACCESS_TOKEN is not set: /callback answers 503")
        return None
    messenger = LineMessenger(settings.line_api_base_url, settings.line_channel_access_token,
                              timeout=options.api_timeout_seconds)
    relay = OutboxRelay(db, messenger, options.retry)
    runner = TaskRunner()
    processor = EventProcessor(
        conversations=conversations, messenger=messenger, relay=relay, db=db,
        hash_key=settings.sender_hash_key, runner=runner, reply_budget=options.reply_budget_seconds,
        limiter=SlidingWindowLimiter(options.rate_limit, options.rate_window_seconds),
    )
    return LineRuntime(WebhookParser(settings.line_channel_secret), db, messenger, relay, processor,
                       runner, asyncio.Event())


@asynccontextmanager
async def line_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the outbox relay with the app; on shutdown let running turns finish briefly."""
    options: LineOptions = getattr(app.state, "line_options", None) or LineOptions()
    runtime = build_runtime(app.state.settings, app.state.db, app.state.conversations, options)
    app.state.line = runtime
    if runtime is None:
        yield
        return
    runtime.relay_task = asyncio.create_task(runtime.relay.run(runtime.stop))
    try:
        yield
    finally:
        await shutdown(runtime, options.shutdown_grace_seconds)
        app.state.line = None


async def push_text(runtime: LineRuntime, user_id: str, text: str) -> list[int]:
    """Send a text to a resident by push through the outbox (e.g. a staff message, contract §8).

    Returns the outbox row ids; their `retry_key` makes every retry safe from double delivery.
    """
    key = sender_key(runtime.processor.hash_key, "line", user_id)
    return await runtime.relay.push(user_id, key, batches(text_messages(text)))


async def shutdown(runtime: LineRuntime, grace: float) -> None:
    """Drain background turns, stop the relay, close the HTTP pool."""
    if not await runtime.runner.drain(timeout=grace):
        logger.warning("line shutdown: cancelling unfinished turns (their pushes stay in the outbox)")
        await runtime.runner.cancel_all()
    runtime.stop.set()
    if runtime.relay_task is not None:
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(runtime.relay_task, timeout=grace)
    await runtime.messenger.aclose()
