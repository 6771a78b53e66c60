"""RateLimitGate: pace requests by the service's rate-limit headers, before a 429 happens."""

from __future__ import annotations

import logging
import threading
import time
from typing import Mapping

__all__ = ["RateLimitGate"]

logger = logging.getLogger("openapi_client")

REMAINING_HEADER = "X-RateLimit-Remaining"
RESET_HEADER = "X-RateLimit-Reset"


class RateLimitGate:
    """Holds a client's requests back while the service says its rate-limit window is spent.

    Confluent Cloud reports the budget on its answers: ``X-RateLimit-Remaining`` requests
    left, and ``X-RateLimit-Reset`` seconds (relative, not a clock time) until the window
    starts over. Once an answer says none are left, every request of the same client
    (all its threads) waits until the window resets, at most ``max_wait`` seconds, rather
    than spending itself on a certain 429 (``Configuration.rate_limit_max_wait``; 0 turns
    the pacing off).
    """

    def __init__(self) -> None:
        self._open_at = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Sleep until the window reopens, if an earlier answer closed it."""
        delay = self._open_at - time.monotonic()
        if delay > 0:
            logger.info("rate limit spent: holding the request %.2fs until the window resets", delay)
            time.sleep(delay)

    def observe(self, headers: Mapping[str, str], max_wait: float) -> None:
        """Close the window, for at most ``max_wait`` seconds, when an answer reports no
        requests left."""
        if max_wait <= 0:
            return
        remaining = headers.get(REMAINING_HEADER)
        if remaining is None or remaining.strip() != "0":
            return
        try:
            seconds = min(max(float(headers.get(RESET_HEADER, "")), 0.0), max_wait)
        except ValueError:
            return
        with self._lock:
            self._open_at = max(self._open_at, time.monotonic() + seconds)
