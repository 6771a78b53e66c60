"""ApiRetry: the retry policy, a plain decision with no I/O (shared by the sync and async clients)."""

from __future__ import annotations

import email.utils
import math
import random
import time
from typing import Callable, Mapping, Optional, Union
from urllib.parse import urlsplit

from openapi_client._retry_headers import looks_numeric, relative_seconds
from openapi_client.exceptions import ApiTypeError, ApiValueError

__all__ = ["ApiRetry", "RetrySetting", "path_for_log"]

RetrySetting = Union["ApiRetry", int, bool, None]


class ApiRetry:
    """When a failed attempt is tried again, and after how long.

    The policy only decides; the client's transport does the waiting and the sending. One
    call asks :meth:`decide` after each failed attempt and gets back the seconds to wait
    before the next attempt, or ``None`` to give up (the last answer or error is then
    what the caller gets).

    Which failures are retried:

    * ``429`` (the service refused the request before acting on it): every method.
    * ``502``, ``503``, ``504``: only the methods safe to repeat (``GET``, ``HEAD``,
      ``OPTIONS``, ``PUT``, ``DELETE``), never ``POST`` or ``PATCH``, which the service may
      already have carried out.
    * A connection that was never opened, or a request that never left this machine:
      every method (nothing reached the service).
    * A connection that broke, or timed out, after the request may have been sent: only
      the methods safe to repeat.
    * Any other status (``500`` included): never.

    How long to wait before retry ``n`` (1-based):

    * ``Retry-After`` (seconds, or an HTTP date), else, for a 429, ``X-RateLimit-Reset``
      (seconds until the window resets, relative as Confluent sends it), capped at
      ``retry_after_max``. Values that are not finite, negative, zero or unparsable are
      ignored; one too large to be relative is read as a clock time (epoch seconds), and
      ignored if that time has passed (:mod:`openapi_client._retry_headers`).
    * Otherwise exponential back-off: ``0`` for the first retry, then
      ``backoff_factor * 2**(n-1)`` plus up to ``backoff_jitter`` random seconds, capped at
      ``backoff_max``.

    ``total`` is the most retries of one call (so ``total + 1`` attempts); ``0`` turns
    retries off. ``total_timeout`` is the time budget of one call in seconds, counted from
    its start: connecting, every attempt, every wait and reading the answer (``None`` for
    no budget). A retry whose wait would end past it is not made.
    """

    IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
    RETRY_ANY_METHOD_STATUSES = frozenset({429})
    RETRY_IDEMPOTENT_STATUSES = frozenset({502, 503, 504})

    __slots__ = ("backoff_factor", "backoff_jitter", "backoff_max", "retry_after_max", "total", "total_timeout")

    def __init__(
        self,
        total: int = 4,
        *,
        backoff_factor: float = 0.5,
        backoff_max: float = 30.0,
        backoff_jitter: float = 0.25,
        retry_after_max: float = 60.0,
        total_timeout: Optional[float] = 120.0,
    ) -> None:
        if isinstance(total, bool) or not isinstance(total, int):
            raise ApiTypeError(f"ApiRetry total must be an int, got {type(total).__name__}")
        if total < 0:
            raise ApiValueError(f"ApiRetry total must be >= 0, got {total}")
        for name, value in (
            ("backoff_factor", backoff_factor),
            ("backoff_max", backoff_max),
            ("backoff_jitter", backoff_jitter),
            ("retry_after_max", retry_after_max),
        ):
            _check_seconds(name, value, allow_zero=True)
        if total_timeout is not None:
            _check_seconds("total_timeout", total_timeout, allow_zero=False)
        self.total = total
        self.backoff_factor = float(backoff_factor)
        self.backoff_max = float(backoff_max)
        self.backoff_jitter = float(backoff_jitter)
        self.retry_after_max = float(retry_after_max)
        self.total_timeout = None if total_timeout is None else float(total_timeout)

    def __repr__(self) -> str:
        return (
            f"ApiRetry(total={self.total}, backoff_factor={self.backoff_factor}, backoff_max={self.backoff_max}, "
            f"backoff_jitter={self.backoff_jitter}, retry_after_max={self.retry_after_max}, "
            f"total_timeout={self.total_timeout})"
        )

    @classmethod
    def from_setting(cls, setting: object) -> ApiRetry:
        """The policy a ``retries`` setting means: ``None``/``True`` the default, an int that
        many retries, ``False`` none, an :class:`ApiRetry` itself.

        A urllib3 ``Retry`` is refused: its rules (and its private hooks) are not the ones
        this client applies, so accepting it would silently change its meaning.
        """
        if setting is None or setting is True:
            return cls()
        if setting is False:
            return cls(total=0)
        if isinstance(setting, ApiRetry):
            return setting
        if isinstance(setting, int):
            return cls(total=setting)
        raise ApiTypeError(
            f"retries must be an ApiRetry, a number of retries, True or False, not {type(setting).__name__}; "
            "build an openapi_client.ApiRetry with the settings you need"
        )

    # -- the decision --------------------------------------------------------------------

    def decide(
        self,
        retries_done: int,
        method: str,
        *,
        status: Optional[int] = None,
        headers: Optional[Mapping[str, str]] = None,
        may_have_been_sent: bool = True,
    ) -> Optional[float]:
        """Seconds to wait before the next attempt, or ``None`` to give up.

        ``retries_done`` is the number of retries already made in this call; ``status`` the
        answer's status (``None`` when the attempt failed without an answer); ``headers`` the
        answer's headers; ``may_have_been_sent`` whether a failed attempt may have reached
        the service (``False`` only when the connection was never opened).
        """
        if retries_done >= self.total:
            return None
        method = method.upper()
        if status is None:
            if may_have_been_sent and method not in self.IDEMPOTENT_METHODS:
                return None
            return self.backoff(retries_done + 1)
        if status in self.RETRY_ANY_METHOD_STATUSES or (
            status in self.RETRY_IDEMPOTENT_STATUSES and method in self.IDEMPOTENT_METHODS
        ):
            asked = self.server_wait(status, headers or {})
            return asked if asked is not None else self.backoff(retries_done + 1)
        return None

    def backoff(self, retry_number: int) -> float:
        """The computed wait before retry ``retry_number`` (1-based), jitter included."""
        if retry_number <= 1 or self.backoff_factor == 0:
            return 0.0
        wait = self.backoff_factor * 2.0 ** min(retry_number - 1, 64)
        if self.backoff_jitter:
            wait += random.uniform(0.0, self.backoff_jitter)
        return min(wait, self.backoff_max)

    def server_wait(self, status: int, headers: Mapping[str, str]) -> Optional[float]:
        """The wait the answer asks for (``Retry-After``, else for a 429 ``X-RateLimit-Reset``),
        capped at ``retry_after_max``; ``None`` when it asks for none usable."""
        retry_after = _header(headers, "Retry-After")
        if retry_after is not None:
            seconds = self.parse_retry_after(retry_after)
            if seconds is not None:
                return seconds
        if status == 429:
            reset = _header(headers, "X-RateLimit-Reset")
            if reset is not None:
                return self._capped(relative_seconds(reset))
        return None

    def parse_retry_after(self, value: str, now: Callable[[], float] = time.time) -> Optional[float]:
        """A ``Retry-After`` value (delta seconds or an HTTP date) in seconds from ``now`` (the
        wall clock), capped at ``retry_after_max``; ``None`` when unusable (garbage, negative,
        not finite, a date in the past)."""
        seconds = relative_seconds(value, now)
        if seconds is None and not looks_numeric(value):
            try:
                when = email.utils.parsedate_to_datetime(value.strip())
            except (TypeError, ValueError, IndexError, OverflowError):
                return None
            if when.tzinfo is None:
                return None
            seconds = when.timestamp() - now()
            if not seconds > 0:
                return None
        return self._capped(seconds)

    def _capped(self, seconds: Optional[float]) -> Optional[float]:
        if seconds is None or seconds <= 0:
            return None
        return min(seconds, self.retry_after_max)


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, found in headers.items():
        if key.lower() == lowered:
            return found
    return None


def _check_seconds(name: str, value: object, *, allow_zero: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ApiTypeError(f"ApiRetry {name} must be a number of seconds, got {type(value).__name__}")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ApiValueError(f"ApiRetry {name} must be a finite number {bound}, got {value!r}")


def path_for_log(url: Optional[str]) -> str:
    """The part of a URL that log lines show: the path, without host or query string
    (the query carries filter values)."""
    return urlsplit(url).path if url else ""
