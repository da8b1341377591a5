"""Messaging API calls through the real SDK (`AsyncMessagingApi`), classified for the caller.

Why a wrapper: the reply path and the outbox relay must tell "delivered", "already accepted"
(409 on a repeated retry key), "worth retrying" (5xx, 429, timeout) and "never retry" (other
4xx) apart, and every call is logged with endpoint, status and `x-line-request-id` but
never a message body (reliability L9, L10, L13, S1).
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

import aiohttp
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    Message,
    MessageAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    TextMessage,
)

from channels.conversation import Reply

logger = logging.getLogger(__name__)

MAX_MESSAGES_PER_CALL = 5  # LINE accepts at most five message objects per reply or push
MAX_TEXT_CHARS = 5000  # LINE's limit for one text message
MAX_QUICK_REPLY_ITEMS = 13
MAX_LABEL_CHARS = 20
MAX_ACTION_TEXT_CHARS = 300


class Outcome(Enum):
    """What a Messaging API call means for the message."""

    SENT = "sent"  # 2xx
    ALREADY_ACCEPTED = "already_accepted"  # 409: an earlier try with the same retry key got through
    RETRY = "retry"  # 5xx, 429, timeout, connection error: same retry key later
    REJECTED = "rejected"  # other 4xx (for a reply: usually an expired or used reply token)


@dataclass(frozen=True)
class CallResult:
    """The classified answer of one API call (no bodies: they may echo resident data)."""

    outcome: Outcome
    status: int | None
    request_id: str | None = None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        """True when LINE holds the message (sent now, or accepted by an earlier try)."""
        return self.outcome in (Outcome.SENT, Outcome.ALREADY_ACCEPTED)


def classify(status: int) -> Outcome:
    """Map an HTTP status to what the caller should do next."""
    if 200 <= status < 300:
        return Outcome.SENT
    if status == 409:
        return Outcome.ALREADY_ACCEPTED
    if status == 429 or status >= 500:
        return Outcome.RETRY
    return Outcome.REJECTED


class LineMessenger:
    """Owns one SDK client (an aiohttp pool) for the app's lifetime; reply and push only."""

    def __init__(self, base_url: str, access_token: str, timeout: float = 10.0) -> None:
        self._config = Configuration(host=base_url.rstrip("/"), access_token=access_token)
        self._timeout = timeout
        self._client: AsyncApiClient | None = None
        self._api: AsyncMessagingApi | None = None

    def _messaging(self) -> AsyncMessagingApi:
        """The SDK API object, created inside the running loop (aiohttp needs one)."""
        if self._api is None:
            self._client = AsyncApiClient(self._config)
            self._api = AsyncMessagingApi(self._client)
        return self._api

    async def aclose(self) -> None:
        """Close the connection pool (app shutdown)."""
        if self._client is not None:
            await self._client.close()
        self._client = None
        self._api = None

    async def reply(self, reply_token: str, messages: Sequence[dict[str, Any]]) -> CallResult:
        """Answer with a reply token (free, single use, valid for a short time)."""
        request = ReplyMessageRequest(reply_token=reply_token, messages=_sdk_messages(messages))
        api = self._messaging()
        return await self._call("reply", lambda: api.reply_message_with_http_info(
            request, _request_timeout=self._timeout))

    async def push(self, to: str, messages: Sequence[dict[str, Any]], retry_key: str) -> CallResult:
        """Push with `X-Line-Retry-Key`, so a repeated try is never delivered twice."""
        request = PushMessageRequest(to=to, messages=_sdk_messages(messages))
        api = self._messaging()
        return await self._call("push", lambda: api.push_message_with_http_info(
            request, x_line_retry_key=retry_key, _request_timeout=self._timeout))

    async def _call(self, endpoint: str, send: Callable[[], Awaitable[Any]]) -> CallResult:
        """Run one call with an outer deadline; classify and log it without bodies."""
        started = time.monotonic()
        try:
            response = await asyncio.wait_for(send(), timeout=self._timeout + 1.0)
        except ApiException as exc:
            status = int(exc.status or 0)
            result = CallResult(classify(status) if status else Outcome.REJECTED, status,
                                _request_id(exc.headers), f"http {status}")
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            result = CallResult(Outcome.RETRY, None, None, type(exc).__name__)
        else:
            result = CallResult(Outcome.SENT, response.status_code, _request_id(response.headers))
        elapsed_ms = (time.monotonic() - started) * 1000
        logger.info("line api POST %s status=%s request_id=%s outcome=%s ms=%.0f", endpoint,
                    result.status if result.status is not None else result.error, result.request_id,
                    result.outcome.value, elapsed_ms)
        return result


def _request_id(headers: Any) -> str | None:
    """LINE's `x-line-request-id` response header, when there is one."""
    if not headers:
        return None
    value = headers.get("x-line-request-id") or headers.get("X-Line-Request-Id")
    return str(value)[:64] if value else None


def _sdk_messages(messages: Sequence[dict[str, Any]]) -> list[Message]:
    """SDK message objects from the JSON form kept in the outbox."""
    return [Message.from_dict(dict(message)) for message in messages]


def line_messages(replies: Sequence[Reply]) -> list[dict[str, Any]]:
    """LINE text messages (JSON form) for the replies; quick replies stay on their own message."""
    messages: list[dict[str, Any]] = []
    for reply in replies:
        parts = _split_text(reply.text)
        for index, part in enumerate(parts):
            message = TextMessage(text=part)
            buttons = quick_reply(reply.quick_replies) if index == len(parts) - 1 else None
            if buttons is not None and buttons.items:
                message.quick_reply = buttons
            messages.append(message.to_dict())
    return messages


def text_messages(*texts: str) -> list[dict[str, Any]]:
    """Plain text messages (fixed notices of the channel)."""
    return line_messages([Reply(text) for text in texts])


def quick_reply(titles: Sequence[str]) -> QuickReply:
    """Message-action buttons: a tap sends the title itself, so it takes the typed-answer path."""
    items = []
    for title in list(dict.fromkeys(t for t in titles if t.strip()))[:MAX_QUICK_REPLY_ITEMS]:
        text = title[:MAX_ACTION_TEXT_CHARS]
        items.append(QuickReplyItem(action=MessageAction(label=button_label(title), text=text)))
    return QuickReply(items=items)


def button_label(title: str) -> str:
    """A label within LINE's 20 characters; a longer title is shortened with an ellipsis."""
    title = title.strip()
    if len(title) <= MAX_LABEL_CHARS:
        return title
    return title[: MAX_LABEL_CHARS - 1] + "…"


def batches(messages: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Groups of at most five messages, in order (one API call each)."""
    size = MAX_MESSAGES_PER_CALL
    return [list(messages[i:i + size]) for i in range(0, len(messages), size)]


def _split_text(text: str) -> list[str]:
    """Pieces of at most 5,000 characters (LINE rejects longer text messages)."""
    text = text or " "
    return [text[i:i + MAX_TEXT_CHARS] for i in range(0, len(text), MAX_TEXT_CHARS)]
