"""ApiRetry: urllib3's ``Retry`` with the rules the Confluent Cloud API calls for."""

from __future__ import annotations

import logging
import time
from typing import Any, Optional, Union
from urllib.parse import urlsplit

from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.response import BaseHTTPResponse
from urllib3.util.retry import Retry

__all__ = ["ApiRetry", "RetrySetting"]

logger = logging.getLogger("openapi_client")

RetrySetting = Union["ApiRetry", Retry, int, bool, None]


class ApiRetry(Retry):
    """When and how long to retry a request.

    * ``429`` is retried for every method: the service refused the request before acting
      on it. ``502``, ``503`` and ``504`` are retried only for methods that are safe to
      repeat (GET, HEAD, OPTIONS, PUT, DELETE), never for POST or PATCH.
    * A connection that could not be opened is retried for every method; one that broke
      after the request was sent only for the methods above (urllib3's read rule).
    * The first retry follows at once (urllib3's rule); from the second on the wait grows
      exponentially (``backoff_factor * 2**(n-1)`` for the n-th retry, plus up to
      ``backoff_jitter`` seconds of randomness, capped at ``backoff_max``). A ``Retry-After`` header (seconds
      or an HTTP date), or failing that ``X-RateLimit-Reset`` (relative seconds, as
      Confluent sends it), replaces the computed wait, capped at ``retry_after_max``.
    * ``total_timeout`` bounds the time spent on one call, waits included: a retry whose
      wait would end past it is not made and the last response is returned.

    Each retry is logged at INFO on the ``openapi_client`` logger.
    """

    IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
    RETRY_ANY_METHOD_STATUSES = frozenset({429})
    RETRY_IDEMPOTENT_STATUSES = frozenset({502, 503, 504})

    def __init__(
        self,
        total: Union[bool, int, None] = 4,
        *,
        backoff_factor: float = 0.5,
        backoff_max: float = 30.0,
        backoff_jitter: float = 0.25,
        retry_after_max: float = 60.0,
        total_timeout: Optional[float] = 120.0,
        deadline: Optional[float] = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("allowed_methods", self.IDEMPOTENT_METHODS)
        kwargs.setdefault(
            "status_forcelist", self.RETRY_ANY_METHOD_STATUSES | self.RETRY_IDEMPOTENT_STATUSES
        )
        kwargs.setdefault("raise_on_status", False)
        kwargs.setdefault("redirect", 0)
        kwargs.setdefault("raise_on_redirect", False)
        super().__init__(
            total=total,
            backoff_factor=backoff_factor,
            backoff_max=backoff_max,
            backoff_jitter=backoff_jitter,
            **kwargs,
        )
        # urllib3 < 2.5 has no retry_after_max of its own; keep ours on the instance.
        self.retry_after_max = retry_after_max  # type: ignore[assignment]
        self.total_timeout = total_timeout
        self.deadline = deadline

    @classmethod
    def from_setting(cls, setting: RetrySetting) -> Retry:
        """The policy a ``retries`` setting means: ``None``/``True`` the default, an int a
        number of retries, ``False`` none at all, a ``Retry`` itself."""
        if setting is None or setting is True:
            return cls()
        if setting is False:
            return cls(total=0)
        if isinstance(setting, int):
            return cls(total=setting)
        return setting

    def new(self, **kw: Any) -> ApiRetry:
        kw.setdefault("retry_after_max", self.retry_after_max)
        kw.setdefault("total_timeout", self.total_timeout)
        kw.setdefault("deadline", self.deadline)
        return super().new(**kw)

    def started(self) -> ApiRetry:
        """A copy whose time budget starts now (one per call)."""
        if self.total_timeout is None:
            return self
        return self.new(deadline=time.monotonic() + self.total_timeout)

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code in self.RETRY_ANY_METHOD_STATUSES and status_code in (self.status_forcelist or ()):
            return True
        return super().is_retry(method, status_code, has_retry_after)

    def parse_retry_after(self, retry_after: str) -> float:
        seconds = super().parse_retry_after(retry_after)
        return min(seconds, self.retry_after_max)

    def get_retry_after(self, response: BaseHTTPResponse) -> Optional[float]:
        value = super().get_retry_after(response)
        if value is not None:
            return value
        reset = response.headers.get("X-RateLimit-Reset")
        if reset is not None and response.status == 429:
            try:
                return min(max(float(reset), 0.0), self.retry_after_max)
            except ValueError:
                return None
        return None

    def next_wait(self, response: Optional[BaseHTTPResponse]) -> float:
        """Seconds :meth:`sleep` will wait before the next attempt."""
        if self.respect_retry_after_header and response is not None:
            retry_after = self.get_retry_after(response)
            if retry_after:
                return retry_after
        return self.get_backoff_time()

    def increment(
        self,
        method: Optional[str] = None,
        url: Optional[str] = None,
        response: Optional[BaseHTTPResponse] = None,
        error: Optional[Exception] = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> ApiRetry:
        new_retry: ApiRetry = super().increment(method, url, response, error, _pool, _stacktrace)
        wait = new_retry.next_wait(response)
        if self.deadline is not None and time.monotonic() + wait > self.deadline:
            logger.info(
                "not retrying %s %s: waiting %.2fs would pass the %ss time budget",
                method,
                path_for_log(url),
                wait,
                self.total_timeout,
            )
            reason = error or ResponseError(f"time budget of {self.total_timeout}s spent")
            raise MaxRetryError(_pool, url or "", reason) from reason
        attempt = len(new_retry.history) + 1
        cause = f"status {response.status}" if response is not None else repr(error)
        logger.info("retrying %s %s after %s: attempt %d in %.2fs", method, path_for_log(url), cause, attempt, wait)
        return new_retry


def path_for_log(url: Optional[str]) -> str:
    """The part of a URL that log lines show: the path, without host or query string
    (the query carries filter values)."""
    return urlsplit(url).path if url else ""
