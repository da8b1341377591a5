"""Routes of 「相談の傾向」 (/staff/trends and /staff/trends.csv): staff session only, audited.

Reads the records' codes through channels/staff/trends.py; charts come from charts.py.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from channels.deps import ConsoleStaffDep, DatabaseDep, TemplatesDep
from channels.staff import charts, trends
from channels.staff.console import render
from channels.store import audit
from channels.store.db import Database
from channels.store.models import Handoff

router = APIRouter(prefix="/staff", include_in_schema=False)


def load(db: Database, actor: str, action: str) -> trends.Trends:
    """Aggregate every stored handoff and write one audit row (`trends_read` / `trends_csv`)."""
    with db.session() as session:
        records: list[dict[str, Any]] = list(session.scalars(select(Handoff.record)))
        audit.record(session, actor, action)
    return trends.build(records)


@router.get("/trends", response_class=HTMLResponse)
async def trends_page(staff: ConsoleStaffDep, db: DatabaseDep, templates: TemplatesDep) -> HTMLResponse:
    """The needs picture: tables and server-drawn SVG charts."""
    found = await run_in_threadpool(load, db, staff.username, "trends_read")
    chart_svgs = {t.key: charts.bar_chart(f"chart-{t.key}", t.title, t.cells) for t in found.tables}
    return render(
        templates,
        "staff/trends.html",
        staff=staff,
        trends=found,
        charts=chart_svgs,
        small_label=trends.SMALL_LABEL,
        hidden_label=trends.HIDDEN_LABEL,
    )


@router.get("/trends.csv")
async def trends_csv(staff: ConsoleStaffDep, db: DatabaseDep) -> Response:
    """The same numbers as CSV (UTF-8 with BOM for spreadsheet software)."""
    found = await run_in_threadpool(load, db, staff.username, "trends_csv")
    return Response(
        to_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="trends.csv"',
            "Cache-Control": "no-store",
        },
    )


def to_csv(found: trends.Trends) -> str:
    """Header and rows; every cell is a label or a count, never resident text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(trends.CSV_COLUMNS)
    writer.writerows(trends.csv_rows(found))
    return "\ufeff" + buffer.getvalue()
