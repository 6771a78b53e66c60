"""ApiRetry's decision and the wait headers, with no server and no sleeping.

The loopback tests (test_resilience.py, test_aio_behaviour.py, test_hostile_server.py) show both
transports wait and resend as the policy says; here the policy's every answer is pinned.
"""

from __future__ import annotations

import email.utils
from typing import Dict, Optional

import pytest
from hypothesis import given, settings, strategies as st
from property_budget import examples

from openapi_client._retry_headers import looks_numeric, relative_seconds
from openapi_client.exceptions import ApiTypeError, ApiValueError
from openapi_client.retry import ApiRetry, path_for_log

NOW = 1_700_000_000.0  # a wall-clock time in epoch seconds (November 2023)


def wall_clock() -> float:
    return NOW


def http_date(epoch: float) -> str:
    return email.utils.formatdate(epoch, usegmt=True)


PLAIN = ApiRetry(total=4, backoff_factor=0.5, backoff_jitter=0, backoff_max=30, retry_after_max=60)
SAFE = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "get", "Delete"]
UNSAFE = ["POST", "PATCH", "post"]


# -- what is retried --------------------------------------------------------------------------


@pytest.mark.parametrize("method", SAFE + UNSAFE)
def test_a_429_is_retried_for_every_method(method: str) -> None:
    assert PLAIN.decide(0, method, status=429, headers={}) == 0.0


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_gateway_failure_is_retried_only_for_methods_safe_to_repeat(status: int) -> None:
    for method in SAFE:
        assert PLAIN.decide(0, method, status=status) == 0.0, method
    for method in UNSAFE:
        assert PLAIN.decide(0, method, status=status) is None, method


@pytest.mark.parametrize("status", [200, 201, 204, 301, 400, 401, 403, 404, 409, 422, 500, 501, 505, 599])
def test_other_statuses_are_never_retried(status: int) -> None:
    for method in SAFE + UNSAFE:
        assert PLAIN.decide(0, method, status=status, headers={"Retry-After": "1"}) is None


def test_a_request_that_never_left_is_retried_for_every_method() -> None:
    for method in SAFE + UNSAFE:
        assert PLAIN.decide(0, method, may_have_been_sent=False) == 0.0


def test_a_request_that_may_have_been_sent_is_retried_only_when_safe() -> None:
    for method in SAFE:
        assert PLAIN.decide(0, method, may_have_been_sent=True) == 0.0
    for method in UNSAFE:
        assert PLAIN.decide(0, method, may_have_been_sent=True) is None


@pytest.mark.parametrize("total", [0, 1, 4])
def test_total_is_the_most_retries_of_a_call(total: int) -> None:
    policy = ApiRetry(total=total, backoff_factor=0)
    assert [policy.decide(done, "GET", status=503) is not None for done in range(total + 2)] == (
        [True] * total + [False, False]
    )


# -- how long to wait ---------------------------------------------------------------------------


def test_the_back_off_doubles_from_zero_and_is_capped() -> None:
    policy = ApiRetry(total=10, backoff_factor=0.5, backoff_jitter=0, backoff_max=3)
    assert [policy.backoff(n) for n in range(1, 7)] == [0.0, 1.0, 2.0, 3.0, 3.0, 3.0]
    assert [policy.decide(done, "GET", status=503) for done in range(4)] == [0.0, 1.0, 2.0, 3.0]


def test_a_huge_retry_number_is_still_capped() -> None:
    assert ApiRetry(backoff_jitter=0).backoff(10_000) == 30.0


def test_a_back_off_factor_of_zero_never_waits() -> None:
    policy = ApiRetry(total=10, backoff_factor=0, backoff_jitter=5)
    assert {policy.backoff(n) for n in range(1, 10)} == {0.0}


