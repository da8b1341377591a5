"""Who is the staff member behind a request: a bearer token (machines) or a console session.

Sessions are server-side (channels/store/staff_sessions.py), regenerated at every login,
with an idle and an absolute timeout (reliability S7). State-changing forms carry a
synchronizer CSRF token and cross-site POSTs are refused by Fetch Metadata.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Form, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from channels.settings import Settings
from channels.store import staff_sessions, staff_users
from channels.store.db import Database

SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
CsrfForm = Annotated[str, Form(max_length=128)]  # the CSRF token field of every console form, one definition


@dataclass(frozen=True)
class StaffIdentity:
    """The authenticated caller; `csrf_token` is None for bearer-token clients."""

    username: str
    display_name: str
    via: str
    csrf_token: str | None = None


class LoginRequired(Exception):
    """A console page was requested without a live session (answered with a redirect)."""


def bearer_identity(request: Request, settings: Settings) -> StaffIdentity | None:
    """The identity for a valid `Authorization: Bearer` token, compared in constant time."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    for index, known in enumerate(settings.staff_api_tokens, start=1):
        if hmac.compare_digest(token.strip().encode(), known.encode()):
            return StaffIdentity(f"api-token-{index}", f"APIトークン{index}", via="token")
    return None


async def session_identity(request: Request, settings: Settings, db: Database) -> StaffIdentity | None:
    """The identity for a live session cookie (refreshes its idle clock)."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id or len(session_id) > 128:
        return None
    idle = timedelta(minutes=settings.staff_idle_minutes)
    absolute = timedelta(hours=settings.staff_absolute_hours)

    def lookup() -> StaffIdentity | None:
        with db.session() as session:
            row = staff_sessions.touch(session, session_id, idle, absolute)
            if row is None:
                return None
            user = staff_users.get_by_username(session, row.username)
            if user is None:
                return None
            return StaffIdentity(user.username, user.display_name, via="session", csrf_token=row.csrf_token)

    return await run_in_threadpool(lookup)


async def api_staff(request: Request, settings: Settings, db: Database) -> StaffIdentity:
    """Bearer token or session, else 401 JSON."""
    identity = bearer_identity(request, settings) or await session_identity(request, settings, db)
    if identity is None:
        raise HTTPException(401, headers={"WWW-Authenticate": "Bearer"})
    return identity


async def console_staff(request: Request, settings: Settings, db: Database) -> StaffIdentity:
    """Session only (the console is for people); else a redirect to the login form."""
    identity = await session_identity(request, settings, db)
    if identity is None:
        raise LoginRequired()
    return identity


def reject_cross_site(request: Request) -> None:
    """Fetch Metadata: a browser that says the POST came from another site gets 403."""
    if request.headers.get("sec-fetch-site", "").lower() == "cross-site":
        raise HTTPException(403, "別のサイトからの送信は受け付けていません。")


def check_csrf(request: Request, identity: StaffIdentity, token: str | None) -> None:
    """Synchronizer token check for session callers; bearer clients carry no cookies, so no CSRF."""
    reject_cross_site(request)
    if identity.via == "token":
        return
    expected = identity.csrf_token or ""
    if not token or not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise HTTPException(403, "フォームの有効期限が切れました。ページを読み込み直してください。")


def cookie_secure(request: Request) -> bool:
    """Secure cookies whenever the page was served over https."""
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
