"""Strict request/response models of the chat API (schemathesis checks them, tooling §4)."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, create_model

SESSION_ID_PATTERN = r"^[A-Za-z0-9_-]{16,128}$"


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
                str, Field(min_length=1, max_length=max_chars, pattern=r"\S", description="住民のメッセージ")
            ],
            ...,
        ),
    )
