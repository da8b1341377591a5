"""A tiny round-robin TCP load balancer on loopback, for the scale-out test and local trials.

Each new client connection goes to the next backend in turn and bytes are piped both ways.
It balances connections, not requests: a client that keeps a connection alive stays with one
gateway, as behind a real L4 balancer. Production uses the cluster's own (deploy/k8s/).

    python scripts/loadbalancer.py --port 8080 --backend 127.0.0.1:8001 --backend 127.0.0.1:8002
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import sys
import threading
from collections import Counter

CHUNK = 64 * 1024


class RoundRobin:
    """Accepts on 127.0.0.1 and hands each connection to the next backend."""

    def __init__(self, backends: list[tuple[str, int]], port: int = 0) -> None:
        self.backends = backends
        self.port = port
        self.served: Counter[int] = Counter()  # connections per backend index
        self._next = itertools.cycle(range(len(backends)))
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        """Listen; returns the port (a free one when 0 was asked)."""
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self.port

    async def close(self) -> None:
        """Stop accepting and close the listening socket."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        """Connect to the next backend and pipe until either side closes."""
        index = next(self._next)
        host, port = self.backends[index]
        try:
            backend_r, backend_w = await asyncio.wait_for(asyncio.open_connection(host, port), 5)
        except (OSError, TimeoutError):
            client_w.close()  # the backend is down: the client sees a closed connection
            return
        self.served[index] += 1
        await asyncio.gather(_pipe(client_r, backend_w), _pipe(backend_r, client_w))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy bytes until EOF, then close the writing side."""
    try:
        while chunk := await reader.read(CHUNK):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(ConnectionError, OSError, RuntimeError):
            writer.close()


class Background:
    """A RoundRobin on its own event loop in a daemon thread (for synchronous tests)."""

    def __init__(self, backends: list[tuple[str, int]]) -> None:
        self.balancer = RoundRobin(backends)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    def __enter__(self) -> RoundRobin:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self.balancer.start(), self._loop).result(10)
        return self.balancer

    def __exit__(self, *_exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self.balancer.close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)


def parse_backend(text: str) -> tuple[str, int]:
    """`host:port`, loopback only."""
    host, _, port = text.rpartition(":")
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise argparse.ArgumentTypeError("backends must be on loopback")
    return host, int(port)


async def serve(port: int, backends: list[tuple[str, int]]) -> None:
    """Run until cancelled (Ctrl-C)."""
    balancer = RoundRobin(backends, port)
    print(f"http://127.0.0.1:{await balancer.start()}", flush=True)
    await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Round-robin TCP load balancer on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--backend", type=parse_backend, action="append", required=True)
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.backend))
    return 0


if __name__ == "__main__":
    sys.exit(main())
