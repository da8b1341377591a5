"""Sliding-window message rate limit (reliability S4), in memory, per gateway process.

Shared by LINE (per resident, channels/line/) and the web chat (per session and per client
IP, channels/web/ratelimit.py). Why in memory: it only protects Rasa and the reply quota
from a burst (a stuck client, a flood); it is not a security boundary, so losing the counts
at a restart is harmless. With several gateways each counts its own share.
There is deliberately no IP allow-list of LINE's servers.
"""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from enum import Enum


class Verdict(Enum):
    """What to do with one incoming message."""

    ALLOW = "allow"
    WARN = "warn"  # first refused message in the window: answer once, politely
    DROP = "drop"  # further refused messages: stay silent


class SlidingWindowLimiter:
    """At most `limit` messages per `window` seconds for each key."""

    def __init__(self, limit: int = 20, window: float = 60.0, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self.clock = clock
        self._seen: dict[str, deque[float]] = {}
        self._warned: dict[str, float] = {}

    def check(self, key: str) -> Verdict:
        """Count one message for `key` and say whether it may pass."""
        now = self.clock()
        stamps = self._seen.setdefault(key, deque())
        while stamps and now - stamps[0] >= self.window:
            stamps.popleft()
        if len(stamps) < self.limit:
            stamps.append(now)
            self._trim()
            return Verdict.ALLOW
        warned_at = self._warned.get(key)
        if warned_at is not None and now - warned_at < self.window:
            return Verdict.DROP
        self._warned[key] = now
        return Verdict.WARN

    def _trim(self) -> None:
        """Forget the oldest keys so memory stays bounded."""
        while len(self._seen) > self.max_keys:
            oldest = next(iter(self._seen))
            self._seen.pop(oldest, None)
            self._warned.pop(oldest, None)
