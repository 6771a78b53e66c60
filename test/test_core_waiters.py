"""PollSchedule and both wait_until loops under a fake clock: every pause, the deadline, the count.

The loopback waiter tests (test_resilience.py, test_aio_behaviour.py, the workflows) show the
generated ``wait_for_*`` methods poll the service through these; here the arithmetic is exact.
"""

from __future__ import annotations

import asyncio
from typing import Any, List, Optional

import pytest
from fake_clock import FakeClock
from hypothesis import assume, given, settings, strategies as st
from property_budget import examples

from openapi_client.aio.waiters import wait_until as await_until
from openapi_client.exceptions import ApiTypeError, ApiValueError, WaiterTimeoutError
from openapi_client.waiters import PollSchedule, wait_until


class Polls:
    """A poll that is done on its ``done_on``-th call (never, for ``None``), each call taking
    ``takes`` seconds of the clock, as a request to the service would."""

    def __init__(self, clock: FakeClock, done_on: Optional[int] = None, takes: float = 0.0) -> None:
        self.clock = clock
        self.done_on = done_on
        self.takes = takes
        self.at: List[float] = []

    def __call__(self) -> Optional[str]:
        self.at.append(self.clock())
        self.clock.advance(self.takes)
        return "ready" if len(self.at) == self.done_on else None

    async def awaited(self) -> Optional[str]:
        return self()


def test_pauses_are_the_interval_and_the_last_one_ends_at_the_deadline() -> None:
    clock = FakeClock()
    polls = Polls(clock)
    with pytest.raises(WaiterTimeoutError) as timed_out:
        wait_until(polls, timeout=1.0, poll_interval=0.375, what="key K", clock=clock, sleep=clock.sleep)
    assert clock.slept == [0.375, 0.375, 0.25]  # never a pause past the timeout
    assert polls.at == [0.0, 0.375, 0.75, 1.0]  # one last poll exactly at the deadline
    assert str(timed_out.value) == "gave up waiting for key K after 1s (4 polls)"


def test_the_first_result_that_is_not_none_is_returned_at_once() -> None:
    clock = FakeClock()
    polls = Polls(clock, done_on=3)
    assert wait_until(polls, timeout=60, poll_interval=2, what="x", clock=clock, sleep=clock.sleep) == "ready"
    assert clock.slept == [2, 2]
    assert polls.at == [0, 2, 4]


def test_a_ready_object_costs_one_poll_and_no_pause() -> None:
    clock = FakeClock()
    polls = Polls(clock, done_on=1)
    assert wait_until(polls, timeout=0.001, poll_interval=10, what="x", clock=clock, sleep=clock.sleep) == "ready"
    assert clock.slept == []


def test_time_spent_polling_counts_against_the_timeout() -> None:
    clock = FakeClock()
    polls = Polls(clock, takes=0.5)  # each poll is a half-second request
    with pytest.raises(WaiterTimeoutError, match=r"after 1s \(2 polls\)"):
        wait_until(polls, timeout=1, poll_interval=0.25, what="x", clock=clock, sleep=clock.sleep)
    assert polls.at == [0, 0.75]
    assert clock.slept == [0.25]  # after the second poll the time was up: no pause


def test_a_poll_that_raises_ends_the_wait_with_its_error() -> None:
    clock = FakeClock()

    def poll() -> Optional[int]:
        if clock() >= 3:
            raise ApiValueError("the key is invalid")
        return None

    with pytest.raises(ApiValueError, match="invalid"):
        wait_until(poll, timeout=60, poll_interval=1, what="x", clock=clock, sleep=clock.sleep)
    assert clock.slept == [1, 1, 1]


def test_the_timeout_runs_from_the_schedules_creation() -> None:
    clock = FakeClock()
    schedule = PollSchedule(timeout=10, poll_interval=4, what="x", clock=clock)
    clock.advance(9)
    assert schedule.pause() == 1
    clock.advance(1)
    with pytest.raises(WaiterTimeoutError, match=r"\(2 polls\)"):
        schedule.pause()


