"""Retries, rate limits, time budgets, dropped connections, waiters and timeouts (issue 4)."""

from __future__ import annotations

import json
import time

import pytest

import openapi_client
from openapi_client import ApiRetry, IamApiKeysApi, IamV2ApiKey, IamV2ApiKeySpec, ObjectReference
from openapi_client.testing import FakeConfluentCloud

NEW_KEY = IamV2ApiKey(spec=IamV2ApiKeySpec(owner=ObjectReference(id="sa-1")))


def api_with(cloud: FakeConfluentCloud, retry: ApiRetry | int | bool, **config: object) -> IamApiKeysApi:
    client = openapi_client.ApiClient(cloud.configuration(retries=retry, **config))
    return IamApiKeysApi(client)


def attempts(cloud: FakeConfluentCloud, method: str, path: str) -> int:
    return sum(1 for r in cloud.requests if r.method == method and r.path == path)


def test_429_with_retry_after_is_retried_after_the_wait(cloud: FakeConfluentCloud) -> None:
    api = api_with(cloud, ApiRetry(total=3, backoff_factor=0, backoff_jitter=0))
    cloud.fail_next(1, status=429, path="/iam/v2/api-keys", headers={"Retry-After": "0.2"})
    started = time.monotonic()
    assert api.list_iam_v2_api_keys().kind == "ApiKeyList"
    waited = time.monotonic() - started
    assert attempts(cloud, "GET", "/iam/v2/api-keys") == 2
    assert waited >= 0.15  # the server asked for 0.2 s (the back-off alone is 0); the retry did not come sooner


def test_429_without_retry_after_falls_back_to_x_ratelimit_reset(cloud: FakeConfluentCloud) -> None:
    retry = ApiRetry(total=3, backoff_factor=0, backoff_jitter=0)
    api = api_with(cloud, retry)
    cloud.fail_next(1, status=429, path="/iam/v2/api-keys", headers={"X-RateLimit-Reset": "0.2"})
    started = time.monotonic()
    api.list_iam_v2_api_keys()
    assert time.monotonic() - started >= 0.15
    assert attempts(cloud, "GET", "/iam/v2/api-keys") == 2


def test_retry_after_is_capped(cloud: FakeConfluentCloud) -> None:
    api = api_with(cloud, ApiRetry(total=3, backoff_factor=0, retry_after_max=0.05))
    cloud.fail_next(1, status=429, retry_after=3600, path="/iam/v2/api-keys")
    started = time.monotonic()
    api.list_iam_v2_api_keys()
    assert time.monotonic() - started < 30
    assert attempts(cloud, "GET", "/iam/v2/api-keys") == 2


def test_retry_after_as_http_date_is_understood() -> None:
    retry = ApiRetry(retry_after_max=120)
    in_ten = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 10))
    assert 8 <= retry.parse_retry_after(in_ten) <= 10
    assert retry.parse_retry_after("7") == 7


def test_post_is_retried_after_429_because_it_was_not_processed(cloud: FakeConfluentCloud) -> None:
    api = api_with(cloud, ApiRetry(total=3, backoff_factor=0.01))
    cloud.fail_next(2, status=429, retry_after=0, method="POST")
    created = api.create_iam_v2_api_key(NEW_KEY)
    assert created.id
    assert attempts(cloud, "POST", "/iam/v2/api-keys") == 3
    assert len(api.list_iam_v2_api_keys().data) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_post_is_sent_once_when_the_server_fails(cloud: FakeConfluentCloud, status: int) -> None:
    api = api_with(cloud, ApiRetry(total=5, backoff_factor=0.01))
    cloud.fail_next(1, status=status, method="POST")
    with pytest.raises(openapi_client.ServiceException) as info:
        api.create_iam_v2_api_key(NEW_KEY)
    assert info.value.status == status
    assert attempts(cloud, "POST", "/iam/v2/api-keys") == 1


def test_post_is_not_repeated_after_a_dropped_connection(cloud: FakeConfluentCloud) -> None:
    api = api_with(cloud, ApiRetry(total=5, backoff_factor=0.01))
    cloud.drop_next(1, method="POST")
    with pytest.raises(openapi_client.ApiConnectionError):
        api.create_iam_v2_api_key(NEW_KEY)
    assert attempts(cloud, "POST", "/iam/v2/api-keys") == 1


