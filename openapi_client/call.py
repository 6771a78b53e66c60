"""CallPlan: the life of one call between its attempts, with no I/O (shared by sync and async).

A transport drives a call like this (the sync one in :mod:`openapi_client.rest`)::

    plan = CallPlan(method, url, policy=..., gate=..., ...)
    while True:
        sleep(plan.hold())                       # rate-limit hold (raises past the deadline)
        connect, read = plan.timeouts()          # socket timeouts within the deadline
        try:
            response = send(...)                 # one attempt, no retries, no redirects
        except <library error> as exc:
            sleep(plan.after_failure(kind_of(exc), str(exc)))   # raises when giving up
            continue
        wait = plan.after_response(response.status, response.headers)
        if wait is None:
            break                                # the final answer
        discard(response); sleep(wait)
    read the body in pieces of READ_CHUNK, each with plan.read_timeout(), into a BodyDecoder

so the rules (what is retried, how long to wait, the total deadline, the pacing) exist once.
"""

from __future__ import annotations

import enum
import logging
import time
from typing import Mapping, Optional, Tuple

from openapi_client.exceptions import ApiConnectionError, ApiTimeoutError
from openapi_client.rate_limit import RateLimitGate
from openapi_client.redaction import Redactor
from openapi_client.retry import ApiRetry, path_for_log

__all__ = ["CallPlan", "Failure"]

logger = logging.getLogger("openapi_client")


class Failure(enum.Enum):
    """Why an attempt got no answer, as far as retrying and reporting care."""

    NOT_CONNECTED = "connection failed"
    """The connection could not be opened (refused, unreachable, name not found): nothing was sent."""
    CONNECT_TIMEOUT = "timed out connecting"
    """Opening the connection timed out: nothing was sent."""
    TLS = "TLS failure"
    """The TLS handshake failed (certificate, protocol): not retried, it would fail again."""
    READ_TIMEOUT = "timed out waiting for the answer"
    """The request may have been sent; no answer in time."""
    BROKEN = "the connection broke"
    """The connection was reset or closed after the request may have been sent."""

    @property
    def sent(self) -> bool:
        return self in (Failure.READ_TIMEOUT, Failure.BROKEN)

    @property
    def is_timeout(self) -> bool:
        return self in (Failure.CONNECT_TIMEOUT, Failure.READ_TIMEOUT)


class CallPlan:
    """The retry count, deadline and pacing of one call, and the decision after each attempt.

    ``connect_timeout``/``read_timeout`` are the per-attempt socket timeouts (``None`` for
    none); every one handed out is shrunk to the time left before the call's deadline
    (``policy.total_timeout`` from now).
    """

    __slots__ = (
        "_gate",
        "_max_wait",
        "connect_timeout",
        "deadline",
        "group",
        "method",
        "policy",
        "read_timeout",
        "redactor",
        "retries_done",
        "url",
    )

    def __init__(
        self,
        method: str,
        url: str,
        *,
        group: str,
        policy: ApiRetry,
        connect_timeout: Optional[float],
        read_timeout: Optional[float],
        gate: RateLimitGate,
        rate_limit_max_wait: float,
        redactor: Redactor,
    ) -> None:
        self.method = method
        self.url = url
        self.group = group
        self.policy = policy
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._gate = gate
        self._max_wait = rate_limit_max_wait
        self.redactor = redactor
        self.retries_done = 0
        budget = policy.total_timeout
        self.deadline: Optional[float] = None if budget is None else time.monotonic() + budget

    # -- before an attempt ---------------------------------------------------------------

    def remaining(self) -> Optional[float]:
        """Seconds left before the deadline (``None`` without one)."""
        return None if self.deadline is None else self.deadline - time.monotonic()

    def hold(self) -> float:
        """Seconds to hold the next attempt for the rate limit of its API group; raises
        :class:`ApiTimeoutError` when the hold would pass the deadline."""
        delay = self._gate.delay(self.group)
        if delay > 0:
            remaining = self.remaining()
            if remaining is not None and delay >= remaining:
                raise self.timeout_error(f"the rate-limit hold of {delay:.1f}s would pass the time budget")
            logger.info("rate limit spent: holding %s %s %.2fs", self.method, path_for_log(self.url), delay)
        return delay

    def timeouts(self) -> Tuple[Optional[float], Optional[float]]:
        """(connect, read) socket timeouts for the next attempt, within the deadline."""
        return self._within(self.connect_timeout), self._within(self.read_timeout)

    def read_timeout_now(self) -> Optional[float]:
        """The socket timeout for the next read of the body, within the deadline."""
        return self._within(self.read_timeout)

    def _within(self, timeout: Optional[float]) -> Optional[float]:
        remaining = self.remaining()
        if remaining is None:
            return timeout
        if remaining <= 0:
            raise self.timeout_error("the time budget is spent")
        return remaining if timeout is None else min(timeout, remaining)

    # -- after an attempt ----------------------------------------------------------------

    def after_response(self, status: int, headers: Mapping[str, str]) -> Optional[float]:
        """Seconds to wait before retrying after this answer, or ``None``: it is final."""
        wait = self._retrying(
            self.policy.decide(self.retries_done, self.method, status=status, headers=headers), f"status {status}"
        )
        # A retried answer closes the window no longer than this call's own retry waits: the
        # retry policy (retry_after_max) has the say over how long a 429 is sat out.
        self._gate.observe(self.group, headers, self._max_wait if wait is None else min(wait, self._max_wait))
        return wait

    def after_failure(self, failure: Failure, detail: str) -> float:
        """Seconds to wait before retrying after an attempt that got no answer; raises the
        :class:`ApiConnectionError`/:class:`ApiTimeoutError` for it when giving up."""
        wait: Optional[float] = None
        if failure is not Failure.TLS:
            wait = self.policy.decide(self.retries_done, self.method, may_have_been_sent=failure.sent)
        wait = self._retrying(wait, failure.value)
        if wait is None:
            raise self.failure_error(failure, detail)
        return wait

    def _retrying(self, wait: Optional[float], cause: str) -> Optional[float]:
        if wait is None:
            return None
        remaining = self.remaining()
        if remaining is not None and wait >= remaining:
            logger.info(
                "not retrying %s %s after %s: waiting %.2fs would pass the %ss time budget",
                self.method,
                path_for_log(self.url),
                cause,
                wait,
                self.policy.total_timeout,
            )
            return None
        self.retries_done += 1
        logger.info(
            "retrying %s %s after %s: attempt %d in %.2fs",
            self.method,
            path_for_log(self.url),
            cause,
            self.retries_done + 1,
            wait,
        )
        return wait

    # -- errors --------------------------------------------------------------------------

    def failure_error(self, failure: Failure, detail: str) -> ApiConnectionError:
        """The error to raise for an attempt that got no answer, secrets scrubbed."""
        error_class = ApiTimeoutError if failure.is_timeout else ApiConnectionError
        return error_class(
            self.redactor.text(f"{failure.value}: {detail}"), method=self.method, url=_without_query(self.url)
        )

    def timeout_error(self, what: str) -> ApiTimeoutError:
        """The error for a call that ran out of its time budget."""
        budget = self.policy.total_timeout
        return ApiTimeoutError(
            f"{what} (total_timeout={budget:g}s)" if budget is not None else what,
            method=self.method,
            url=_without_query(self.url),
        )


def _without_query(url: str) -> str:
    # Query strings carry filters: keep them out of messages.
    return url.split("?", 1)[0]
