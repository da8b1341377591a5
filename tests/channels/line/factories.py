"""Test data for the LINE channel: signed webhook bodies and events, built, not pasted."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import string
import time
from typing import Any

AUTO = "auto"  # a fresh reply token
_ULID_ALPHABET = string.digits + "ABCDEFGHJKMNPQRSTVWXYZ"


def sign(body: bytes, secret: str) -> str:
    """X-Line-Signature for `body`: Base64 of HMAC-SHA256 keyed with the channel secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def new_secret() -> str:
    """A made-up channel secret, fresh for each test."""
    return secrets.token_hex(16)


def new_event_id() -> str:
    """A webhookEventId in LINE's ULID shape."""
    return "".join(secrets.choice(_ULID_ALPHABET) for _ in range(26))


def new_user_id() -> str:
    """A LINE userId shape: U + 32 hex digits."""
    return "U" + secrets.token_hex(16)


def new_reply_token() -> str:
    """A reply token shape."""
    return secrets.token_hex(16)


def line_event(event_type: str, *, user_id: str | None = None, event_id: str | None = None,
               reply_token: str | None = AUTO, source: dict[str, Any] | None = None,
               mode: str = "active", redelivery: bool = False, **fields: Any) -> dict[str, Any]:
    """Any webhook event; `source` defaults to a 1:1 chat with `user_id`."""
    event: dict[str, Any] = {
        "type": event_type, "mode": mode, "timestamp": int(time.time() * 1000),
        "source": source or {"type": "user", "userId": user_id or new_user_id()},
        "webhookEventId": event_id or new_event_id(),
        "deliveryContext": {"isRedelivery": redelivery},
    }
    if reply_token:
        event["replyToken"] = new_reply_token() if reply_token == AUTO else reply_token
    event.update(fields)
    return event


def line_text_event(text: str, **kwargs: Any) -> dict[str, Any]:
    """A text message event."""
    message = {"id": str(secrets.randbelow(10**12)), "type": "text", "text": text, "quoteToken": "q"}
    return line_event("message", message=message, **kwargs)


def line_message_event(kind: str, **kwargs: Any) -> dict[str, Any]:
    """A non-text message event (sticker, image, ...), with the fields LINE sends for it."""
    extra: dict[str, Any] = {
        "sticker": {"packageId": "1", "stickerId": "1", "stickerResourceType": "STATIC"},
        "image": {"contentProvider": {"type": "line"}},
        "video": {"duration": 1000, "contentProvider": {"type": "line"}},
        "audio": {"duration": 1000, "contentProvider": {"type": "line"}},
        "file": {"fileName": "a.txt", "fileSize": 1},
        "location": {"title": "t", "address": "a", "latitude": 35.4, "longitude": 136.7},
    }[kind]
    message = {"id": str(secrets.randbelow(10**12)), "type": kind, "quoteToken": "q", **extra}
    return line_event("message", message=message, **kwargs)


def webhook_body(*events: dict[str, Any], destination: str = "U0000000000000000000000000000000f") -> bytes:
    """The raw body LINE would send (UTF-8 JSON, not ASCII-escaped)."""
    return json.dumps({"destination": destination, "events": list(events)}, ensure_ascii=False).encode()