def test_get_survives_a_dropped_connection(cloud: FakeConfluentCloud) -> None:
    api = api_with(cloud, ApiRetry(total=3, backoff_factor=0.01))
    cloud.drop_next(2, method="GET")
    assert api.list_iam_v2_api_keys().kind == "ApiKeyList"
    assert attempts(cloud, "GET", "/iam/v2/api-keys") == 3


def test_503_storm_within_the_budget_succeeds(cloud: FakeConfluentCloud) -> None:
    api = api_with(cloud, ApiRetry(total=4, backoff_factor=0.01, backoff_jitter=0.01))
    cloud.fail_next(3, status=503)
    assert api.list_iam_v2_api_keys().kind == "ApiKeyList"
    assert attempts(cloud, "GET", "/iam/v2/api-keys") == 4


def test_503_storm_beyond_the_budget_raises_the_last_error(cloud: FakeConfluentCloud) -> None:
    api = api_with(cloud, ApiRetry(total=2, backoff_factor=0.01))
    cloud.fail_next(10, status=503)
    with pytest.raises(openapi_client.ServiceException) as info:
        api.list_iam_v2_api_keys()
    assert info.value.status == 503 and info.value.request_id
    assert attempts(cloud, "GET", "/iam/v2/api-keys") == 3


def test_time_budget_stops_retrying_early(cloud: FakeConfluentCloud) -> None:
    api = api_with(cloud, ApiRetry(total=10, backoff_factor=0, total_timeout=0.5))
    cloud.fail_next(5, status=429, retry_after=1)
    started = time.monotonic()
    with pytest.raises(openapi_client.TooManyRequestsException) as info:
        api.list_iam_v2_api_keys()
    assert time.monotonic() - started < 0.9  # never slept a second it did not have
    assert attempts(cloud, "GET", "/iam/v2/api-keys") == 1
    assert info.value.retry_after == 1


def test_retries_can_be_turned_off_globally_and_per_call(cloud: FakeConfluentCloud) -> None:
    api = api_with(cloud, False)
    cloud.fail_next(1, status=503)
    with pytest.raises(openapi_client.ServiceException):
        api.list_iam_v2_api_keys()
    assert attempts(cloud, "GET", "/iam/v2/api-keys") == 1

    retrying = api_with(cloud, ApiRetry(total=3, backoff_factor=0.01))
    cloud.clear_requests()
    cloud.fail_next(1, status=503)
    with pytest.raises(openapi_client.ServiceException):
        retrying.list_iam_v2_api_keys(_retries=False)
    cloud.fail_next(1, status=503)
    assert retrying.list_iam_v2_api_keys(_retries=ApiRetry(total=1, backoff_factor=0)).kind == "ApiKeyList"
    assert attempts(cloud, "GET", "/iam/v2/api-keys") == 3


def test_each_retry_is_logged(cloud: FakeConfluentCloud, caplog: pytest.LogCaptureFixture) -> None:
    api = api_with(cloud, ApiRetry(total=3, backoff_factor=0.01))
    cloud.fail_next(2, status=502)
    with caplog.at_level("INFO", logger="openapi_client"):
        api.list_iam_v2_api_keys()
    retries = [r for r in caplog.records if r.getMessage().startswith("retrying")]
    assert len(retries) == 2
    assert "502" in retries[0].getMessage() and "/iam/v2/api-keys" in retries[0].getMessage()


def test_read_timeout_raises_timeout_error(cloud: FakeConfluentCloud) -> None:
    api = api_with(cloud, False)
    cloud.delay_next(1.0, method="GET")
    started = time.monotonic()
    with pytest.raises(openapi_client.ApiTimeoutError):
        api.list_iam_v2_api_keys(_request_timeout=(1.0, 0.2))
    assert time.monotonic() - started < 0.9


def test_default_timeouts_are_finite() -> None:
    config = openapi_client.Configuration()
    assert isinstance(config.timeout, tuple)
    connect, read = config.timeout
    assert 0 < connect <= 30 and 0 < read <= 300


def test_unreachable_host_raises_connection_error() -> None:
    with FakeConfluentCloud() as cloud:
        config = cloud.configuration(retries=ApiRetry(total=1, backoff_factor=0))
    # The emulator is stopped: nothing listens on its port any more.
    with openapi_client.ApiClient(config) as api_client, pytest.raises(openapi_client.ApiConnectionError):
        IamApiKeysApi(api_client).list_iam_v2_api_keys()


