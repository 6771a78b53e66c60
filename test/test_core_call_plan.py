"""CallPlan and CallFactory under a fake clock: one call's deadline, timeouts, holds and retries.

Both transports drive a call by asking its plan (call.py's docstring shows the loop); the
loopback tests (test_hostile_server.py, test_aio_hostile.py, test_call_deadline.py,
test_resilience.py) show they do what it says. Here the plan's arithmetic is checked to the
second, with time moved by hand.
"""

from __future__ import annotations

import logging
from typing import Dict, List, Optional, Tuple

import pytest
import urllib3
from fake_clock import FakeClock
from hypothesis import given, settings, strategies as st
from property_budget import examples

from openapi_client import Configuration
from openapi_client._redaction import Redactor
from openapi_client.call import CallFactory, CallPlan, SendFailure, socket_timeouts
from openapi_client.exceptions import ApiConnectionError, ApiTimeoutError, ApiTypeError, ApiValueError
from openapi_client.rate_limit import RateLimitGate
from openapi_client.retry import ApiRetry

URL = "https://api.confluent.cloud/iam/v2/api-keys?spec.owner=sa-secret-filter"
SPENT = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "30"}


def plan(
    clock: FakeClock,
    policy: ApiRetry,
    *,
    method: str = "GET",
    timeouts: Tuple[Optional[float], Optional[float]] = (10.0, 30.0),
    gate: Optional[RateLimitGate] = None,
    max_wait: float = 60.0,
    deadline: Optional[float] = None,
    redactor: Optional[Redactor] = None,
) -> CallPlan:
    return CallPlan(
        method,
        URL,
        group="iam/v2",
        policy=policy,
        connect_timeout=timeouts[0],
        read_timeout=timeouts[1],
        gate=gate if gate is not None else RateLimitGate(clock),
        rate_limit_max_wait=max_wait,
        redactor=redactor if redactor is not None else Redactor(),
        deadline=deadline,
        clock=clock,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(100.0)


# -- the deadline ------------------------------------------------------------------------------


def test_the_deadline_is_the_budget_from_the_plans_start(clock: FakeClock) -> None:
    call = plan(clock, ApiRetry(total_timeout=10))
    assert call.deadline == 110.0
    clock.advance(4)
    assert call.remaining() == 6.0


def test_without_a_budget_there_is_no_deadline(clock: FakeClock) -> None:
    call = plan(clock, ApiRetry(total_timeout=None), timeouts=(None, None))
    assert call.deadline is None and call.remaining() is None
    clock.advance(1e6)
    assert call.timeouts() == (None, None) and call.read_timeout_now() is None


def test_a_running_deadline_is_kept_not_restarted(clock: FakeClock) -> None:
    # The resend after a 401 is part of the call that was refused: it gets what is left.
    call = plan(clock, ApiRetry(total_timeout=10), deadline=101.5)
    assert call.remaining() == 1.5


def test_socket_timeouts_are_cut_to_what_is_left(clock: FakeClock) -> None:
    call = plan(clock, ApiRetry(total_timeout=20), timeouts=(5.0, 30.0))
    assert call.timeouts() == (5.0, 20.0)
    clock.advance(17)
    assert call.timeouts() == (3.0, 3.0)
    assert call.read_timeout_now() == 3.0
    clock.advance(2.5)
    assert call.read_timeout_now() == 0.5


def test_no_socket_timeout_means_the_time_left(clock: FakeClock) -> None:
    call = plan(clock, ApiRetry(total_timeout=8), timeouts=(None, None))
    clock.advance(2)
    assert call.timeouts() == (6.0, 6.0)


@pytest.mark.parametrize("past", [0.0, 0.001, 50.0])
def test_a_spent_budget_refuses_the_next_attempt_and_the_next_read(clock: FakeClock, past: float) -> None:
    call = plan(clock, ApiRetry(total_timeout=3))
    clock.advance(3 + past)
    with pytest.raises(ApiTimeoutError) as attempt:
        call.timeouts()
    with pytest.raises(ApiTimeoutError):
        call.read_timeout_now()
    assert str(attempt.value) == (
        "GET https://api.confluent.cloud/iam/v2/api-keys: the time budget is spent (total_timeout=3s)"
    )


# -- the rate-limit hold -----------------------------------------------------------------------


def test_the_hold_is_the_gates_delay_for_the_plans_group(clock: FakeClock) -> None:
    gate = RateLimitGate(clock)
    gate.observe("iam/v2", {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "4"}, max_wait=60)
    gate.observe("byok/v1", SPENT, max_wait=60)
    call = plan(clock, ApiRetry(total_timeout=None), gate=gate)
    assert call.hold() == 4.0
    clock.advance(4)
    assert call.hold() == 0.0


def test_a_hold_past_the_deadline_is_a_timeout_at_once(clock: FakeClock) -> None:
    gate = RateLimitGate(clock)
    gate.observe("iam/v2", SPENT, max_wait=60)
    call = plan(clock, ApiRetry(total_timeout=10), gate=gate)
    with pytest.raises(ApiTimeoutError, match=r"the rate-limit hold of 30\.0s would pass the time budget"):
        call.hold()
    assert clock.slept == []


def test_a_hold_within_the_deadline_is_logged(clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    gate = RateLimitGate(clock)
    gate.observe("iam/v2", {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2"}, max_wait=60)
    with caplog.at_level(logging.INFO, logger="openapi_client"):
        assert plan(clock, ApiRetry(total_timeout=10), gate=gate).hold() == 2.0
    assert "rate limit spent: holding GET /iam/v2/api-keys 2.00s" in caplog.messages


# -- after an answer -------------------------------------------------------------------------------


def test_retry_waits_follow_the_policy_and_count_the_retries(clock: FakeClock) -> None:
    policy = ApiRetry(total=3, backoff_factor=1, backoff_jitter=0, total_timeout=None)
    call = plan(clock, policy)
    assert [call.after_response(503, {}) for _ in range(4)] == [0.0, 2.0, 4.0, None]
    assert call.retries_done == 3


def test_a_wait_that_would_pass_the_deadline_makes_the_answer_final(
    clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    call = plan(clock, ApiRetry(total=5, total_timeout=10))
    clock.advance(6)
    with caplog.at_level(logging.INFO, logger="openapi_client"):
        assert call.after_response(429, {"Retry-After": "4"}) is None  # 4 s of the 4 s left: not tried
    assert call.retries_done == 0
    assert "not retrying GET /iam/v2/api-keys after status 429: waiting 4.00s would pass the 10.0s time budget" in (
        caplog.messages
    )
    assert call.after_response(429, {"Retry-After": "3.5"}) == 3.5  # within it: tried


def test_a_final_answer_that_spends_the_window_closes_it_for_max_wait(clock: FakeClock) -> None:
    gate = RateLimitGate(clock)
    assert plan(clock, ApiRetry(), gate=gate, max_wait=0.5).after_response(200, SPENT) is None
    assert gate.delay("iam/v2") == 0.5
    assert plan(clock, ApiRetry(), gate=RateLimitGate(clock), max_wait=0).after_response(200, SPENT) is None


def test_a_retried_429_closes_the_window_no_longer_than_its_own_wait(clock: FakeClock) -> None:
    # The retry policy has the say over how long a 429 is sat out: the window the answer
    # reports (30 s) is cut to the retry's wait (retry_after_max 3 s), so the resend is not
    # held a second time once that wait is over.
    gate = RateLimitGate(clock)
    call = plan(clock, ApiRetry(retry_after_max=3), gate=gate, max_wait=60)
    wait = call.after_response(429, SPENT)
    assert wait == 3.0 and gate.delay("iam/v2") == 3.0
    clock.sleep(wait)
    assert call.hold() == 0.0


def test_a_plain_answer_leaves_the_window_open(clock: FakeClock) -> None:
    gate = RateLimitGate(clock)
    plan(clock, ApiRetry(), gate=gate).after_response(200, {"X-RateLimit-Remaining": "9", "X-RateLimit-Reset": "30"})
    assert gate.delay("iam/v2") == 0.0


# -- after a failure ---------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "PATCH", "DELETE"])
@pytest.mark.parametrize("failure", [SendFailure.NOT_CONNECTED, SendFailure.CONNECT_TIMEOUT])
def test_an_attempt_that_never_left_is_retried_for_any_method(
    clock: FakeClock, method: str, failure: SendFailure
) -> None:
    call = plan(clock, ApiRetry(backoff_jitter=0), method=method)
    assert call.after_failure(failure, "refused") == 0.0
    assert call.after_failure(failure, "refused") == 1.0


@pytest.mark.parametrize("failure", [SendFailure.READ_TIMEOUT, SendFailure.BROKEN])
def test_an_attempt_that_may_have_been_sent_is_retried_only_when_safe(clock: FakeClock, failure: SendFailure) -> None:
    assert plan(clock, ApiRetry(), method="DELETE").after_failure(failure, "reset") == 0.0
    with pytest.raises(ApiConnectionError) as post:
        plan(clock, ApiRetry(), method="POST").after_failure(failure, "reset")
    assert isinstance(post.value, ApiTimeoutError) is failure.is_timeout


def test_a_tls_failure_is_never_retried(clock: FakeClock) -> None:
    with pytest.raises(ApiConnectionError) as refused:
        plan(clock, ApiRetry(total=10)).after_failure(SendFailure.TLS, "certificate verify failed")
    assert not isinstance(refused.value, ApiTimeoutError)
    assert (
        str(refused.value) == "GET https://api.confluent.cloud/iam/v2/api-keys: TLS failure: certificate verify failed"
    )


def test_the_last_failure_is_raised_with_secrets_masked_and_no_query(clock: FakeClock) -> None:
    call = plan(clock, ApiRetry(total=1), redactor=Redactor(["hunter2-secret"]))
    call.after_failure(SendFailure.READ_TIMEOUT, "first")
    with pytest.raises(ApiTimeoutError) as gave_up:
        call.after_failure(SendFailure.READ_TIMEOUT, "read from http://KEY:hunter2-secret@proxy timed out")
    assert "hunter2-secret" not in str(gave_up.value)
    assert "sa-secret-filter" not in str(gave_up.value)  # the query (filters) stays out
    assert gave_up.value.url == "https://api.confluent.cloud/iam/v2/api-keys"


def test_a_failure_retry_past_the_deadline_is_the_failure(clock: FakeClock) -> None:
    call = plan(clock, ApiRetry(backoff_factor=2, backoff_jitter=0, total_timeout=5))
    assert call.after_failure(SendFailure.BROKEN, "reset") == 0.0
    clock.advance(1.5)
    with pytest.raises(ApiConnectionError, match="the connection broke: reset"):
        call.after_failure(SendFailure.BROKEN, "reset")  # the 4 s back-off would end past the 5 s budget


# -- a whole call, driven as a transport drives it ---------------------------------------------------


def drive(clock: FakeClock, call: CallPlan, answers: List[int], attempt_takes: float) -> Tuple[int, int]:
    """The transports' loop with a fake clock: each attempt takes ``attempt_takes`` seconds and
    gets the next status of ``answers`` (the last one repeated). Returns (attempts, final status)."""
    attempts = 0
    while True:
        clock.sleep(call.hold())
        call.timeouts()
        clock.advance(attempt_takes)
        status = answers[min(attempts, len(answers) - 1)]
        attempts += 1
        wait = call.after_response(status, {})
        if wait is None:
            return attempts, status
        clock.sleep(wait)


def test_retries_and_back_offs_stop_at_the_deadline(clock: FakeClock) -> None:
    # The policy would try 51 times; the 1.5 s budget ends it after back-offs of 0, 0.4, 0.4 and
    # 0.4 s: after the fifth attempt (at 1.45 s) another 0.4 s would pass the deadline.
    policy = ApiRetry(total=50, backoff_factor=0.2, backoff_jitter=0, backoff_max=0.4, total_timeout=1.5)
    call = plan(clock, policy)
    attempts, status = drive(clock, call, [503], attempt_takes=0.05)
    assert (attempts, status) == (5, 503)
    assert [pause for pause in clock.slept if pause] == [0.4, 0.4, 0.4]
    assert clock() == pytest.approx(101.45)


def test_a_storm_within_the_budget_ends_in_the_answer(clock: FakeClock) -> None:
    call = plan(clock, ApiRetry(total=4, backoff_factor=0.5, backoff_jitter=0))
    assert drive(clock, call, [503, 503, 503, 200], attempt_takes=0.1) == (4, 200)
    assert call.retries_done == 3


@settings(max_examples=examples(200), deadline=None)
@given(
    budget=st.floats(0.1, 100),
    factor=st.floats(0, 5),
    attempt_takes=st.floats(0, 3),
    total=st.integers(0, 30),
)
def test_property_no_wait_ends_past_the_deadline(
    budget: float, factor: float, attempt_takes: float, total: int
) -> None:
    clock = FakeClock(100.0)
    call = plan(clock, ApiRetry(total=total, backoff_factor=factor, backoff_jitter=0.5, total_timeout=budget))
    try:
        attempts, _ = drive(clock, call, [503], attempt_takes)
    except ApiTimeoutError:
        attempts = call.retries_done + 1
    assert attempts <= total + 1
    # Every wait began before the deadline and ended before it: only an attempt may overrun it.
    assert clock() <= 100.0 + budget + attempt_takes


# -- the factory ------------------------------------------------------------------------------------


def test_the_factorys_plans_share_one_gate_and_one_clock(clock: FakeClock) -> None:
    calls = CallFactory(
        Configuration(host="https://api.confluent.cloud", retries=ApiRetry(total_timeout=50)), clock=clock
    )
    first = calls.plan(
        "GET", "https://api.confluent.cloud/byok/v1/keys", retries=None, request_timeout=None, redactor=None
    )
    assert first.group == "byok/v1" and first.deadline == 150.0
    first.after_response(200, SPENT)
    second = calls.plan(
        "GET", "https://api.confluent.cloud/byok/v1/keys/cck-1", retries=None, request_timeout=None, redactor=None
    )
    other = calls.plan(
        "GET", "https://api.confluent.cloud/iam/v2/api-keys", retries=None, request_timeout=None, redactor=None
    )
    assert second.hold() == 30.0 and other.hold() == 0.0


def test_per_call_settings_win_over_the_configurations(clock: FakeClock) -> None:
    configuration = Configuration(host="https://api.confluent.cloud", timeout=(3, 20))
    calls = CallFactory(configuration, clock=clock)
    default = calls.plan("GET", URL, retries=None, request_timeout=None, redactor=None)
    assert (default.connect_timeout, default.read_timeout) == (3.0, 20.0)
    assert default.policy is configuration.retries
    custom = calls.plan("GET", URL, retries=2, request_timeout=7, redactor=None, deadline=101.0)
    assert (custom.connect_timeout, custom.read_timeout, custom.policy.total) == (7.0, 7.0, 2)
    assert custom.remaining() == 1.0
    configuration.timeout = 9
    changed = calls.plan("GET", URL, retries=None, request_timeout=None, redactor=None)
    assert (changed.connect_timeout, changed.read_timeout) == (9.0, 9.0)  # read again once changed


# -- socket timeouts from a setting ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "pair"),
    [
        (None, (None, None)),
        (5, (5.0, 5.0)),
        (2.5, (2.5, 2.5)),
        ((1, 30), (1.0, 30.0)),
        (urllib3.Timeout(connect=2, read=9), (2.0, 9.0)),
        (urllib3.Timeout(total=4), (4.0, 4.0)),
        (urllib3.Timeout(connect=1, total=4), (1.0, 4.0)),
        (urllib3.Timeout(connect=None, read=None), (None, None)),
    ],
)
def test_each_timeout_setting_means_a_connect_and_read_pair(setting: object, pair: Tuple[object, object]) -> None:
    # A urllib3 Timeout with a total counts its read limit from when its connect starts: read
    # now, a few microseconds of it may be gone.
    for seconds, expected in zip(socket_timeouts(setting), pair):
        assert seconds == (None if expected is None else pytest.approx(expected, abs=0.05))


@pytest.mark.parametrize("setting", ["5", b"5", [1, 2], (1, "2"), (1, 2, 3), True, (True, 1), object()])
def test_a_timeout_setting_of_another_type_is_a_type_error(setting: object) -> None:
    with pytest.raises(ApiTypeError, match="_request_timeout must be a number of seconds"):
        socket_timeouts(setting)


@pytest.mark.parametrize("setting", [0, -1, float("nan"), float("inf"), (1, 0), (float("inf"), 1)])
def test_a_timeout_of_no_finite_seconds_is_a_value_error(setting: object) -> None:
    with pytest.raises(ApiValueError, match="finite number of seconds above 0"):
        socket_timeouts(setting)


# -- the body errors name the call, never its secrets or query -------------------------------------


def test_body_errors_name_the_call_and_keep_secrets_out(clock: FakeClock) -> None:
    call = plan(clock, ApiRetry(), redactor=Redactor(["hunter2-secret"]))
    headers: Dict[str, str] = {"Content-Type": "application/json"}
    errors = [
        call.too_large_error(1024, 200, headers),
        call.unsupported_coding_error("br", 200, headers),
        call.cut_short_error("hunter2-secret and 10 more bytes expected", 200, headers),
    ]
    for error in errors:
        assert "the response to GET /iam/v2/api-keys " in str(error)
        assert "hunter2-secret" not in str(error) and "sa-secret-filter" not in str(error)
    assert "over the 1024-byte limit (max_response_bytes) once decoded" in str(errors[0])
    assert "uses the content coding 'br'" in str(errors[1])
    assert "was cut short" in str(errors[2])