@settings(max_examples=examples(200), deadline=None)
@given(retry_number=st.integers(2, 80), jitter=st.floats(0.001, 5))
def test_property_jitter_adds_at_most_its_own_seconds(retry_number: int, jitter: float) -> None:
    policy = ApiRetry(backoff_factor=0.1, backoff_jitter=jitter, backoff_max=1000)
    plain = min(0.1 * 2.0 ** (retry_number - 1), 1000)
    wait = policy.backoff(retry_number)
    assert plain <= wait <= min(plain + jitter, 1000)


def test_retry_after_in_seconds_is_the_wait() -> None:
    assert PLAIN.decide(0, "GET", status=503, headers={"Retry-After": "7"}) == 7.0
    assert PLAIN.decide(3, "POST", status=429, headers={"retry-after": "2.5"}) == 2.5  # any header case


def test_retry_after_as_an_http_date_is_seconds_from_the_wall_clock() -> None:
    assert PLAIN.parse_retry_after(http_date(NOW + 10), wall_clock) == 10.0
    assert PLAIN.parse_retry_after(http_date(NOW + 3600), wall_clock) == 60.0  # capped by retry_after_max
    assert PLAIN.parse_retry_after(http_date(NOW - 10), wall_clock) is None  # already past
    assert PLAIN.parse_retry_after(http_date(NOW), wall_clock) is None


@pytest.mark.parametrize(
    "value", ["Wed, 21 Oct 2015 07:28:00", "Wednesday", "Wed, 99 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 GMT"]
)
def test_a_date_without_a_zone_or_unreadable_is_ignored(value: str) -> None:
    assert PLAIN.parse_retry_after(value, wall_clock) is None


def test_a_real_clock_date_is_read_against_the_real_clock() -> None:
    import time

    assert 8 <= ApiRetry(retry_after_max=120).parse_retry_after(http_date(time.time() + 10)) <= 10


def test_x_ratelimit_reset_is_the_wait_of_a_429_without_retry_after() -> None:
    assert PLAIN.decide(0, "GET", status=429, headers={"X-RateLimit-Reset": "4"}) == 4.0
    # Retry-After wins when both are there; the reset is not read for other statuses.
    assert PLAIN.decide(0, "GET", status=429, headers={"Retry-After": "2", "X-RateLimit-Reset": "4"}) == 2.0
    assert PLAIN.decide(1, "GET", status=503, headers={"X-RateLimit-Reset": "4"}) == 1.0  # the back-off


def test_the_servers_wait_is_capped_by_retry_after_max() -> None:
    policy = ApiRetry(retry_after_max=0.05)
    assert policy.decide(0, "GET", status=429, headers={"Retry-After": "3600"}) == 0.05
    assert policy.decide(0, "GET", status=429, headers={"X-RateLimit-Reset": "3600"}) == 0.05


# Odd values of either header, and the wait each means under PLAIN (retry_after_max 60) for a
# 429 when it is the only wait header (None: unusable, so the back-off applies).
ODD_WAITS: Dict[str, Optional[float]] = {
    "1.5": 1.5,
    "\t7": 7.0,
    " 2 ": 2.0,
    "+2": 2.0,
    "0": None,
    "0.0": None,
    "-5": None,
    "1e9": None,
    "garbage": None,
    "nan": None,
    "inf": None,
    "-inf": None,
    "": None,
    " ": None,
    "²": None,
    "0x10": None,
    "1_0": None,
    "1,5": None,
    ".": None,
    "99999999999999999999999": 60.0,  # a clock time far ahead: capped
    "Thu, 01 Jan 1970 00:00:00 GMT": None,  # a date in the past (Retry-After only)
}


@pytest.mark.parametrize("header", ["Retry-After", "X-RateLimit-Reset"])
@pytest.mark.parametrize("value", list(ODD_WAITS), ids=repr)
def test_odd_wait_values_mean_what_they_say_or_fall_back_to_the_back_off(header: str, value: str) -> None:
    expected = ODD_WAITS[value]
    back_off = PLAIN.backoff(2)
    assert PLAIN.decide(1, "GET", status=429, headers={header: value}) == (back_off if expected is None else expected)