def test_api_key_waiter_returns_once_readable() -> None:
    with (
        FakeConfluentCloud(api_key_visibility_delay=0.3) as cloud,
        openapi_client.ApiClient(cloud.configuration()) as api_client,
    ):
        api = IamApiKeysApi(api_client)
        created = api.create_iam_v2_api_key(NEW_KEY)
        assert created.id is not None
        with pytest.raises(openapi_client.NotFoundException):
            api.get_iam_v2_api_key(created.id)
        ready = api.wait_for_iam_v2_api_key(created.id, timeout=5, poll_interval=0.05)
        assert ready.id == created.id


def test_api_key_waiter_times_out() -> None:
    with (
        FakeConfluentCloud(api_key_visibility_delay=30) as cloud,
        openapi_client.ApiClient(cloud.configuration()) as api_client,
    ):
        api = IamApiKeysApi(api_client)
        created = api.create_iam_v2_api_key(NEW_KEY)
        assert created.id is not None
        with pytest.raises(openapi_client.WaiterTimeoutError):
            api.wait_for_iam_v2_api_key(created.id, timeout=0.2, poll_interval=0.05)


def test_waiter_polls_through_rate_limits(cloud: FakeConfluentCloud) -> None:
    api = api_with(cloud, ApiRetry(total=3, backoff_factor=0.01))
    created = api.create_iam_v2_api_key(NEW_KEY)
    assert created.id is not None
    cloud.fail_next(2, status=429, retry_after=0, method="GET")
    assert api.wait_for_iam_v2_api_key(created.id, timeout=5, poll_interval=0.05).id == created.id


def _spent_window(cloud: FakeConfluentCloud, reset: float) -> None:
    """The next BYOK listing answers normally but says the rate-limit window is spent."""
    page = json.dumps({"api_version": "byok/v1", "kind": "KeyList", "metadata": {}, "data": []}).encode()
    headers = {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
    cloud.respond_next(status=200, body=page, headers=headers, method="GET")


def test_a_spent_rate_limit_window_holds_the_next_request_back(cloud: FakeConfluentCloud) -> None:
    with openapi_client.ApiClient(cloud.configuration()) as api_client:
        byok = openapi_client.ByokKeysApi(api_client)
        _spent_window(cloud, reset=0.5)
        byok.list_byok_v1_keys()
        started = time.monotonic()
        byok.list_byok_v1_keys()
        held = time.monotonic() - started
    # Held for what was left of the window (counted from the answer that closed it), where an
    # open window sends at once: waited instead of earning a 429.
    assert held >= 0.25
    assert [r.status for r in cloud.requests] == [200, 200]


def test_rate_limit_pacing_is_capped_and_can_be_turned_off(cloud: FakeConfluentCloud) -> None:
    held = {}
    for max_wait in (0.3, 0):
        with openapi_client.ApiClient(cloud.configuration(rate_limit_max_wait=max_wait)) as api_client:
            byok = openapi_client.ByokKeysApi(api_client)
            _spent_window(cloud, reset=30)
            byok.list_byok_v1_keys()
            started = time.monotonic()
            byok.list_byok_v1_keys()
            held[max_wait] = time.monotonic() - started
    assert 0.25 <= held[0.3] < 5  # held, but never the 30 s the header asked for
    assert held[0] < 0.25  # pacing off: sent at once


def test_the_iam_rate_limit_headers_pace_api_key_calls_before_a_429() -> None:
    # The emulator's own IAM budget (2 a window): its answers say when it is spent, and the
    # client holds the third call until the window resets instead of earning a 429.
    with FakeConfluentCloud(rate_limit=2, rate_limit_window=1.0) as cloud:
        with openapi_client.ApiClient(cloud.configuration(retries=False)) as api_client:
            iam = IamApiKeysApi(api_client)
            iam.list_iam_v2_api_keys()
            iam.list_iam_v2_api_keys()  # answers X-RateLimit-Remaining: 0
            started = time.monotonic()
            iam.list_iam_v2_api_keys()
            held = time.monotonic() - started
        statuses = [r.status for r in cloud.requests]
    assert statuses == [200, 200, 200]
    assert held >= 0.5
