"""CallPlan: the life of one call between its attempts, with no I/O (shared by sync and async).

A transport drives a call like this (the sync one in :mod:`openapi_client.rest`)::

    plan = request.plan                          # made once per call: CallFactory.plan
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
    read the body in pieces of READ_CHUNK, each with plan.read_timeout_now(), into a BodyDecoder

so the rules (what is retried, how long to wait, the total deadline, the pacing) exist once.
"""

from __future__ import annotations

import enum
import logging
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Tuple

import urllib3

from openapi_client._http_request import env_proxies, proxy_for
from openapi_client._redaction import Redactor
from openapi_client.exceptions import (
    REQUEST_ID_HEADER,
    ApiConnectionError,
    ApiResponseError,
    ApiTimeoutError,
    ApiTypeError,
    ApiValueError,
)
from openapi_client.rate_limit import RateLimitGate, api_group
from openapi_client.retry import ApiRetry, RetrySetting, path_for_log

if TYPE_CHECKING:
    from openapi_client.configuration import Configuration

__all__ = ["CallFactory", "CallPlan", "RawResponse", "SendFailure", "origin_of", "socket_timeouts"]

logger = logging.getLogger("openapi_client")


class SendFailure(enum.Enum):
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
        return self in (SendFailure.READ_TIMEOUT, SendFailure.BROKEN)

    @property
    def is_timeout(self) -> bool:
        return self in (SendFailure.CONNECT_TIMEOUT, SendFailure.READ_TIMEOUT)


