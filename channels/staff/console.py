"""The staff console (/staff): login, queue, case detail, status changes, exports.

Takeover forms, alerts and the audit page live in channels/takeover/console.py.
"""

from __future__ import annotations

import logging
import re
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from channels.deps import ConsoleStaffDep, DatabaseDep, SettingsDep, TemplatesDep
from channels.staff import export, labels, service
from channels.staff.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    CsrfForm,
    StaffIdentity,
    check_csrf,
    cookie_secure,
    reject_cross_site,
)
from channels.store import staff_sessions, staff_users
from channels.store.db import Database
from channels.store.handoffs import StatusConflict
from channels.takeover import service as takeover_service

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/staff", include_in_schema=False)

HANDOFF_ID = r"^[A-Za-z0-9_-]{1,64}$"
NEXT_STATUS = {"new": ("accepted", "対応中にする"), "accepted": ("closed", "完了にする")}


def render(templates: Any, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a console template with the shared label helpers; never cached by the browser."""
    html = templates.get_template(name).render(labels=labels, **context)
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, templates: TemplatesDep) -> HTMLResponse:
    """The login form, with a double-submit token for the anonymous POST."""
    return _login_page(request, templates)


def _login_page(
    request: Request, templates: Any, status_code: int = 200, error: str | None = None
) -> HTMLResponse:
    """The login form with a fresh double-submit token; every showing (also after a failure) needs one."""
    token = secrets.token_urlsafe(32)
    response = render(templates, "staff/login.html", status_code=status_code, csrf_token=token, error=error)
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=cookie_secure(request),
        path="/staff/login",
        max_age=1800,
    )
    return response


@router.post("/login")
async def login(
    request: Request,
    templates: TemplatesDep,
    settings: SettingsDep,
    db: DatabaseDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    csrf_token: CsrfForm = "",
) -> Response:
    """Check the password, then issue a brand-new session id (no fixation)."""
    reject_cross_site(request)
    cookie_token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not csrf_token or not secrets.compare_digest(csrf_token, cookie_token):
        raise HTTPException(403, "フォームの有効期限が切れました。ページを読み込み直してください。")
    old = request.cookies.get(SESSION_COOKIE)
    session_id = await run_in_threadpool(_login, db, username, password, old)
    if session_id is None:
        logger.info("staff login failed")
        return _login_page(
            request, templates, status_code=401, error="ユーザー名またはパスワードが違います。"
        )
    response = RedirectResponse("/staff", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request),
        path="/",
        max_age=settings.staff_absolute_hours * 3600,
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/staff/login")
    return response


def _login(db: Database, username: str, password: str, old_session: str | None) -> str | None:
    """Authenticate and create a session; an old session cookie is ended first."""
    with db.session() as session:
        if old_session and len(old_session) <= 128:
            staff_sessions.end(session, old_session)
        user = staff_users.authenticate(session, username, password)
        if user is None:
            return None
        session_id, _row = staff_sessions.create(session, user.username)
        return session_id


@router.post("/logout")
async def logout(
    request: Request,
    staff: ConsoleStaffDep,
    db: DatabaseDep,
    csrf_token: CsrfForm = "",
) -> RedirectResponse:
    """End the session."""
    check_csrf(request, staff, csrf_token)
    session_id = request.cookies.get(SESSION_COOKIE, "")

    def end() -> None:
        with db.session() as session:
            staff_sessions.end(session, session_id)

    await run_in_threadpool(end)
    response = RedirectResponse("/staff/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("", response_class=HTMLResponse)
async def case_list(staff: ConsoleStaffDep, db: DatabaseDep, templates: TemplatesDep) -> HTMLResponse:
    """The queue: urgent first, then the longest waiting."""
    rows = await run_in_threadpool(service.queue, db, staff.username)
    return render(templates, "staff/list.html", staff=staff, rows=rows)


@router.get("/handoffs/{handoff_id}", response_class=HTMLResponse)
async def case_detail(
    staff: ConsoleStaffDep, db: DatabaseDep, templates: TemplatesDep, handoff_id: str
) -> HTMLResponse:
    """One case as a caseworker reads it, with its conversation since the handoff."""
    return await run_in_threadpool(detail_page, templates, db, staff, _checked_id(handoff_id))


def detail_page(
    templates: Any, db: Database, staff: StaffIdentity, handoff_id: str, error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The case page (sync: thread pool); a refused action is shown on it as `error`."""
    found = service.detail(db, staff.username, handoff_id)
    if found is None:
        return render(templates, "staff/not_found.html", status_code=404, staff=staff)
    record, history = found
    talk = takeover_service.conversation(db, staff.username, handoff_id)
    return render(
        templates,
        "staff/detail.html",
        status_code=status_code,
        staff=staff,
        record=record,
        history=history,
        next_status=NEXT_STATUS.get(record["status"]),
        talk=talk,
        error=error,
    )


@router.post("/handoffs/{handoff_id}/status")
async def case_status(
    request: Request,
    staff: ConsoleStaffDep,
    db: DatabaseDep,
    handoff_id: str,
    to: Annotated[str, Form(max_length=16)],
    csrf_token: CsrfForm = "",
) -> RedirectResponse:
    """新規 → 対応中 → 完了, recording who and when."""
    check_csrf(request, staff, csrf_token)
    try:
        found = await run_in_threadpool(
            service.change_status, db, staff.username, _checked_id(handoff_id), to
        )
    except StatusConflict as exc:
        raise HTTPException(409, "この状態からは変更できません。画面を読み込み直してください。") from exc
    if not found:
        raise HTTPException(404, "該当する引き継ぎはありません。")
    return RedirectResponse(f"/staff/handoffs/{handoff_id}", status_code=303)


@router.get("/export.{fmt}")
async def export_all(staff: ConsoleStaffDep, db: DatabaseDep, fmt: str) -> Response:
    """Every record as JSON or CSV (audited)."""
    _checked_format(fmt)
    records = await run_in_threadpool(service.records, db, staff.username, f"export_all_{fmt}")
    return _download(records, fmt, "handoffs")


@router.get("/handoffs/{handoff_id}/export.{fmt}")
async def export_one(staff: ConsoleStaffDep, db: DatabaseDep, handoff_id: str, fmt: str) -> Response:
    """One record as JSON or CSV (audited)."""
    _checked_format(fmt)
    record = await run_in_threadpool(
        service.record, db, staff.username, _checked_id(handoff_id), f"export_{fmt}"
    )
    if record is None:
        raise HTTPException(404, "該当する引き継ぎはありません。")
    return _download([record], fmt, f"handoff-{handoff_id}")


def _download(records: list[dict[str, Any]], fmt: str, stem: str) -> Response:
    if fmt == "json":
        body, media = export.to_json(records), "application/json; charset=utf-8"
    else:
        body, media = export.to_csv(records), "text/csv; charset=utf-8"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{stem}.{fmt}"', "Cache-Control": "no-store"},
    )


def _checked_id(handoff_id: str) -> str:
    if not re.fullmatch(HANDOFF_ID, handoff_id):
        raise HTTPException(404, "該当する引き継ぎはありません。")
    return handoff_id


def _checked_format(fmt: str) -> None:
    if fmt not in ("json", "csv"):
        raise HTTPException(404)

