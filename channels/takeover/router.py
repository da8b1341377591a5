"""The contract §8 endpoints: takeover, staff messages, conversation, release, and the web feed.

Staff endpoints take a bearer token (STAFF_API_TOKENS) or a staff session; a session
caller must send its CSRF token in `X-CSRF-Token` on POST. The web feed is keyed by the
session id, a capability: it is never logged (uvicorn runs with --no-access-log, and no
log line of this module names a path or an id of a resident).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, ParamSpec

from fastapi import APIRouter, Body, Path, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from channels.deps import ApiStaffDep, DatabaseDep, SettingsDep
from channels.errors import ErrorBody, error_response
from channels.staff.auth import StaffIdentity, check_csrf
from channels.store import conversation_log
from channels.store.db import Database
from channels.store.handoffs import sender_key
from channels.takeover import delivery, service, wording
from channels.takeover.service import TakeoverError
from channels.web.schemas import SESSION_ID_PATTERN

router = APIRouter(tags=["person-in-the-loop"])
HandoffId = Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody},
    403: {"model": ErrorBody},
    404: {"model": ErrorBody},
    409: {"model": ErrorBody},
}
P = ParamSpec("P")
SSE_SECONDS = 25.0  # a stream ends after this; EventSource reconnects with Last-Event-ID


class StaffMessageIn(BaseModel):
    """A staff member's message to the resident."""

    model_config = ConfigDict(strict=True, extra="forbid")
    text: str = Field(min_length=1, max_length=4000, description="住民に送る文面")


class StaffMessageOut(BaseModel):
    """Where the stored message went."""

    id: str
    delivered_via: str
    at: str


class FeedMessage(BaseModel):
    """One message the web page shows that was not in a chat answer."""

    model_config = ConfigDict(populate_by_name=True)
    from_: str = Field(alias="from")
    text: str
    at: str


class Feed(BaseModel):
    """The web chat feed (contract §8)."""

    messages: list[FeedMessage]
    cursor: str


def _refused(exc: TakeoverError) -> JSONResponse:
    return error_response(exc.status, exc.reason)


def _cursor(raw: str | None) -> int:
    """A cursor is a non-negative message id; anything else counts as 0 (start)."""
    return int(raw) if raw and raw.isdigit() and len(raw) <= 18 else 0


def _csrf(request: Request, staff: StaffIdentity) -> None:
    check_csrf(request, staff, request.headers.get("x-csrf-token"))


async def _answer(call: Callable[P, Any], *args: P.args, **kwargs: P.kwargs) -> Any:
    """Run a sync service call in the thread pool; a refusal (404/409) becomes its JSON error."""
    try:
        return await run_in_threadpool(call, *args, **kwargs)
    except TakeoverError as exc:
        return _refused(exc)


@router.post("/api/handoffs/{handoff_id}/takeover", responses=ERRORS)
async def takeover(
    request: Request, staff: ApiStaffDep, db: DatabaseDep, handoff_id: str = HandoffId
) -> Any:
    """Take the conversation: the assistant stays silent for this resident until release."""
    _csrf(request, staff)
    return await _answer(service.take, db, staff, handoff_id)


@router.post(
    "/api/handoffs/{handoff_id}/messages",
    status_code=201,
    response_model=StaffMessageOut,
    responses={**ERRORS, 502: {"model": ErrorBody}, 503: {"model": ErrorBody}},
)
async def post_message(
    request: Request,
    staff: ApiStaffDep,
    db: DatabaseDep,
    settings: SettingsDep,
    body: Annotated[StaffMessageIn, Body()],
    handoff_id: str = HandoffId,
) -> Any:
    """Write to the resident on the channel they came from (LINE push or the web feed)."""
    _csrf(request, staff)
    text = body.text.strip()
    if not text:
        return error_response(422, wording.EMPTY_TEXT)
    if len(text) > settings.max_text_chars:
        return error_response(422, wording.TOO_LONG.format(limit=settings.max_text_chars))
    line_runtime = getattr(request.app.state, "line", None)
    try:
        sent = await delivery.send(db, line_runtime, staff, handoff_id, text)
    except TakeoverError as exc:
        return _refused(exc)
    return StaffMessageOut(id=str(sent.id), delivered_via=sent.delivered_via, at=sent.at.isoformat())


@router.get("/api/handoffs/{handoff_id}/messages", responses=ERRORS)
async def get_messages(
    staff: ApiStaffDep, db: DatabaseDep, handoff_id: str = HandoffId, after: str | None = None
) -> Any:
    """The whole conversation since the handoff (or after a cursor), both sides, in order."""
    return await _answer(service.conversation, db, staff.username, handoff_id, _cursor(after))


@router.post("/api/handoffs/{handoff_id}/release", responses=ERRORS)
async def release(
    request: Request, staff: ApiStaffDep, db: DatabaseDep, handoff_id: str = HandoffId
) -> Any:
    """Hand back to the assistant; its conversation state was never touched."""
    _csrf(request, staff)
    return await _answer(service.release, db, staff, handoff_id)


@router.get(
    "/api/chat/{session_id}/messages",
    response_model=Feed,
    responses={404: {"model": ErrorBody}},
    tags=["chat"],
)
async def web_feed(request: Request, session_id: str, db: DatabaseDep, settings: SettingsDep,
                   after: str | None = None) -> Any:
    """Staff messages for this chat session, as JSON or as server-sent events."""
    if not re.fullmatch(SESSION_ID_PATTERN, session_id):
        return error_response(404)  # checked here: a validation error would log the path
    key = sender_key(settings.sender_hash_key, "web", session_id)
    cursor = _cursor(request.headers.get("last-event-id") or after)
    if "text/event-stream" in request.headers.get("accept", ""):
        stream = _events(db, key, cursor, settings.web_feed_poll_seconds)
        return StreamingResponse(stream, media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    rows = await run_in_threadpool(_feed, db, key, cursor)
    cursor = rows[-1][0] if rows else cursor
    messages = [item for _id, item in rows]
    return JSONResponse({"messages": messages, "cursor": str(cursor)}, headers={"Cache-Control": "no-store"})


def _feed(db: Database, key: str, after: int) -> list[tuple[int, dict[str, str]]]:
    """Feed items after the cursor, each with its id (the next cursor)."""
    with db.session() as session:
        rows = conversation_log.feed(session, key, after)
    return [(r.id, {"from": r.author, "text": r.text, "at": r.at.isoformat()}) for r in rows]


async def _events(db: Database, key: str, cursor: int, poll: float) -> AsyncIterator[str]:
    """A bounded SSE stream: one `message` event per item, its `id` the cursor (Last-Event-ID)."""
    yield "retry: 2000\n\n"
    deadline = time.monotonic() + SSE_SECONDS
    while time.monotonic() < deadline:  # Starlette ends the generator when the client leaves
        for item_id, item in await run_in_threadpool(_feed, db, key, cursor):
            cursor = item_id
            yield f"id: {item_id}\nevent: message\ndata: {json.dumps(item, ensure_ascii=False)}\n\n"
        await asyncio.sleep(poll)
