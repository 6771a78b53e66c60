"""Polling an object until it reaches a state, within a time limit."""

from __future__ import annotations

import logging
import math
import time
from typing import Callable, Optional, TypeVar

from openapi_client.exceptions import ApiTypeError, ApiValueError, WaiterTimeoutError

__all__ = ["wait_until"]

T = TypeVar("T")
logger = logging.getLogger("openapi_client")


def wait_until(
    poll: Callable[[], Optional[T]],
    *,
    timeout: float,
    poll_interval: float,
    what: str,
) -> T:
    """Call ``poll`` until it returns something other than ``None``, and return that.

    ``poll`` itself decides what "not yet" means (return ``None``) and what failure means
    (raise). Between calls it sleeps ``poll_interval`` seconds, never past ``timeout``;
    when the time is up a :class:`WaiterTimeoutError` is raised.
    """
    for name, value in (("timeout", timeout), ("poll_interval", poll_interval)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ApiTypeError(f"parameter '{name}' must be a number of seconds, got {type(value).__name__}")
        if not (math.isfinite(value) and value > 0):
            raise ApiValueError(f"parameter '{name}' must be a finite number of seconds above 0, got {value!r}")
    deadline = time.monotonic() + timeout
    attempt = 0
    while True:
        attempt += 1
        result = poll()
        if result is not None:
            return result
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise WaiterTimeoutError(f"gave up waiting for {what} after {timeout:g}s ({attempt} polls)")
        logger.debug("waiting for %s: poll %d not done, next in %.2fs", what, attempt, min(poll_interval, remaining))
        time.sleep(min(poll_interval, remaining))
