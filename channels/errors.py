"""JSON errors in Japanese for every API failure: `{"error": "..."}`, never a 500 for bad input."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

MESSAGES = {
    400: "リクエストの形式が正しくありません。",
    401: "ログインが必要です。",
    403: "この操作は許可されていません。",
    404: "見つかりませんでした。",
    405: "この方法では利用できません。",
    409: "いまの状態では、この操作はできません。",
    413: "送られたデータが大きすぎます。短くして、もう一度送ってください。",
    415: "JSON 形式で送ってください。",
    422: "入力内容を確認してください。",
    429: "短い時間に多くの送信がありました。少し時間をおいてください。",
    503: "いまは利用できません。少し時間をおいて、もう一度お試しください。",
}


class ErrorBody(BaseModel):
    """The error shape of every JSON API response."""

    error: str


def error_response(
    status: int, message: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    """A JSON error with a Japanese message."""
    text = message or MESSAGES.get(status, "エラーが発生しました。")
    return JSONResponse({"error": text}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers on the app."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else None
        return error_response(exc.status_code, detail, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        # Field paths only: the offending values may be resident text.
        fields = sorted({".".join(str(p) for p in err.get("loc", ()) if p != "body") for err in exc.errors()})
        # The route's template, never the raw path: a path may carry a chat session id (§8).
        route = getattr(request.scope.get("route"), "path", "?")
        logger.info("rejected request to %s: %s", route, ",".join(f for f in fields if f))
        return error_response(422, _validation_message(exc))


def _validation_message(exc: RequestValidationError) -> str:
    """A plain Japanese reason for the most useful validation error."""
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        kind = str(err.get("type", ""))
        if "text" in loc:
            if kind in ("string_too_long",):
                return "メッセージが長すぎます。短く分けて送ってください。"
            if kind in ("missing", "string_too_short", "string_pattern_mismatch"):
                return "メッセージが空です。お困りのことを文字で送ってください。"
            return "メッセージは文字で送ってください。"
        if "session_id" in loc:
            return "会話の番号が正しくありません。ページを読み込み直してください。"
        if kind == "json_invalid":
            return "JSON の形式が正しくありません。"
    return MESSAGES[422]
