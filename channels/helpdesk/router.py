"""Help desk routes: the console page /staff/helpdesk and POST /api/helpdesk for staff."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from channels.deps import ApiStaffDep, ConsoleStaffDep, DatabaseDep, RasaDep, SettingsDep, TemplatesDep
from channels.errors import ErrorBody
from channels.helpdesk import service
from channels.rasa_client import RasaUnavailable
from channels.staff.auth import CsrfForm, check_csrf
from channels.staff.console import render
from channels.store import audit
from channels.store.db import Database
from channels.web.schemas import NOT_BLANK_PATTERN

logger = logging.getLogger(__name__)
router = APIRouter()
RASA_DOWN = "いまは自動の案内が使えません。少し時間をおいて、もう一度お試しください。"


class HelpdeskQuestion(BaseModel):
    """A staff question in plain Japanese."""

    model_config = ConfigDict(strict=True, extra="forbid")
    question: str = Field(min_length=1, max_length=500, pattern=NOT_BLANK_PATTERN)


@router.get("/staff/helpdesk", response_class=HTMLResponse, include_in_schema=False)
async def helpdesk_page(staff: ConsoleStaffDep, templates: TemplatesDep) -> HTMLResponse:
    """The empty question form."""
    return render(templates, "staff/helpdesk.html", staff=staff, question="", result=None, error=None)


@router.post("/staff/helpdesk", response_class=HTMLResponse, include_in_schema=False)
async def helpdesk_ask(
    request: Request,
    staff: ConsoleStaffDep,
    templates: TemplatesDep,
    rasa: RasaDep,
    db: DatabaseDep,
    settings: SettingsDep,
    question: Annotated[str, Form(max_length=500)],
    csrf_token: CsrfForm = "",
) -> HTMLResponse:
    """Answer the form (server-rendered, works without JavaScript)."""
    check_csrf(request, staff, csrf_token)
    question = question.strip()
    result, error = None, None
    if not question:
        error = "質問を入力してください。"
    else:
        try:
            result = await _answer(rasa, settings.municipality, question, db, staff.username)
        except RasaUnavailable:
            error = RASA_DOWN
    return render(
        templates, "staff/helpdesk.html", staff=staff, question=question, result=result, error=error
    )


@router.post(
    "/api/helpdesk",
    tags=["helpdesk"],
    responses={401: {"model": ErrorBody}, 403: {"model": ErrorBody}, 503: {"model": ErrorBody}},
)
async def helpdesk_api(
    request: Request,
    staff: ApiStaffDep,
    rasa: RasaDep,
    db: DatabaseDep,
    settings: SettingsDep,
    body: HelpdeskQuestion,
) -> dict[str, Any]:
    """JSON help desk for staff; session callers send X-CSRF-Token."""
    check_csrf(request, staff, request.headers.get("x-csrf-token"))
    try:
        result = await _answer(rasa, settings.municipality, body.question.strip(), db, staff.username)
    except RasaUnavailable as exc:
        raise HTTPException(503, RASA_DOWN) from exc
    return service.as_json(result)


async def _answer(
    rasa: Any, municipality: str, question: str, db: Database, actor: str
) -> service.HelpdeskAnswer:
    pack = await run_in_threadpool(service.pack_for, municipality)
    result = await service.answer(rasa, pack, question)
    await run_in_threadpool(_audit, db, actor)
    return result


def _audit(db: Database, actor: str) -> None:
    """Help desk use is audited too (the question itself is not stored)."""
    with db.session() as session:
        audit.record(session, actor, "helpdesk")
