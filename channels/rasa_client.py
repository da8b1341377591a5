"""Async HTTP client for the Rasa server: REST channel turns, /model/parse, and a health probe.

The gateway never imports the NLU; it reaches Rasa over HTTP only (docs/architecture.md).
"""

from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailable(RuntimeError):
    """Rasa did not answer in time, refused the connection or returned an error status."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RasaClient:
    """Thin wrapper over one shared httpx.AsyncClient with explicit timeouts."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout: float = 15.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self._client = httpx.AsyncClient(
            base_url=self.base_url,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=3.0),
        )

    async def aclose(self) -> None:
        """Close the connection pool (app shutdown)."""
        await self._client.aclose()

    async def send_message(self, sender: str, text: str) -> list[dict[str, Any]]:
        """One turn over the REST channel; returns Rasa's list of bot messages."""
        data = await self._request("POST", "/webhooks/rest/webhook", json={"sender": sender, "message": text})
        if not isinstance(data, list):
            raise RasaUnavailable("unexpected webhook answer shape")
        return [m for m in data if isinstance(m, dict)]

    async def parse(self, text: str) -> dict[str, Any]:
        """NLU only (help desk): POST /model/parse with the API token."""
        params = {"token": self.token} if self.token else None
        data = await self._request("POST", "/model/parse", json={"text": text}, params=params)
        if not isinstance(data, dict):
            raise RasaUnavailable("unexpected parse answer shape")
        return data

    async def ping(self) -> bool:
        """True when Rasa's root endpoint answers 200."""
        try:
            response = await self._client.get("/", timeout=3.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send a request and decode JSON; every transport or status failure becomes RasaUnavailable."""
        try:
            response = await self._client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise RasaUnavailable(type(exc).__name__) from exc
        if response.status_code != 200:
            raise RasaUnavailable(f"status {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise RasaUnavailable("answer is not JSON") from exc
