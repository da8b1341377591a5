"""GET /healthz: 200 only when the gateway, Rasa and the store all answer (contract §5)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from channels.deps import DatabaseDep, RasaDep

router = APIRouter(tags=["health"])


@router.get("/healthz", include_in_schema=False)
async def healthz(rasa: RasaDep, db: DatabaseDep) -> JSONResponse:
    """Probe Rasa and the store concurrently and report each part."""
    rasa_ok, store_ok = await asyncio.gather(rasa.ping(), run_in_threadpool(db.ping))
    parts = {"gateway": "ok", "rasa": "ok" if rasa_ok else "down", "store": "ok" if store_ok else "down"}
    healthy = rasa_ok and store_ok
    return JSONResponse(
        {"status": "ok" if healthy else "degraded", "parts": parts}, status_code=200 if healthy else 503
    )
