"""Polling an object with ``asyncio.sleep`` until it reaches a state, within a time limit."""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable, Optional, TypeVar

from openapi_client.waiters import PollSchedule

__all__ = ["wait_until"]

T = TypeVar("T")


async def wait_until(
    poll: Callable[[], Awaitable[Optional[T]]],
    *,
    timeout: float,
    poll_interval: float,
    what: str,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> T:
    """Await ``poll()`` until it returns something other than ``None``, and return that,
    pausing (``await sleep(seconds)``) as the sync waiter's
    :class:`~openapi_client.waiters.PollSchedule` says, reading ``clock``.

    Cancelling the task that awaits this stops the polling at once.
    """
    schedule = PollSchedule(timeout=timeout, poll_interval=poll_interval, what=what, clock=clock)
    while True:
        result = await poll()
        if result is not None:
            return result
        await sleep(schedule.pause())
