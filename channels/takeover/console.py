"""Console pages of a takeover: take / write / release forms, the urgent alert poll, the audit page.

The forms post to /staff/... (session + CSRF, no JavaScript needed); the live parts
(new resident messages, urgent alerts) are polled by /static/console.js from
GET /api/handoffs/{id}/messages?after= and GET /staff/alerts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from channels.deps import ConsoleStaffDep, DatabaseDep, TemplatesDep
from channels.staff.auth import CsrfForm, StaffIdentity, check_csrf
from channels.staff.console import _checked_id, detail_page, render
from channels.store.db import Database
from channels.takeover import delivery, service, wording
from channels.takeover.service import TakeoverError

router = APIRouter(prefix="/staff", include_in_schema=False)


async def _after_action(
    templates: Any, db: Database, staff: StaffIdentity, handoff_id: str, exc: TakeoverError | None
) -> Response:
    """Back to the case page; a refusal is shown on it with its status code."""
    if exc is None:
        return RedirectResponse(f"/staff/handoffs/{handoff_id}#talk", status_code=303)
    return await run_in_threadpool(detail_page, templates, db, staff, handoff_id, exc.reason, exc.status)


async def _form_action(
    request: Request, staff: StaffIdentity, db: Database, templates: Any, handoff_id: str, csrf_token: str,
    action: Callable[[Database, StaffIdentity, str], object],
) -> Response:
    """Take and release are one form flow around a different service call; keep it in one place."""
    check_csrf(request, staff, csrf_token)
    handoff_id = _checked_id(handoff_id)
    try:
        await run_in_threadpool(action, db, staff, handoff_id)
    except TakeoverError as exc:
        return await _after_action(templates, db, staff, handoff_id, exc)
    return await _after_action(templates, db, staff, handoff_id, None)


@router.post("/handoffs/{handoff_id}/takeover")
async def take_form(
    request: Request, staff: ConsoleStaffDep, db: DatabaseDep, templates: TemplatesDep, handoff_id: str,
    csrf_token: CsrfForm = "",
) -> Response:
    """「この会話を受け持つ」."""
    return await _form_action(request, staff, db, templates, handoff_id, csrf_token, service.take)


@router.post("/handoffs/{handoff_id}/release")
async def release_form(
    request: Request, staff: ConsoleStaffDep, db: DatabaseDep, templates: TemplatesDep, handoff_id: str,
    csrf_token: CsrfForm = "",
) -> Response:
    """「自動の案内に戻す」."""
    return await _form_action(request, staff, db, templates, handoff_id, csrf_token, service.release)


@router.post("/handoffs/{handoff_id}/messages")
async def message_form(
    request: Request, staff: ConsoleStaffDep, db: DatabaseDep, templates: TemplatesDep, handoff_id: str,
    text: Annotated[str, Form(max_length=4000)] = "", csrf_token: CsrfForm = "",
) -> Response:
    """Send a message to the resident from the case page."""
    check_csrf(request, staff, csrf_token)
    handoff_id = _checked_id(handoff_id)
    limit = request.app.state.settings.max_text_chars
    text = text.strip()
    if not text or len(text) > limit:
        reason = wording.EMPTY_TEXT if not text else wording.TOO_LONG.format(limit=limit)
        return await _after_action(templates, db, staff, handoff_id, TakeoverError(422, reason))
    try:
        await delivery.send(db, getattr(request.app.state, "line", None), staff, handoff_id, text)
    except TakeoverError as exc:
        return await _after_action(templates, db, staff, handoff_id, exc)
    return await _after_action(templates, db, staff, handoff_id, None)


@router.get("/alerts")
async def alerts(staff: ConsoleStaffDep, db: DatabaseDep) -> JSONResponse:
    """Urgent handoffs nobody has accepted yet; every open console polls this."""
    urgent = await run_in_threadpool(service.alerts, db)
    return JSONResponse({"urgent": urgent}, headers={"Cache-Control": "no-store"})


@router.get("/audit", response_class=HTMLResponse)
async def audit_page(staff: ConsoleStaffDep, db: DatabaseDep, templates: TemplatesDep) -> HTMLResponse:
    """Who did what to which handoff, newest first (reading it is audited too)."""
    rows = await run_in_threadpool(service.audit_rows, db, staff.username)
    return render(templates, "staff/audit.html", staff=staff, rows=rows)
