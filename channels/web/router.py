"""Routes of the web chat: the page and the JSON turn endpoint.

No `from __future__ import annotations` here: the request model is built at run time
(its text cap comes from settings) and FastAPI must see the class, not a string.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, FastAPI, Request
from fastapi.responses import HTMLResponse

from channels.deps import ConversationsDep, SettingsDep, TemplatesDep
from channels.errors import ErrorBody
from channels.web.ratelimit import WebRateLimit
from channels.web.schemas import ChatReply, ChatResponse, chat_request_model

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody},
    413: {"model": ErrorBody},
    422: {"model": ErrorBody},
    429: {"model": ErrorBody, "description": "too many messages from this session or address"},
}


def build_router(max_text_chars: int) -> APIRouter:
    """The router, with the request model sized to MAX_TEXT_CHARS."""
    router = APIRouter()
    request_model = chat_request_model(max_text_chars)

    @router.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def chat_page(templates: TemplatesDep, settings: SettingsDep) -> HTMLResponse:
        """The resident's chat page."""
        html = templates.get_template("chat.html").render(max_text_chars=settings.max_text_chars)
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    @router.get("/weather", response_class=HTMLResponse, include_in_schema=False)
    async def neutral_page(templates: TemplatesDep) -> HTMLResponse:
        """Where 「すぐに閉じる」 leads: a plain weather page that says nothing about consultation."""
        return HTMLResponse(templates.get_template("weather.html").render())

    @router.post("/api/chat", response_model=ChatResponse, responses=ERROR_RESPONSES, tags=["chat"])
    async def chat(
        request: Request,
        conversations: ConversationsDep,
        body: Annotated[request_model, Body()],  # type: ignore[valid-type]
    ) -> ChatResponse:
        """Send one resident message; returns the assistant's replies (contract §5)."""
        limit: WebRateLimit = request.app.state.web_rate_limit
        limit.enforce(body.session_id, request.client.host if request.client else None)
        replies = await conversations.handle("web", body.session_id, body.text)
        return ChatResponse(
            session_id=body.session_id,
            replies=[ChatReply(text=r.text, quick_replies=r.quick_replies) for r in replies],
        )

    return router


def install(app: FastAPI, max_text_chars: int) -> None:
    """Mount the web chat routes, with the rate limit from the app's settings."""
    settings = app.state.settings
    app.state.web_rate_limit = WebRateLimit(
        settings.web_rate_per_session, settings.web_rate_per_ip, settings.web_rate_window_seconds
    )
    app.include_router(build_router(max_text_chars))
