"""Polling an object until it reaches a state, within a time limit."""

from __future__ import annotations

import logging
import math
import time
from typing import Callable, Optional, TypeVar

from openapi_client.exceptions import ApiTypeError, ApiValueError, WaiterTimeoutError

__all__ = ["PollSchedule", "wait_until"]

T = TypeVar("T")
logger = logging.getLogger("openapi_client")


class PollSchedule:
    """When to poll again, with no I/O (the sync and async waiters share it).

    ``timeout`` and ``poll_interval`` must be finite numbers of seconds above 0. After each
    poll that was not done, :meth:`pause` gives the seconds to sleep: ``poll_interval``,
    never past ``timeout``; once the time is up it raises :class:`WaiterTimeoutError`.
    Time is read from ``clock`` (seconds that only go forward; tests pass a fake one).
    """

    __slots__ = ("_attempt", "_clock", "_deadline", "_poll_interval", "_timeout", "_what")

    def __init__(
        self, *, timeout: float, poll_interval: float, what: str, clock: Callable[[], float] = time.monotonic
    ) -> None:
        for name, value in (("timeout", timeout), ("poll_interval", poll_interval)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ApiTypeError(f"parameter '{name}' must be a number of seconds, got {type(value).__name__}")
            if not (math.isfinite(value) and value > 0):
                raise ApiValueError(f"parameter '{name}' must be a finite number of seconds above 0, got {value!r}")
        self._timeout = timeout
        self._poll_interval = poll_interval
        self._what = what
        self._clock = clock
        self._deadline = clock() + timeout
        self._attempt = 0

    def pause(self) -> float:
        """Seconds to wait after a poll that was not done; raises when the time is up."""
        self._attempt += 1
        remaining = self._deadline - self._clock()
        if remaining <= 0:
            raise WaiterTimeoutError(
                f"gave up waiting for {self._what} after {self._timeout:g}s ({self._attempt} polls)"
            )
        pause = min(self._poll_interval, remaining)
        logger.debug("waiting for %s: poll %d not done, next in %.2fs", self._what, self._attempt, pause)
        return pause


def wait_until(
    poll: Callable[[], Optional[T]],
    *,
    timeout: float,
    poll_interval: float,
    what: str,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
) -> T:
    """Call ``poll`` until it returns something other than ``None``, and return that.

    ``poll`` itself decides what "not yet" means (return ``None``) and what failure means
    (raise). Between calls it ``sleep``s as :class:`PollSchedule` says, reading ``clock``.
    """
    schedule = PollSchedule(timeout=timeout, poll_interval=poll_interval, what=what, clock=clock)
    while True:
        result = poll()
        if result is not None:
            return result
        sleep(schedule.pause())
