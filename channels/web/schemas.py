"""Strict request/response models of the chat API (schemathesis checks them, tooling §4)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, create_model

SESSION_ID_PATTERN = r"^[A-Za-z0-9_-]{16,128}$"
NOT_BLANK_PATTERN = r"[^\s\x1c-\x1f\x85\ufeff]"
r"""Some character that is not blank in any reading: ``\S`` alone differs between regex
dialects (ECMAScript, which OpenAPI clients and schemathesis use, counts U+0085 and
U+001C–U+001F as text; Python's ``str.strip`` and pydantic's engine treat them as blank,
and only ECMAScript treats U+FEFF as blank). Schemathesis found 「\u0085」 accepted by the
schema but refused by the server."""


class ChatReply(BaseModel):
    """One assistant message."""

    text: str
    quick_replies: list[str] = Field(default_factory=list)


class ChatResponse(BaseModel):
    """The answer to one resident message."""

    session_id: str
    replies: list[ChatReply]


class ChatRequestBase(BaseModel):
    """Strict: a number is not a string, unknown keys are refused."""

    model_config = ConfigDict(strict=True, extra="forbid")
    session_id: str
    text: str


@lru_cache(maxsize=8)
def chat_request_model(max_chars: int) -> type[ChatRequestBase]:
    """The request model with the configured text cap in its schema (so OpenAPI tells the truth)."""
    return create_model(
        "ChatRequest",
        __base__=ChatRequestBase,
        session_id=(
            Annotated[
                str,
                Field(
                    min_length=16,
                    max_length=128,
                    pattern=SESSION_ID_PATTERN,
                    description="ページが作るランダムな会話番号",
                ),
            ],
            ...,
        ),
        text=(
            Annotated[
                str,
                Field(min_length=1, max_length=max_chars, pattern=NOT_BLANK_PATTERN,
                      description="住民のメッセージ"),
            ],
            ...,
        ),
    )
