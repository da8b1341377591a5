"""Run an async test in a fresh event loop on its own thread.

The browser tests keep Playwright's loop running in the main thread for the whole
session, so a plain asyncio test (or `asyncio.run`) collected after them could not start
its loop.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import functools
from collections.abc import Callable, Coroutine
from typing import Any


def in_own_loop(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Decorator: the async test runs to completion in its own loop and thread."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(asyncio.run, test(*args, **kwargs)).result()

    return run
