"""Async HTTP client for the Rasa server: REST channel turns, /model/parse, and a health probe.

The gateway never imports the NLU; it reaches Rasa over HTTP only (docs/architecture.md).
"""

from __future__ import annotations

import itertools
import logging
import zlib
from typing import Any
from urllib.parse import quote

import httpx

# httpx logs every request line at INFO; Rasa's API token travels in the query (?token=),
# so those lines must never reach the log.
logging.getLogger("httpx").setLevel(logging.WARNING)

REWIND_TURN: list[dict[str, Any]] = [{"event": "rewind"}, {"event": "action", "name": "action_listen"}]
"""Undo the last turn: `rewind` drops the last user message, what followed it *and* the
action_listen before it, so the listen is put back — without it the resent message
follows a bot action, no rule matches, and the dialogue asks its question again."""


class RasaUnavailable(RuntimeError):
    """Rasa did not answer in time, refused the connection or returned an error status."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RasaClient:
    """Thin wrapper over shared httpx.AsyncClients with explicit timeouts.

    `base_url` names one Rasa server, or several separated by commas: Rasa processes
    that share one tracker store (RASA_PROCESSES in scripts/stack.py). Each
    conversation goes to one of them, chosen by its sender id, so its turns stay in
    order under that process's lock; when that process refuses the connection (nothing
    was sent), the next one takes the turn from the shared tracker.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        timeout: float = 15.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.base_urls = [url.strip().rstrip("/") for url in base_url.split(",") if url.strip()]
        if not self.base_urls:
            raise ValueError("no Rasa server URL given")
        self.token = token
        self._clients = [
            httpx.AsyncClient(base_url=url, transport=transport, timeout=httpx.Timeout(timeout, connect=3.0))
            for url in self.base_urls
        ]
        self._next = itertools.count()

    async def aclose(self) -> None:
        """Close the connection pools (app shutdown)."""
        for client in self._clients:
            await client.aclose()

    def _order(self, sender: str | None) -> list[httpx.AsyncClient]:
        """The servers to try, first choice first: fixed per sender, else taking turns."""
        start = zlib.crc32(sender.encode()) if sender is not None else next(self._next)
        first = start % len(self._clients)
        return self._clients[first:] + self._clients[:first]

    async def send_message(
        self, sender: str, text: str, metadata: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """One turn over the REST channel; returns Rasa's list of bot messages.

        `metadata` is kept on the user event in the tracker (the gateway puts a turn id there).
        """
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        data = await self._request("POST", "/webhooks/rest/webhook", sender, json=body)
        if not isinstance(data, list):
            raise RasaUnavailable("unexpected webhook answer shape")
        return [m for m in data if isinstance(m, dict)]

    async def revert_turn(self, sender: str, turn_id: str) -> bool:
        """Undo turn `turn_id` if it is the last one in Rasa's tracker; True when it was undone.

        The gateway calls this when it could not finish a turn Rasa may have run, so the
        resident's resend is the one turn the tracker keeps (see REWIND_TURN); checking
        the turn id first keeps an earlier, finished turn from being undone when this one
        never reached the tracker.
        """
        path = f"/conversations/{quote(sender, safe='')}/tracker"
        params: dict[str, str] = {"include_events": "NONE"}
        if self.token:
            params["token"] = self.token
        tracker = await self._request("GET", path, sender, params=params)
        latest = tracker.get("latest_message") if isinstance(tracker, dict) else None
        metadata = (latest or {}).get("metadata") or {}
        if not isinstance(metadata, dict) or metadata.get("turn") != turn_id:
            return False
        await self._request("POST", f"{path}/events", sender, json=REWIND_TURN, params=params)
        return True

    async def parse(self, text: str) -> dict[str, Any]:
        """NLU only (help desk): POST /model/parse with the API token."""
        params = {"token": self.token} if self.token else None
        data = await self._request("POST", "/model/parse", None, json={"text": text}, params=params)
        if not isinstance(data, dict):
            raise RasaUnavailable("unexpected parse answer shape")
        return data

    async def ping(self) -> bool:
        """True when every Rasa server's root endpoint answers 200."""
        for client in self._clients:
            try:
                response = await client.get("/", timeout=3.0)
            except httpx.HTTPError:
                return False
            if response.status_code != 200:
                return False
        return True

    async def _request(self, method: str, path: str, sender: str | None, **kwargs: Any) -> Any:
        """Send a request and decode JSON; every transport or status failure becomes RasaUnavailable.

        Only a refused connection moves on to the next server: then the request surely
        never arrived, so the turn cannot run twice.
        """
        refused: httpx.ConnectError | None = None
        for client in self._order(sender):
            try:
                response = await client.request(method, path, **kwargs)
            except httpx.ConnectError as exc:
                refused = exc
                continue
            except httpx.HTTPError as exc:
                raise RasaUnavailable(type(exc).__name__) from exc
            return _decoded(response)
        raise RasaUnavailable(type(refused).__name__) from refused


def _decoded(response: httpx.Response) -> Any:
    """The JSON body of a 200 answer; anything else is RasaUnavailable."""
    if response.status_code != 200:
        raise RasaUnavailable(f"status {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise RasaUnavailable("answer is not JSON") from exc
