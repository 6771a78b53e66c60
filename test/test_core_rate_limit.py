"""RateLimitGate under a fake clock: the window each API group's answers close, and for how long.

The loopback tests (test_resilience.py, test_aio_behaviour.py, test_hostile_server.py) show
that both transports wait for what the gate says; these pin what it says, to the second.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Dict, Optional

import pytest
from fake_clock import FakeClock

from openapi_client.rate_limit import RateLimitGate, api_group

IAM = "iam/v2"
BYOK = "byok/v1"


def spent(reset: Optional[str], remaining: str = "0") -> Dict[str, str]:
    headers = {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": remaining}
    if reset is not None:
        headers["X-RateLimit-Reset"] = reset
    return headers


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def gate(clock: FakeClock) -> RateLimitGate:
    return RateLimitGate(clock)


def test_an_open_window_holds_nothing(gate: RateLimitGate) -> None:
    assert gate.delay(IAM) == 0.0
    gate.observe(IAM, {"X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "30"}, max_wait=60)
    gate.observe(IAM, {}, max_wait=60)
    assert gate.delay(IAM) == 0.0


def test_a_spent_window_holds_its_group_until_the_reset(gate: RateLimitGate, clock: FakeClock) -> None:
    gate.observe(IAM, spent("5"), max_wait=60)
    assert gate.delay(IAM) == 5.0
    clock.advance(2)
    assert gate.delay(IAM) == 3.0
    clock.advance(3)
    assert gate.delay(IAM) == 0.0
    clock.advance(100)
    assert gate.delay(IAM) == 0.0  # never negative once the window has reset


def test_each_api_group_has_its_own_window(gate: RateLimitGate, clock: FakeClock) -> None:
    gate.observe(BYOK, spent("30"), max_wait=60)
    assert gate.delay(BYOK) == 30.0
    assert gate.delay(IAM) == 0.0  # a spent BYOK budget does not stall API-key calls
    gate.observe(IAM, spent("4"), max_wait=60)
    clock.advance(4)
    assert (gate.delay(IAM), gate.delay(BYOK)) == (0.0, 26.0)


def test_the_hold_is_capped_by_max_wait(gate: RateLimitGate) -> None:
    gate.observe(IAM, spent("30"), max_wait=0.25)
    assert gate.delay(IAM) == 0.25


@pytest.mark.parametrize("max_wait", [0, 0.0, -1])
def test_max_wait_zero_turns_pacing_off(gate: RateLimitGate, max_wait: float) -> None:
    gate.observe(IAM, spent("30"), max_wait=max_wait)
    assert gate.delay(IAM) == 0.0


def test_a_shorter_later_window_never_shortens_a_longer_one(gate: RateLimitGate, clock: FakeClock) -> None:
    gate.observe(IAM, spent("10"), max_wait=60)
    clock.advance(1)
    gate.observe(IAM, spent("2"), max_wait=60)
    assert gate.delay(IAM) == 9.0
    gate.observe(IAM, spent("20"), max_wait=60)  # a longer one extends it
    assert gate.delay(IAM) == 20.0


@pytest.mark.parametrize("remaining", ["0", " 0 ", "0\t"])
def test_remaining_zero_is_read_around_whitespace(gate: RateLimitGate, remaining: str) -> None:
    gate.observe(IAM, spent("3", remaining=remaining), max_wait=60)
    assert gate.delay(IAM) == 3.0


@pytest.mark.parametrize("remaining", ["1", "", "none", "-0", "0.0", "00"])
def test_only_a_remaining_of_zero_closes_the_window(gate: RateLimitGate, remaining: str) -> None:
    gate.observe(IAM, spent("3", remaining=remaining), max_wait=60)
    assert gate.delay(IAM) == 0.0


# Every odd X-RateLimit-Reset a server was seen or imagined to send, and the hold it means with
# max_wait=3 (None: the value is unusable and the window stays open).
ODD_RESETS = {
    "1.5": 1.5,
    "\t7": 3.0,  # seven seconds, capped
    " 2 ": 2.0,
    "+2": 2.0,
    "0": None,  # nothing to wait for
    "-5": None,
    "1e9": None,
    "garbage": None,
    "nan": None,
    "inf": None,
    "-inf": None,
    "": None,
    " ": None,
    "²": None,
    "Wed, 21 Oct 2015 07:28:00 GMT": None,  # dates are for Retry-After, not the reset
    "0x10": None,
    "1_0": None,
    "1,5": None,
    ".": None,
    "99999999999999999999999": 3.0,  # a clock time far in the future: capped
}


@pytest.mark.parametrize("reset", list(ODD_RESETS), ids=repr)
def test_odd_reset_values_hold_as_they_mean_or_not_at_all(gate: RateLimitGate, reset: str) -> None:
    gate.observe(IAM, spent(reset), max_wait=3.0)
    expected = ODD_RESETS[reset]
    assert gate.delay(IAM) == (0.0 if expected is None else expected)


def test_a_missing_reset_leaves_the_window_open(gate: RateLimitGate) -> None:
    gate.observe(IAM, spent(None), max_wait=60)
    assert gate.delay(IAM) == 0.0


def test_an_epoch_looking_reset_is_a_clock_time(gate: RateLimitGate) -> None:
    # Some gateways send the reset as epoch seconds: read against the wall clock, it is 40 s away.
    gate.observe(IAM, spent(str(int(time.time()) + 40)), max_wait=60)
    assert 38 <= gate.delay(IAM) <= 40
    gate.observe(BYOK, spent(str(int(time.time()) - 40)), max_wait=60)  # already past
    assert gate.delay(BYOK) == 0.0


def test_the_hold_is_logged_once_per_closing(gate: RateLimitGate, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="openapi_client"):
        gate.observe(BYOK, spent("30"), max_wait=2)
        gate.observe(BYOK, spent("30"), max_wait=2)  # the same window: nothing new to say
    assert [r.getMessage() for r in caplog.records] == ["rate limit of byok/v1 spent: holding its requests 2.00s"]


def test_many_threads_observing_keep_the_longest_window(gate: RateLimitGate) -> None:
    start = threading.Barrier(8)

    def observe(reset: int) -> None:
        start.wait()
        for _ in range(200):
            gate.observe(IAM, spent(str(reset)), max_wait=60)

    threads = [threading.Thread(target=observe, args=(reset,)) for reset in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gate.delay(IAM) == 8.0


@pytest.mark.parametrize(
    ("path", "group"),
    [
        ("iam/v2/api-keys", IAM),
        ("iam/v2/api-keys/KEY?x=1", IAM),
        ("byok/v1/keys?page_token=a/b/c", BYOK),
        ("byok/v1", BYOK),
        ("iam/v2?page_size=1", IAM),
        ("iam?x=/v2/y", "iam"),
        ("/iam/v2/api-keys", IAM),
        ("//byok//v1/keys", BYOK),
        ("", ""),
    ],
)
def test_the_group_is_the_first_two_path_segments(path: str, group: str) -> None:
    assert api_group(path) == group
