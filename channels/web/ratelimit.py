"""Web chat rate limit (reliability S4): per session id and per client IP, in memory.

One session sending too fast, or one address cycling through fresh session ids, gets a
polite 429; other sessions and addresses go on as before. It reuses the sliding-window
limiter of LINE (channels/ratelimit.py). Behind a proxy or an ingress the client address
is the one uvicorn takes from X-Forwarded-For of trusted proxies (`--forwarded-allow-ips`);
otherwise every resident would share the proxy's address.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi import HTTPException

from channels.ratelimit import SlidingWindowLimiter, Verdict

TOO_FAST = (
    "短い時間にたくさんのメッセージが届きました。少し時間をおいてから、もう一度送ってください。"
    "命の危険があるときは、すぐに 110(警察)か 119(救急・消防)に電話してください。"
)


class WebRateLimit:
    """Two sliding windows: one per session id, one per client address."""

    def __init__(self, per_session: int = 20, per_ip: int = 120, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.sessions = SlidingWindowLimiter(per_session, window, clock=clock)
        self.addresses = SlidingWindowLimiter(per_ip, window, clock=clock)

    def allows(self, session_id: str, client_ip: str | None) -> bool:
        """Count one message; False when its session or its address is over the limit."""
        if self.sessions.check(f"s:{session_id}") is not Verdict.ALLOW:
            return False
        return self.addresses.check(f"ip:{client_ip or '?'}") is Verdict.ALLOW

    def enforce(self, session_id: str, client_ip: str | None) -> None:
        """Raise a 429 (JSON body in Japanese, Retry-After) when the message is over a limit."""
        if not self.allows(session_id, client_ip):
            raise HTTPException(status_code=429, detail=TOO_FAST,
                                headers={"Retry-After": str(max(1, round(self.window)))})
