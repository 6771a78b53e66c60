"""Polling an object with ``asyncio.sleep`` until it reaches a state, within a time limit."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Awaitable, Callable, Optional, TypeVar

from openapi_client.exceptions import ApiValueError, WaiterTimeoutError

__all__ = ["wait_until"]

T = TypeVar("T")
logger = logging.getLogger("openapi_client")


async def wait_until(
    poll: Callable[[], Awaitable[Optional[T]]],
    *,
    timeout: float,
    poll_interval: float,
    what: str,
) -> T:
    """Await ``poll()`` until it returns something other than ``None``, and return that.

    Cancelling the task that awaits this stops the polling at once.
    """
    if timeout < 0:
        raise ApiValueError(f"parameter 'timeout' must be >= 0, got {timeout}")
    if poll_interval <= 0:
        raise ApiValueError(f"parameter 'poll_interval' must be > 0, got {poll_interval}")
    deadline = time.monotonic() + timeout
    attempt = 0
    while True:
        attempt += 1
        result = await poll()
        if result is not None:
            return result
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise WaiterTimeoutError(f"gave up waiting for {what} after {timeout:g}s ({attempt} polls)")
        logger.debug("waiting for %s: poll %d not done, next in %.2fs", what, attempt, min(poll_interval, remaining))
        await asyncio.sleep(min(poll_interval, remaining))
