"""The call's deadline as aiohttp's timers: for each attempt, the socket timeouts and, as
``total``, what is left of the deadline, which aiohttp charges the connection, a dripped
answer head and the body read to alike (the sync transport cuts its socket timeout before
each read instead)."""

from __future__ import annotations

from typing import Dict, Optional, Tuple

import aiohttp

from openapi_client._call import CallPlan

__all__ = ["AttemptTimeouts"]

# An attempt with at least the budget less this left counts as starting with the whole budget.
_FRESH = 0.005
# At most this many distinct timeout settings are kept.
_KEPT_TIMEOUTS = 16
# aiohttp rounds timeouts above this many seconds up to whole seconds; a deadline is a deadline.
_NO_CEIL = float("inf")


class AttemptTimeouts:
    """aiohttp's timeouts for the attempts of one transport's calls.

    An attempt that starts with (almost) the whole budget left, the usual first one, gets
    the budget itself as ``total``: such timeouts depend only on the settings, so they are
    made once per setting and kept (a few settings, never one per call). A later attempt,
    or the request sent after a token exchange or a 401, gets exactly what is left.
    """

    def __init__(self) -> None:
        self._fresh: Dict[Tuple[Optional[float], ...], aiohttp.ClientTimeout] = {}

    def for_attempt(self, plan: CallPlan) -> aiohttp.ClientTimeout:
        """The timeouts of the attempt ``plan`` is about to make."""
        budget = plan.policy.total_timeout
        remaining = plan.remaining()
        if remaining is None or (budget is not None and remaining >= budget - _FRESH):
            key = (budget, plan.connect_timeout, plan.read_timeout)
            timeout = self._fresh.get(key)
            if timeout is None:
                connect, read = (_at_most(t, budget) for t in (plan.connect_timeout, plan.read_timeout))
                if len(self._fresh) >= _KEPT_TIMEOUTS:
                    self._fresh.clear()  # settings that change call after call: keep none for long
                timeout = self._fresh[key] = aiohttp.ClientTimeout(
                    total=budget, sock_connect=connect, sock_read=read, ceil_threshold=_NO_CEIL
                )
            return timeout
        connect, read = plan.timeouts()
        return aiohttp.ClientTimeout(total=remaining, sock_connect=connect, sock_read=read, ceil_threshold=_NO_CEIL)


def _at_most(timeout: Optional[float], budget: Optional[float]) -> Optional[float]:
    return budget if timeout is None else timeout if budget is None else min(timeout, budget)
