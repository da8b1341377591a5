"""The router that `channels/app.py` mounts when present (it carries the channel's lifespan)."""
from __future__ import annotations

from channels.line.webhook import router

__all__ = ["router"]
