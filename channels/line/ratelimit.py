"""LINE's per-resident rate limit: the shared limiter of channels/ratelimit.py (kept importable here)."""
from __future__ import annotations

from channels.ratelimit import SlidingWindowLimiter, Verdict

__all__ = ["SlidingWindowLimiter", "Verdict"]
