"""The gateway application, composed from routers: `uvicorn channels.app:app`.

`create_app(settings)` builds a fresh app (tests pass their own settings); the module-level
`app` is built lazily on first access so importing this module has no side effects.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from channels import errors, health
from channels.body_limit import BodyLimitMiddleware
from channels.conversation import Conversations
from channels.helpdesk import router as helpdesk
from channels.rasa_client import RasaClient
from channels.security_headers import SecurityHeadersMiddleware
from channels.settings import Settings
from channels.staff import api as staff_api
from channels.staff import console as staff_console
from channels.staff import labels
from channels.staff import trends_page as staff_trends
from channels.staff.auth import LoginRequired
from channels.store.db import Database
from channels.store.locks import conversation_locks
from channels.store.migrate import upgrade
from channels.store.sink import DatabaseHandoffSink
from channels.takeover import console as takeover_console
from channels.takeover import router as takeover
from channels.takeover.hours import availability, team_status
from channels.takeover.inbox import DatabaseInbox
from channels.takeover.notify import NotifyRelay
from channels.web import router as web

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent / "web"


def create_app(
    settings: Settings | None = None, *, rasa: RasaClient | None = None, db: Database | None = None
) -> FastAPI:
    """Build the gateway with its shared services on `app.state`."""
    settings = settings or Settings.from_env()
    db = db or Database(settings.database_url)
    rasa = rasa or RasaClient(settings.rasa_url, settings.rasa_token, timeout=settings.rasa_timeout)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.migrate_on_startup:
            await run_in_threadpool(upgrade, db)
        async with _notify_relay(app, settings, db):
            yield
        await rasa.aclose()
        db.dispose()

    app = FastAPI(
        title="岐阜市 相談受付アシスタント ゲートウェイ",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.rasa = rasa
    app.state.templates = _templates(settings)
    app.state.conversations = Conversations(
        rasa,
        DatabaseHandoffSink(db, settings.sender_hash_key, settings.staff_notify_url),
        max_text_chars=settings.max_text_chars,
        hash_key=settings.sender_hash_key,
        inbox=DatabaseInbox(db, settings.sender_hash_key),
        availability=availability(settings.municipality),
        locks=conversation_locks(settings.database_url),
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    errors.install(app)
    app.add_exception_handler(LoginRequired, _to_login)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.include_router(health.router)
    web.install(app, settings.max_text_chars)
    app.include_router(staff_console.router)
    app.include_router(staff_api.router)
    app.include_router(staff_trends.router)
    app.include_router(takeover.router)
    app.include_router(takeover_console.router)
    app.include_router(helpdesk.router)
    _include_optional(app, "channels.line.router")
    return app


@contextlib.asynccontextmanager
async def _notify_relay(app: FastAPI, settings: Settings, db: Database) -> AsyncIterator[None]:
    """Run the STAFF_NOTIFY_URL relay for the app's lifetime (tests may set app.state.notify_policy)."""
    if not settings.staff_notify_url:
        yield
        return
    relay = NotifyRelay(db, settings.staff_notify_url, getattr(app.state, "notify_policy", None))
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    app.state.notify_relay = relay
    try:
        yield
    finally:
        stop.set()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(task, timeout=5)
        await relay.aclose()


def _templates(settings: Settings) -> Environment:
    """Jinja2 with autoescape for every template (resident text is untrusted)."""
    env = Environment(
        loader=FileSystemLoader(WEB_DIR / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
    )
    env.globals["team_status"] = lambda: team_status(settings.municipality)
    env.filters["jst_time"] = labels.jst_time
    env.filters["category"] = labels.category
    env.filters["crisis_type"] = lambda code: labels.CRISIS_TYPE_LABELS.get(code, code)
    return env


async def _to_login(request: Request, exc: Exception) -> RedirectResponse:
    """Console pages without a session go to the login form."""
    return RedirectResponse("/staff/login", status_code=303)


def _include_optional(app: FastAPI, module_name: str) -> None:
    """Mount a channel that is built separately (LINE) when its module provides `router`."""
    try:
        if importlib.util.find_spec(module_name) is None:
            return
    except ModuleNotFoundError:
        return
    module = importlib.import_module(module_name)
    router = getattr(module, "router", None)
    if router is not None:
        app.include_router(router)


def __getattr__(name: str) -> Any:
    """Build `app` on first access (uvicorn channels.app:app)."""
    if name == "app":
        logging.basicConfig(level=logging.INFO)
        application = create_app()
        globals()["app"] = application
        return application
    raise AttributeError(name)