def test_a_pause_is_never_past_the_deadline_once_it_is_near() -> None:
    clock = FakeClock()
    schedule = PollSchedule(timeout=5, poll_interval=60, what="x", clock=clock)
    assert schedule.pause() == 5


@settings(max_examples=examples(200), deadline=None)
@given(
    timeout=st.floats(0.001, 1e4),
    poll_interval=st.floats(0.001, 1e3),
    poll_takes=st.floats(0, 100),
)
def test_property_the_wait_ends_by_the_timeout_plus_one_poll(
    timeout: float, poll_interval: float, poll_takes: float
) -> None:
    assume(timeout / (poll_interval + poll_takes) <= 1000)  # not too many polls to walk through
    clock = FakeClock()
    polls = Polls(clock, takes=poll_takes)
    with pytest.raises(WaiterTimeoutError):
        wait_until(polls, timeout=timeout, poll_interval=poll_interval, what="x", clock=clock, sleep=clock.sleep)
    assert all(0 < pause <= poll_interval for pause in clock.slept)
    assert polls.at[-1] <= timeout + 1e-9  # no poll starts after the deadline
    assert clock() <= timeout + poll_takes + 1e-9


@pytest.mark.parametrize("name", ["timeout", "poll_interval"])
@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf"), -0.0])
def test_a_bad_number_of_seconds_is_a_value_error_naming_the_parameter(name: str, value: float) -> None:
    arguments: Any = {"timeout": 1, "poll_interval": 1, name: value}
    with pytest.raises(ApiValueError, match=f"parameter '{name}'"):
        PollSchedule(what="x", **arguments)


@pytest.mark.parametrize("name", ["timeout", "poll_interval"])
@pytest.mark.parametrize("value", [True, "5", None, [1]])
def test_a_value_that_is_no_number_is_a_type_error_naming_the_parameter(name: str, value: Any) -> None:
    arguments: Any = {"timeout": 1, "poll_interval": 1, name: value}
    with pytest.raises(ApiTypeError, match=f"parameter '{name}'"):
        PollSchedule(what="x", **arguments)


def test_bad_arguments_are_refused_before_the_first_poll() -> None:
    polls = Polls(FakeClock(), done_on=1)
    with pytest.raises(ApiValueError):
        wait_until(polls, timeout=-1, poll_interval=1, what="x")
    assert polls.at == []


# -- the async loop: the same schedule, awaited ---------------------------------------------------


async def test_the_async_loop_pauses_as_the_sync_one() -> None:
    clock = FakeClock()
    polls = Polls(clock)
    with pytest.raises(WaiterTimeoutError) as timed_out:
        await await_until(
            polls.awaited, timeout=1.0, poll_interval=0.375, what="key K", clock=clock, sleep=clock.async_sleep
        )
    assert clock.slept == [0.375, 0.375, 0.25]
    assert polls.at == [0.0, 0.375, 0.75, 1.0]
    assert str(timed_out.value) == "gave up waiting for key K after 1s (4 polls)"


async def test_the_async_loop_returns_the_first_result() -> None:
    clock = FakeClock()
    polls = Polls(clock, done_on=2, takes=1)
    result = await await_until(
        polls.awaited, timeout=60, poll_interval=5, what="x", clock=clock, sleep=clock.async_sleep
    )
    assert result == "ready" and clock.slept == [5] and polls.at == [0, 6]


async def test_cancelling_the_async_wait_stops_the_polling() -> None:
    clock = FakeClock()
    polls = Polls(clock)
    task = asyncio.ensure_future(
        await_until(polls.awaited, timeout=1e9, poll_interval=1, what="x", clock=clock, sleep=clock.async_sleep)
    )
    while len(polls.at) < 3:
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    polled = len(polls.at)
    await asyncio.sleep(0)
    assert len(polls.at) == polled