def test_a_future_http_date_is_a_wait_in_retry_after_only() -> None:
    date = http_date(NOW + 30)
    assert PLAIN.parse_retry_after(date, wall_clock) == 30.0
    assert relative_seconds(date, wall_clock) is None  # X-RateLimit-Reset carries seconds, never dates


@pytest.mark.parametrize(("value", "seconds"), [(str(NOW + 42), 42.0), (str(int(NOW) + 5), 5.0), (str(NOW - 1), None)])
def test_an_epoch_looking_value_is_a_clock_time(value: str, seconds: Optional[float]) -> None:
    assert relative_seconds(value, wall_clock) == seconds


@settings(max_examples=examples(300), deadline=None)
@given(value=st.text(max_size=30))
def test_property_any_header_text_gives_a_usable_wait_or_none(value: str) -> None:
    for seconds in (relative_seconds(value, wall_clock), PLAIN.parse_retry_after(value, wall_clock)):
        assert seconds is None or 0 <= seconds < float("inf")
    if relative_seconds(value, wall_clock) is not None:
        assert looks_numeric(value)


# -- settings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "total"), [(None, 4), (True, 4), (False, 0), (0, 0), (7, 7), (ApiRetry(total=2), 2)]
)
def test_a_retries_setting_means_a_policy(setting: object, total: int) -> None:
    assert ApiRetry.from_setting(setting).total == total


@pytest.mark.parametrize("setting", ["3", 1.5, object()])
def test_any_other_retries_setting_is_a_type_error(setting: object) -> None:
    with pytest.raises(ApiTypeError, match="retries must be an ApiRetry"):
        ApiRetry.from_setting(setting)


def test_a_urllib3_retry_is_refused_by_name() -> None:
    import urllib3

    with pytest.raises(ApiTypeError, match="not Retry"):
        ApiRetry.from_setting(urllib3.Retry(3))


@pytest.mark.parametrize(
    ("arguments", "error", "words"),
    [
        ({"total": -1}, ApiValueError, "total must be >= 0"),
        ({"total": True}, ApiTypeError, "total must be an int"),
        ({"total": 1.0}, ApiTypeError, "total must be an int"),
        ({"backoff_factor": -0.1}, ApiValueError, "backoff_factor"),
        ({"backoff_max": float("inf")}, ApiValueError, "backoff_max"),
        ({"backoff_jitter": float("nan")}, ApiValueError, "backoff_jitter"),
        ({"retry_after_max": "1"}, ApiTypeError, "retry_after_max"),
        ({"total_timeout": 0}, ApiValueError, "total_timeout must be a finite number > 0"),
        ({"total_timeout": False}, ApiTypeError, "total_timeout"),
    ],
)
def test_a_bad_setting_is_refused_naming_it(arguments: Dict[str, object], error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        ApiRetry(**arguments)  # type: ignore[arg-type]


def test_zero_waits_and_no_budget_are_allowed() -> None:
    policy = ApiRetry(backoff_factor=0, backoff_max=0, backoff_jitter=0, retry_after_max=0, total_timeout=None)
    assert policy.total_timeout is None
    assert policy.decide(0, "GET", status=429, headers={"Retry-After": "5"}) == 0.0  # capped at 0: the back-off
    assert repr(policy) == (
        "ApiRetry(total=4, backoff_factor=0.0, backoff_max=0.0, backoff_jitter=0.0, retry_after_max=0.0, "
        "total_timeout=None)"
    )


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://api.confluent.cloud/iam/v2/api-keys?spec.owner=u-1", "/iam/v2/api-keys"),
        ("http://127.0.0.1:8080/byok/v1/keys/cck-1", "/byok/v1/keys/cck-1"),
        (None, ""),
        ("", ""),
    ],
)
def test_log_lines_show_the_path_alone(url: Optional[str], shown: str) -> None:
    assert path_for_log(url) == shown