class CallFactory:
    """What one transport keeps between calls, with no I/O, and the :class:`CallPlan` of each.

    The rate-limit gate (shared by every call of the client), the socket timeouts of the
    configuration (parsed again only when the setting changes) and the proxy each host is
    reached through (``Configuration.proxy``, else with ``trust_env`` the environment's, read
    once). ``own_routing`` is ``False`` when the caller brought their own pool or session:
    then its routing applies and :meth:`proxy_for` answers ``None``. ``clock`` is what the
    gate and every plan read the time from (monotonic seconds; tests pass a fake one).
    """

    def __init__(
        self, configuration: Configuration, *, own_routing: bool = True, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.configuration = configuration
        self.clock = clock
        self.rate_limit = RateLimitGate(clock)
        self._timeout_setting: Any = configuration.timeout
        self._timeouts = socket_timeouts(configuration.timeout)
        self._own_routing = own_routing
        self._env = env_proxies() if configuration.trust_env and own_routing else None
        self._routes: Dict[str, Optional[str]] = {}

    def proxy_for(self, url_host: str) -> Optional[str]:
        """The proxy requests to ``url_host`` (``scheme://host[:port]``) go through, if any."""
        if not self._own_routing:
            return None
        route = self._routes.get(url_host, "")
        if route == "":
            route = self._routes[url_host] = proxy_for(url_host, self.configuration.proxy, self._env)
        return route

    def route(self, url: str) -> Optional[str]:
        """The proxy a request to ``url`` goes through, if any."""
        if not self._env and not self.configuration.proxy:
            return None  # no proxy anywhere: no need to read the URL
        return self.proxy_for(origin_of(url))

    def policy(self, retries: RetrySetting) -> ApiRetry:
        """The retry policy of a call given ``retries`` (``None``: the configuration's)."""
        return self.configuration.retries if retries is None else ApiRetry.from_setting(retries)

    def plan(
        self,
        method: str,
        url: str,
        *,
        retries: RetrySetting,
        request_timeout: Any,
        redactor: Optional[Redactor] = None,
        deadline: Optional[float] = None,
    ) -> CallPlan:
        """The plan of one call, made once when the call starts: the per-call ``retries`` and
        ``request_timeout`` (the ``_request_timeout`` option; ``None``: the configuration's
        settings). ``deadline`` (on :attr:`clock`, ``time.monotonic()`` by default): one
        already running, when this request is part of a larger call (a provider's token
        request within an API call); else the policy's ``total_timeout`` from now. ``url``
        may be the operation's path until the request is built (:meth:`CallPlan.aim`)."""
        config = self.configuration
        policy = self.policy(retries)
        if request_timeout is not None:
            connect, read = socket_timeouts(request_timeout)
        else:
            if config.timeout is not self._timeout_setting:
                self._timeout_setting, self._timeouts = config.timeout, socket_timeouts(config.timeout)
            connect, read = self._timeouts
        return CallPlan(
            method,
            url,
            group=group_of(url),
            policy=policy,
            connect_timeout=connect,
            read_timeout=read,
            gate=self.rate_limit,
            rate_limit_max_wait=config.rate_limit_max_wait,
            redactor=redactor if redactor is not None else _NO_SECRETS,
            deadline=deadline,
            clock=self.clock,
        )


class CallPlan:
    """The retry count, deadline and pacing of one call, and the decision after each attempt.

    ``connect_timeout``/``read_timeout`` are the per-attempt socket timeouts (``None`` for
    none); every one handed out is shrunk to the time left before the call's deadline
    (``deadline``, else ``policy.total_timeout`` from now), as ``clock`` tells the time.
    """

    __slots__ = (
        "_clock",
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
        deadline: Optional[float] = None,
        clock: Callable[[], float] = time.monotonic,
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
        self._clock = clock
        budget = policy.total_timeout
        if deadline is None and budget is not None:
            deadline = clock() + budget
        self.deadline: Optional[float] = deadline

    def aim(self, url: str, redactor: Redactor) -> None:
        """Point the plan at the request built for it: the URL its messages name and its
        rate-limit group are read from, the secrets its errors mask."""
        self.url = url
        self.group = group_of(url)
        self.redactor = redactor

    # -- before an attempt ---------------------------------------------------------------

    def remaining(self) -> Optional[float]:
        """Seconds left before the deadline (``None`` without one)."""
        return None if self.deadline is None else self.deadline - self._clock()

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
        remaining = self.remaining()
        if remaining is None:
            return self.connect_timeout, self.read_timeout
        return self._within(self.connect_timeout, remaining), self._within(self.read_timeout, remaining)

    def read_timeout_now(self) -> Optional[float]:
        """The socket timeout for the next read of the body, within the deadline."""
        return self._within(self.read_timeout, self.remaining())

    def _within(self, timeout: Optional[float], remaining: Optional[float]) -> Optional[float]:
        if remaining is None:
            return timeout
        if remaining <= 0:
            raise self.timeout_error("the time budget is spent")
        return remaining if timeout is None else min(timeout, remaining)

    # -- after an attempt ----------------------------------------------------------------

    def after_response(self, status: int, headers: Mapping[str, str]) -> Optional[float]:
        """Seconds to wait before retrying after this answer, or ``None``: it is final."""
        wait = self.policy.decide(self.retries_done, self.method, status=status, headers=headers)
        if wait is not None:
            wait = self._retrying(wait, f"status {status}")
        # A retried answer closes the window no longer than this call's own retry waits: the
        # retry policy (retry_after_max) has the say over how long a 429 is sat out.
        self._gate.observe(self.group, headers, self._max_wait if wait is None else min(wait, self._max_wait))
        return wait

    def after_failure(self, failure: SendFailure, detail: str) -> float:
        """Seconds to wait before retrying after an attempt that got no answer; raises the
        :class:`ApiConnectionError`/:class:`ApiTimeoutError` for it when giving up."""
        wait: Optional[float] = None
        if failure is not SendFailure.TLS:
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

    def log_answer(self, status: int, headers: Mapping[str, str], started: float) -> None:
        """The DEBUG line for the final answer (``started``: ``time.perf_counter()`` at the start)."""
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %d in %.1f ms (request id %s, attempt %d)",
                self.method,
                path_for_log(self.url),
                status,
                (time.perf_counter() - started) * 1000.0,
                self.redactor.text(headers.get(REQUEST_ID_HEADER, "-")),
                self.retries_done + 1,
            )

    # -- errors --------------------------------------------------------------------------

    def failure_error(self, failure: SendFailure, detail: str) -> ApiConnectionError:
        """The error to raise for an attempt that got no answer, secrets scrubbed."""
        error_class = ApiTimeoutError if failure.is_timeout else ApiConnectionError
        return error_class(
            self.redactor.text(f"{failure.value}: {detail}"), method=self.method, url=_without_query(self.url)
        )

    def unsupported_coding_error(self, coding: str, status: int, headers: Mapping[str, str]) -> ApiResponseError:
        """The error for an answer in a content coding the body decoder does not undo."""
        problem = f"uses the content coding {coding!r}, which this client does not decode"
        return self._body_error(problem, status, headers)

    def too_large_error(self, max_bytes: int, status: int, headers: Mapping[str, str]) -> ApiResponseError:
        """The error for an answer whose decoded body is over ``max_response_bytes``."""
        problem = f"is over the {max_bytes}-byte limit (max_response_bytes) once decoded"
        return self._body_error(problem, status, headers)

    def cut_short_error(self, detail: object, status: int, headers: Mapping[str, str]) -> ApiResponseError:
        """The error for an answer whose body broke off or could not be decoded."""
        return self._body_error(f"was cut short: {detail}", status, headers)

    def _body_error(self, problem: str, status: int, headers: Mapping[str, str]) -> ApiResponseError:
        return ApiResponseError(
            self.redactor.text(f"the response to {self.method} {path_for_log(self.url)} {problem}"),
            status=status,
            headers=headers,
            redactor=self.redactor,
        )

    def timeout_error(self, what: str) -> ApiTimeoutError:
        """The error for a call that ran out of its time budget."""
        budget = self.policy.total_timeout
        return ApiTimeoutError(
            f"{what} (total_timeout={budget:g}s)" if budget is not None else what,
            method=self.method,
            url=_without_query(self.url),
        )


_NO_SECRETS = Redactor()
"""The redactor of a request sent without one (it masks only credential headers)."""


def _without_query(url: str) -> str:
    # Query strings carry filters: keep them out of messages.
    return url.split("?", 1)[0]


class RawResponse:
    """What the sync and async raw responses share (no I/O): the answer's status, reason
    and headers as the transport library received them, the call's plan (its secrets to
    mask), and ``data``, the decoded body once read."""

    def __init__(self, response: Any, plan: CallPlan, max_bytes: int) -> None:
        self.response = response
        self.status: int = response.status
        self.reason: Optional[str] = response.reason
        self.headers: Mapping[str, str] = response.headers
        """The response headers (case-insensitive)."""
        self.data: Optional[bytes] = None
        self.plan = plan
        self._max_bytes = max_bytes

    @property
    def redactor(self) -> Redactor:
        """The secrets of the call that produced this response."""
        return self.plan.redactor

    def getheader(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """One response header, or ``default``."""
        return self.headers.get(name, default)


def socket_timeouts(value: Any) -> Tuple[Optional[float], Optional[float]]:
    """(connect, read) seconds for a timeout setting: seconds for both, a (connect, read)
    pair, a ``urllib3.Timeout``, or ``None`` for none."""
    if value is None:
        return None, None
    if isinstance(value, urllib3.Timeout):
        total = value.total
        # A Timeout with a total computes its read limit from when its connect started, and
        # raises before then: read it from a copy started now (the caller's stays untouched).
        started = value.clone()
        started.start_connect()
        connect, read = value.connect_timeout, started.read_timeout
        return (
            _seconds(connect if isinstance(connect, (int, float)) else total),
            _seconds(read if isinstance(read, (int, float)) else total),
        )
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = _checked_seconds(value)
        return seconds, seconds
    if isinstance(value, tuple) and len(value) == 2:
        return _checked_seconds(value[0]), _checked_seconds(value[1])
    raise ApiTypeError(
        "_request_timeout must be a number of seconds or a (connect, read) pair of numbers, "
        f"not a {type(value).__name__}"
    )


def _seconds(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, (int, float)) else None


def _checked_seconds(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ApiTypeError(
            "_request_timeout must be a number of seconds or a (connect, read) pair of numbers, "
            f"not a {type(value).__name__}"
        )
    if not value > 0 or value == float("inf"):
        raise ApiValueError(f"_request_timeout must be a finite number of seconds above 0, got {value!r}")
    return float(value)


def group_of(url: str) -> str:
    """The rate-limit group of a URL (or of a path starting with ``/``)."""
    return api_group(url.split("://", 1)[-1].partition("/")[2])


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url``, as written in it."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0]}"
