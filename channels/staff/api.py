"""GET /api/handoffs and /api/handoffs/{id} (contract §6) for a bearer token or a staff session."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Path
from starlette.concurrency import run_in_threadpool

from channels.deps import ApiStaffDep, DatabaseDep
from channels.errors import ErrorBody
from channels.staff import service
from channels.store.records import HandoffRecord

router = APIRouter(prefix="/api/handoffs", tags=["handoffs"])
AUTH_ERRORS: dict[int | str, dict[str, Any]] = {401: {"model": ErrorBody}}
HandoffId = Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


@router.get("", response_model=list[HandoffRecord], responses=AUTH_ERRORS)
async def list_handoffs(staff: ApiStaffDep, db: DatabaseDep) -> list[dict[str, Any]]:
    """Every handoff, urgent first then oldest waiting."""
    return await run_in_threadpool(service.records, db, staff.username, "api_list")


@router.get(
    "/{handoff_id}", response_model=HandoffRecord, responses={**AUTH_ERRORS, 404: {"model": ErrorBody}}
)
async def get_handoff(staff: ApiStaffDep, db: DatabaseDep, handoff_id: str = HandoffId) -> dict[str, Any]:
    """One handoff record."""
    found = await run_in_threadpool(service.record, db, staff.username, handoff_id, "api_read")
    if found is None:
        raise HTTPException(404, "該当する引き継ぎはありません。")
    return found
