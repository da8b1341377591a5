"""A local stand-in for LINE's Messaging API: reply and push, recorded and scriptable.

It runs an aiohttp server on 127.0.0.1:<free port> in its own thread and event loop, so
tests can point the real SDK at it (LINE_API_BASE_URL) whatever loop the gateway runs in.
It behaves like LINE where the tests depend on it: a reply token works once; a push whose
`X-Line-Retry-Key` was already accepted answers 409 and is not delivered again.
Scripts make the next calls to a path fail: a status code, "timeout" (no answer in time),
or "accept-timeout" (delivered, then no answer: the ambiguous case retry keys exist for).
"""
from __future__ import annotations

import asyncio
import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

REPLY = "/v2/bot/message/reply"
PUSH = "/v2/bot/message/push"
Action = int | str


@dataclass(frozen=True)
class Recorded:
    """One request as the stand-in saw it."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float
    status: int

    @property
    def retry_key(self) -> str | None:
        """The push's X-Line-Retry-Key header."""
        return self.headers.get("x-line-retry-key")

    @property
    def texts(self) -> list[str]:
        """The texts of the messages in the request."""
        return [m.get("text", "") for m in self.body.get("messages", [])]


@dataclass
class LineStandin:
    """Start with `start()`, stop with `stop()`; `base_url` goes into LINE_API_BASE_URL."""

    hang_seconds: float = 3.0
    requests: list[Recorded] = field(default_factory=list)
    delivered: list[Recorded] = field(default_factory=list)
    base_url: str = ""

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._scripts: dict[str, deque[Action]] = {REPLY: deque(), PUSH: deque()}
        self._used_tokens: set[str] = set()
        self._accepted_keys: set[str] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="line-standin", daemon=True)
        self._runner: web.AppRunner | None = None

    def start(self) -> LineStandin:
        """Serve on a free port; returns self."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)
        return self

    def stop(self) -> None:
        """Shut the server and its loop down."""
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def script(self, path: str, *actions: Action) -> None:
        """Queue what the next calls to `path` do: 500, 400, 409, 429, "timeout", "accept-timeout"."""
        with self._lock:
            self._scripts[path].extend(actions)

    def calls(self, path: str) -> list[Recorded]:
        """Every request made to `path`, in order."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def deliveries(self, path: str | None = None) -> list[Recorded]:
        """Requests that delivered messages (what the resident would see)."""
        with self._lock:
            return [r for r in self.delivered if path is None or r.path == path]

    async def _serve(self) -> None:
        app = web.Application()
        app.router.add_post(REPLY, self._reply)
        app.router.add_post(PUSH, self._push)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"

    async def _reply(self, request: web.Request) -> web.Response:
        body = await request.json()
        action = self._next_action(REPLY)
        token = body.get("replyToken", "")
        if action is None:
            with self._lock:
                action = 400 if token in self._used_tokens else 200
                self._used_tokens.add(token)
        return await self._answer(request, REPLY, body, action)

    async def _push(self, request: web.Request) -> web.Response:
        body = await request.json()
        action = self._next_action(PUSH)
        key = request.headers.get("X-Line-Retry-Key")
        if key and key in self._accepted_keys and action in (None, "accept-timeout"):
            action = 409
        return await self._answer(request, PUSH, body, action if action is not None else 200)

    async def _answer(self, request: web.Request, path: str, body: dict[str, Any],
                      action: Action) -> web.Response:
        status = action if isinstance(action, int) else 200
        delivers = status == 200
        record = Recorded(path, {k.lower(): v for k, v in request.headers.items()}, body, time.monotonic(),
                          status if action != "timeout" else 0)
        with self._lock:
            self.requests.append(record)
            if delivers and action != "timeout":
                self.delivered.append(record)
                key = request.headers.get("X-Line-Retry-Key")
                if key:
                    self._accepted_keys.add(key)
        if action in ("timeout", "accept-timeout"):
            await asyncio.sleep(self.hang_seconds)
        headers = {"x-line-request-id": str(uuid.uuid4())}
        if status == 200:
            sent = [{"id": str(i), "quoteToken": "q"} for i, _ in enumerate(body["messages"])]
            payload = {"sentMessages": sent}
            return web.json_response(payload, headers=headers)
        message = {400: "Invalid reply token", 409: "The retry key is already accepted",
                   429: "Too many requests"}.get(status, "Internal error")
        return web.Response(status=status, text=json.dumps({"message": message}), headers=headers,
                            content_type="application/json")

    def _next_action(self, path: str) -> Action | None:
        with self._lock:
            return self._scripts[path].popleft() if self._scripts[path] else None
