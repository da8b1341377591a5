"""`POST /callback`: LINE's webhook. Verify, record, acknowledge; the work runs afterwards.

Order matters (reliability L1, L6, L7): the signature is checked over the exact raw bytes
before anything is parsed or stored; then each `webhookEventId` is committed to
`processed_events` (the primary key makes a redelivery or a concurrent copy lose), and only
then does LINE get its 200. Dialogue turns and API calls run in background tasks, so the
ack never waits for Rasa (L4). Bad requests are 400, never 500; a store fault is 503 so
LINE redelivers.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from fastapi import APIRouter, Request, Response
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import Event
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from channels.errors import error_response
from channels.line.dedup import claim_ids
from channels.line.runtime import LineRuntime, line_lifespan

logger = logging.getLogger(__name__)

router = APIRouter(lifespan=line_lifespan)


class BadWebhook(ValueError):
    """The request is not a correctly signed LINE webhook (answered with 400)."""


@router.post("/callback", include_in_schema=False)
async def callback(request: Request) -> Response:
    """Acknowledge a verified webhook once its events are recorded; never 500 for bad input."""
    runtime: LineRuntime | None = getattr(request.app.state, "line", None)
    if runtime is None:
        return error_response(503)
    received_at = time.monotonic()
    body = await request.body()
    try:
        events = verify_and_parse(runtime.parser, body, request.headers.get("x-line-signature"))
    except BadWebhook as exc:
        logger.warning("line webhook refused: %s", exc)
        return error_response(400)
    try:
        fresh = await run_in_threadpool(first_seen, runtime, events)
    except SQLAlchemyError as exc:
        logger.error("line webhook not recorded, store unavailable: %s", type(exc).__name__)
        return error_response(503)
    if fresh:
        runtime.processor.schedule(fresh, received_at)
    logger.info("line webhook events=%d new=%d", len(events), len(fresh))
    return Response(status_code=200)


def verify_and_parse(parser: WebhookParser, body: bytes, signature: str | None) -> list[Event]:
    """Check `X-Line-Signature` (HMAC-SHA256, compared in constant time by the SDK), then parse."""
    if not signature or not signature.strip():
        raise BadWebhook("missing signature")
    try:
        text = body.decode("utf-8")  # strict: the bytes round-trip exactly, so the HMAC is over them
    except UnicodeDecodeError as exc:
        raise BadWebhook("body is not UTF-8") from exc
    try:
        return list(parser.parse(text, signature))
    except InvalidSignatureError as exc:
        raise BadWebhook("signature mismatch") from exc
    except Exception as exc:  # a signed but malformed body is still the sender's fault
        raise BadWebhook(f"malformed payload ({type(exc).__name__})") from exc


def first_seen(runtime: LineRuntime, events: Sequence[Event]) -> list[Event]:
    """The events whose `webhookEventId` this request recorded first (sync: thread pool)."""
    with_ids = [event for event in events if _event_id(event)]
    claimed = claim_ids(runtime.db, [_event_id(event) for event in with_ids])
    return [event for event, first in zip(with_ids, claimed, strict=True) if first]


def _event_id(event: Event) -> str:
    """LINE's unique id of the event ('' when absent: such events are not processed)."""
    value = getattr(event, "webhook_event_id", None)
    return value if isinstance(value, str) and 0 < len(value) <= 128 else ""
