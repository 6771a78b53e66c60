"""RateLimitGate: pace requests by the service's rate-limit headers, before a 429 happens (no I/O)."""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable, Dict, Mapping

from openapi_client._retry_headers import relative_seconds

__all__ = ["RateLimitGate", "api_group"]

logger = logging.getLogger("openapi_client")

REMAINING_HEADER = "X-RateLimit-Remaining"
RESET_HEADER = "X-RateLimit-Reset"


def api_group(path: str) -> str:
    """The rate-limit group of a request path: its first two segments (``iam/v2``,
    ``byok/v1``), each of which Confluent Cloud limits on its own."""
    first, _, rest = path.partition("/")
    second = rest.partition("/")[0]
    if first and second and "?" not in first and "?" not in second:
        return f"{first}/{second}"  # the usual path, read without building a list
    parts = [part for part in path.split("?", 1)[0].split("/") if part]
    return "/".join(parts[:2])


class RateLimitGate:
    """Holds requests back while the service says their group's rate-limit window is spent.

    Confluent Cloud reports the budget on its answers: ``X-RateLimit-Remaining`` requests
    left, and ``X-RateLimit-Reset`` seconds (relative, not a clock time) until the window
    starts over. Once an answer says none are left, every request of the same client to
    the same API group (:func:`api_group`; all threads or tasks) is held until the window
    resets, at most ``max_wait`` seconds, rather than spending itself on a certain 429
    (``Configuration.rate_limit_max_wait``; 0 turns the pacing off). Other groups are not
    held: a spent BYOK budget does not stall API-key calls.

    The gate only keeps time, on ``clock`` (seconds that only go forward; tests pass a fake
    one); the client's transport does the waiting (a thread sleeps, a task awaits) for the
    :meth:`delay` it reports.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._open_at: Dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def delay(self, group: str) -> float:
        """Seconds a request to ``group`` must still be held (0 when its window is open)."""
        open_at = self._open_at.get(group)
        if open_at is None:
            return 0.0
        return max(0.0, open_at - self._clock())

    def observe(self, group: str, headers: Mapping[str, str], max_wait: float) -> None:
        """Close ``group``'s window, for at most ``max_wait`` seconds, when an answer reports
        no requests left. Unusable reset values (not a number, negative, not finite) leave
        the window open."""
        if max_wait <= 0:
            return
        remaining = headers.get(REMAINING_HEADER)
        if remaining is None or remaining.strip() != "0":
            return
        reset = headers.get(RESET_HEADER)
        seconds = relative_seconds(reset) if reset is not None else None
        if seconds is None:
            return
        with self._lock:
            until = self._clock() + min(seconds, max_wait)
            if until > self._open_at.get(group, 0.0):
                self._open_at[group] = until
                logger.info("rate limit of %s spent: holding its requests %.2fs", group or "/", min(seconds, max_wait))
