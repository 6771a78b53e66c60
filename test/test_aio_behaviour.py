"""The resilience and safety behaviours the docs promise, run through both clients.

Each test is parametrized over the sync client and ``openapi_client.aio``: the rules live
in one shared core, so both must behave the same, over real loopback HTTP to the emulator.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Dict

import payloads
import pytest
from aio_clients import KINDS, Clients

import openapi_client
from openapi_client import ApiRetry, ByokV1AwsKey, ByokV1Key, IamV2ApiKey, IamV2ApiKeySpec, ObjectReference
from openapi_client.testing import FakeConfluentCloud

NEW_KEY = IamV2ApiKey(spec=IamV2ApiKeySpec(owner=ObjectReference(id="sa-1")))
KEYS = "/iam/v2/api-keys"
AWS_ARN = "arn:aws:kms:us-west-2:037803949979:key/0e2609e3-a0bf-4f39-aedf-8b1f63b16d81"


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def clients(kind: str, cloud: FakeConfluentCloud, retry: Any = False, **config: Any) -> Clients:
    return Clients(kind, cloud.configuration(retries=retry, **config))


def attempts(cloud: FakeConfluentCloud, method: str, path: str = KEYS) -> int:
    return sum(1 for r in cloud.requests if r.method == method and r.path == path)


# -- retries ---------------------------------------------------------------------------------


async def test_429_is_retried_after_retry_after(kind: str, cloud: FakeConfluentCloud) -> None:
    cloud.fail_next(1, status=429, path=KEYS, headers={"Retry-After": "0.2"})
    async with clients(kind, cloud, ApiRetry(total=3, backoff_factor=0, backoff_jitter=0)) as c:
        started = time.monotonic()
        page = await c.iam("list_iam_v2_api_keys")
        waited = time.monotonic() - started
    assert page.kind == "ApiKeyList"
    assert attempts(cloud, "GET") == 2
    assert waited >= 0.15


async def test_429_without_retry_after_waits_for_x_ratelimit_reset(kind: str, cloud: FakeConfluentCloud) -> None:
    cloud.fail_next(1, status=429, path=KEYS, headers={"X-RateLimit-Reset": "0.2"})
    async with clients(kind, cloud, ApiRetry(total=3, backoff_factor=0, backoff_jitter=0)) as c:
        started = time.monotonic()
        await c.iam("list_iam_v2_api_keys")
        assert time.monotonic() - started >= 0.15
    assert attempts(cloud, "GET") == 2


async def test_retry_after_is_capped(kind: str, cloud: FakeConfluentCloud) -> None:
    cloud.fail_next(1, status=429, retry_after=3600, path=KEYS)
    async with clients(kind, cloud, ApiRetry(total=3, backoff_factor=0, retry_after_max=0.05)) as c:
        started = time.monotonic()
        await c.iam("list_iam_v2_api_keys")
        assert time.monotonic() - started < 5
    assert attempts(cloud, "GET") == 2


@pytest.mark.parametrize("value", ["-5", "nan", "inf", "garbage", "1e9", "Wed, 21 Oct 2015 07:28:00 GMT"])
async def test_an_unusable_retry_after_falls_back_to_the_backoff(
    kind: str, cloud: FakeConfluentCloud, value: str
) -> None:
    cloud.fail_next(1, status=503, path=KEYS, headers={"Retry-After": value})
    async with clients(kind, cloud, ApiRetry(total=2, backoff_factor=0, backoff_jitter=0)) as c:
        started = time.monotonic()
        page = await c.iam("list_iam_v2_api_keys")
        assert time.monotonic() - started < 5
    assert page.kind == "ApiKeyList"
    assert attempts(cloud, "GET") == 2


async def test_post_is_retried_after_429_because_it_was_not_processed(kind: str, cloud: FakeConfluentCloud) -> None:
    cloud.fail_next(2, status=429, retry_after=0, method="POST")
    async with clients(kind, cloud, ApiRetry(total=3, backoff_factor=0.01)) as c:
        created = await c.iam("create_iam_v2_api_key", NEW_KEY)
        assert created.id
        assert len((await c.iam("list_iam_v2_api_keys")).data) == 1
    assert attempts(cloud, "POST") == 3


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_post_is_sent_once_when_the_server_fails(kind: str, cloud: FakeConfluentCloud, status: int) -> None:
    cloud.fail_next(1, status=status, method="POST")
    async with clients(kind, cloud, ApiRetry(total=5, backoff_factor=0.01)) as c:
        with pytest.raises(openapi_client.ServiceException) as info:
            await c.iam("create_iam_v2_api_key", NEW_KEY)
    assert info.value.status == status
    assert attempts(cloud, "POST") == 1


async def test_post_is_not_repeated_after_a_dropped_connection(kind: str, cloud: FakeConfluentCloud) -> None:
    cloud.drop_next(1, method="POST")
    async with clients(kind, cloud, ApiRetry(total=5, backoff_factor=0.01)) as c:
        with pytest.raises(openapi_client.ApiConnectionError):
            await c.iam("create_iam_v2_api_key", NEW_KEY)
    assert attempts(cloud, "POST") == 1


async def test_get_survives_dropped_connections(kind: str, cloud: FakeConfluentCloud) -> None:
    cloud.drop_next(2, method="GET")
    async with clients(kind, cloud, ApiRetry(total=3, backoff_factor=0.01)) as c:
        assert (await c.iam("list_iam_v2_api_keys")).kind == "ApiKeyList"
    assert attempts(cloud, "GET") == 3


async def test_a_503_storm_beyond_the_budget_raises_the_last_error(kind: str, cloud: FakeConfluentCloud) -> None:
    cloud.fail_next(10, status=503)
    async with clients(kind, cloud, ApiRetry(total=2, backoff_factor=0.01)) as c:
        with pytest.raises(openapi_client.ServiceException) as info:
            await c.iam("list_iam_v2_api_keys")
    assert info.value.status == 503 and info.value.request_id
    assert attempts(cloud, "GET") == 3


async def test_the_time_budget_stops_retrying_early(kind: str, cloud: FakeConfluentCloud) -> None:
    cloud.fail_next(5, status=429, retry_after=1)
    async with clients(kind, cloud, ApiRetry(total=10, backoff_factor=0, total_timeout=0.5)) as c:
        started = time.monotonic()
        with pytest.raises(openapi_client.TooManyRequestsException) as info:
            await c.iam("list_iam_v2_api_keys")
        assert time.monotonic() - started < 0.9
    assert attempts(cloud, "GET") == 1
    assert info.value.retry_after == 1


async def test_retries_can_be_turned_off_per_call(kind: str, cloud: FakeConfluentCloud) -> None:
    async with clients(kind, cloud, ApiRetry(total=3, backoff_factor=0.01)) as c:
        cloud.fail_next(1, status=503)
        with pytest.raises(openapi_client.ServiceException):
            await c.iam("list_iam_v2_api_keys", _retries=False)
        cloud.fail_next(1, status=503)
        assert (await c.iam("list_iam_v2_api_keys", _retries=ApiRetry(total=1, backoff_factor=0))).kind
    assert attempts(cloud, "GET") == 3


async def test_each_retry_is_logged(kind: str, cloud: FakeConfluentCloud, caplog: pytest.LogCaptureFixture) -> None:
    cloud.fail_next(2, status=502)
    async with clients(kind, cloud, ApiRetry(total=3, backoff_factor=0.01)) as c:
        with caplog.at_level(logging.INFO, logger="openapi_client"):
            await c.iam("list_iam_v2_api_keys")
    retries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retrying")]
    assert len(retries) == 2
    assert "502" in retries[0] and KEYS in retries[0]


# -- time ------------------------------------------------------------------------------------


async def test_a_slow_answer_raises_a_timeout_error(kind: str, cloud: FakeConfluentCloud) -> None:
    cloud.delay_next(1.0, method="GET")
    async with clients(kind, cloud) as c:
        started = time.monotonic()
        with pytest.raises(openapi_client.ApiTimeoutError):
            await c.iam("list_iam_v2_api_keys", _request_timeout=(1.0, 0.2))
        assert time.monotonic() - started < 0.9


async def test_the_total_deadline_bounds_a_slow_answer(kind: str, cloud: FakeConfluentCloud) -> None:
    cloud.delay_next(3.0, method="GET")
    async with clients(kind, cloud, ApiRetry(total=3, total_timeout=0.5), timeout=(5, 5)) as c:
        started = time.monotonic()
        with pytest.raises(openapi_client.ApiTimeoutError):
            await c.iam("list_iam_v2_api_keys")
        assert time.monotonic() - started < 1.5


async def test_an_unreachable_host_raises_a_connection_error(kind: str) -> None:
    with FakeConfluentCloud() as stopped:
        configuration = stopped.configuration(retries=ApiRetry(total=1, backoff_factor=0))
    async with Clients(kind, configuration) as c:
        with pytest.raises(openapi_client.ApiConnectionError) as failed:
            await c.iam("list_iam_v2_api_keys")
    assert not isinstance(failed.value, openapi_client.ApiTimeoutError)


# -- rate-limit pacing -------------------------------------------------------------------------


def _spent_window(cloud: FakeConfluentCloud, reset: int, path: str = "/byok/v1/keys") -> None:
    """The next listing answers normally but says the rate-limit window is spent."""
    kind, version = ("KeyList", "byok/v1") if path.startswith("/byok") else ("ApiKeyList", "iam/v2")
    page = json.dumps({"api_version": version, "kind": kind, "metadata": {}, "data": []}).encode()
    headers = {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
    cloud.respond_next(status=200, body=page, headers=headers, method="GET", path=path)


async def test_a_spent_window_holds_the_next_request_of_its_group(kind: str, cloud: FakeConfluentCloud) -> None:
    async with clients(kind, cloud, rate_limit_max_wait=60) as c:
        _spent_window(cloud, reset=1)
        await c.byok("list_byok_v1_keys")
        started = time.monotonic()
        await c.iam("list_iam_v2_api_keys")
        other_group = time.monotonic() - started
        started = time.monotonic()
        await c.byok("list_byok_v1_keys")
        same_group = time.monotonic() - started
    assert other_group < 0.5  # a spent BYOK budget does not stall API-key calls
    assert same_group >= 0.8  # waited for the window instead of earning a 429
    assert [r.status for r in cloud.requests] == [200, 200, 200]


async def test_pacing_is_capped_and_can_be_turned_off(kind: str, cloud: FakeConfluentCloud) -> None:
    held: Dict[float, float] = {}
    for max_wait in (0.3, 0):
        async with clients(kind, cloud, rate_limit_max_wait=max_wait) as c:
            _spent_window(cloud, reset=30)
            await c.byok("list_byok_v1_keys")
            started = time.monotonic()
            await c.byok("list_byok_v1_keys")
            held[max_wait] = time.monotonic() - started
    assert 0.25 <= held[0.3] < 5
    assert held[0] < 0.25


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, openapi_client.BadRequestException),
        (401, openapi_client.UnauthorizedException),
        (403, openapi_client.ForbiddenException),
        (404, openapi_client.NotFoundException),
        (409, openapi_client.ConflictException),
        (422, openapi_client.UnprocessableEntityException),
        (429, openapi_client.TooManyRequestsException),
        (500, openapi_client.ServiceException),
    ],
)
async def test_each_error_status_raises_its_exception(
    kind: str, cloud: FakeConfluentCloud, status: int, error: type
) -> None:
    cloud.fail_next(1, status=status, path=KEYS)
    async with clients(kind, cloud) as c:
        with pytest.raises(error) as raised:
            await c.iam("list_iam_v2_api_keys")
    assert raised.value.status == status
    assert raised.value.request_id and raised.value.request_id in str(raised.value)


async def test_a_missing_key_is_not_found_with_the_service_detail(kind: str, cloud: FakeConfluentCloud) -> None:
    async with clients(kind, cloud) as c:
        with pytest.raises(openapi_client.NotFoundException) as missing:
            await c.iam("get_iam_v2_api_key", "NOSUCHKEY0000000")
    assert missing.value.failure is not None
    assert missing.value.request_id


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (b"<html>maintenance</html>", "text/html", "not JSON"),
        (b"[1, 2]", "application/json", "not a valid IamV2ApiKey"),
        (b"", "application/json", "has no body"),
    ],
    ids=["html", "wrong-shape", "empty"],
)
async def test_an_unusable_success_answer_is_a_response_error(
    kind: str, cloud: FakeConfluentCloud, body: bytes, content_type: str, expected: str
) -> None:
    cloud.respond_next(status=200, body=body, content_type=content_type)
    async with clients(kind, cloud) as c:
        with pytest.raises(openapi_client.ApiResponseError) as refused:
            await c.iam("get_iam_v2_api_key", "HDS3YFUAYMZL4GDB")
    assert expected in str(refused.value)


async def test_a_truncated_answer_is_cut_short_and_the_connection_dropped(kind: str, cloud: FakeConfluentCloud) -> None:
    whole = json.dumps(payloads.API_KEY).encode()
    cloud.respond_next(body=whole[: len(whole) // 2], declared_length=len(whole))
    async with clients(kind, cloud) as c:
        with pytest.raises(openapi_client.ApiResponseError) as refused:
            await c.iam("get_iam_v2_api_key", "HDS3YFUAYMZL4GDB")
        assert "cut short" in str(refused.value)
        with pytest.raises(openapi_client.NotFoundException):
            await c.iam("get_iam_v2_api_key", "HDS3YFUAYMZL4GDB")


async def test_an_answer_over_max_response_bytes_is_refused(kind: str, cloud: FakeConfluentCloud) -> None:
    body = json.dumps({**payloads.API_KEY_LIST, "data": [payloads.API_KEY] * 2_000}).encode()
    cloud.respond_next(body=body, path=KEYS)
    async with clients(kind, cloud, max_response_bytes=1_000_000) as c:
        with pytest.raises(openapi_client.ApiResponseError) as refused:
            await c.iam("list_iam_v2_api_keys")
    assert "1000000-byte limit" in str(refused.value) and "max_response_bytes" in str(refused.value)


async def test_a_redirect_is_not_followed(kind: str, cloud: FakeConfluentCloud) -> None:
    cloud.respond_next(status=307, headers={"Location": "http://192.0.2.1/iam/v2/api-keys"}, body=b"{}")
    async with clients(kind, cloud) as c:
        with pytest.raises(openapi_client.ApiException) as answered:
            await c.iam("list_iam_v2_api_keys")
    assert answered.value.status == 307
    assert len(cloud.requests) == 1


# -- credentials and redaction ----------------------------------------------------------------

REMOTE_PLAIN_HOSTS = ["http://192.0.2.1", "http://example.invalid", "http://[2001:db8::1]:443"]


@pytest.mark.parametrize("host", REMOTE_PLAIN_HOSTS)
async def test_credentials_are_never_sent_in_clear_text_to_another_machine(kind: str, host: str) -> None:
    configuration = openapi_client.Configuration(
        host=host, username="ABCDEFGH12345678", password="s3cr3t-value", retries=False, timeout=(0.5, 0.5)
    )
    async with Clients(kind, configuration) as c:
        with pytest.raises(openapi_client.InsecureTransportError) as refused:
            await c.iam("list_iam_v2_api_keys")
    assert "allow_insecure_http" in str(refused.value)
    assert "s3cr3t-value" not in str(refused.value)


async def test_a_secret_echoed_by_the_server_is_masked(kind: str, cloud: FakeConfluentCloud) -> None:
    configuration = cloud.configuration(retries=False)
    secret = configuration.password
    assert secret
    echo = json.dumps({"errors": [{"status": "400", "detail": f"bad key secret {secret}"}]}).encode()
    cloud.respond_next(status=400, body=echo, headers={"X-Request-Id": f"req-{secret}"})
    async with Clients(kind, configuration) as c:
        with pytest.raises(openapi_client.BadRequestException) as refused:
            await c.iam("list_iam_v2_api_keys")
    shown = [str(refused.value), repr(refused.value), refused.value.body or "", json.dumps(refused.value.headers)]
    for text in shown:
        assert secret not in text


async def test_bad_input_is_refused_before_anything_is_sent(kind: str, cloud: FakeConfluentCloud) -> None:
    async with clients(kind, cloud) as c:
        with pytest.raises(openapi_client.ApiValueError) as refused:
            await c.iam("list_iam_v2_api_keys", page_size=1000)
        assert "page_size" in str(refused.value)
        with pytest.raises(openapi_client.ApiTypeError):
            await c.iam("list_iam_v2_api_keys", _no_such_option=1)
        with pytest.raises(openapi_client.ApiValueError):
            await c.iam("get_iam_v2_api_key", "")
    assert cloud.requests == []


# -- pagination and waiting ---------------------------------------------------------------------


async def test_iteration_follows_every_next_link(kind: str, cloud: FakeConfluentCloud) -> None:
    cloud.seed_api_keys(25)
    async with clients(kind, cloud) as c:
        keys = await c.iam_iterated("iter_iam_v2_api_keys", page_size=10)
        pages = await c.iam_iterated("iter_iam_v2_api_keys_pages", page_size=10)
    assert len(keys) == 25 and len({k.id for k in keys}) == 25
    assert [len(p.data) for p in pages] == [10, 10, 5]


async def test_a_repeated_page_token_ends_the_iteration(kind: str, cloud: FakeConfluentCloud) -> None:
    looping = json.dumps(
        {**payloads.API_KEY_LIST, "metadata": {"next": f"{cloud.host}{KEYS}?page_token=again"}}
    ).encode()
    for _ in range(3):
        cloud.respond_next(status=200, body=looping, path=KEYS)
    async with clients(kind, cloud) as c:
        with pytest.raises(openapi_client.ApiResponseError) as refused:
            await c.iam_iterated("iter_iam_v2_api_keys")
    assert "page_token" in str(refused.value)


async def test_the_waiter_returns_once_the_key_is_readable(kind: str) -> None:
    with FakeConfluentCloud(api_key_visibility_delay=0.3) as cloud:
        async with clients(kind, cloud) as c:
            created = await c.iam("create_iam_v2_api_key", NEW_KEY)
            with pytest.raises(openapi_client.NotFoundException):
                await c.iam("get_iam_v2_api_key", created.id)
            ready = await c.iam("wait_for_iam_v2_api_key", created.id, timeout=5, poll_interval=0.05)
    assert ready.id == created.id


async def test_the_waiter_times_out(kind: str) -> None:
    with FakeConfluentCloud(api_key_visibility_delay=30) as cloud:
        async with clients(kind, cloud) as c:
            created = await c.iam("create_iam_v2_api_key", NEW_KEY)
            with pytest.raises(openapi_client.WaiterTimeoutError):
                await c.iam("wait_for_iam_v2_api_key", created.id, timeout=0.2, poll_interval=0.05)


async def test_the_byok_waiter_reports_an_invalid_key(kind: str, cloud: FakeConfluentCloud) -> None:
    async with clients(kind, cloud) as c:
        created = await c.byok("create_byok_v1_key", ByokV1Key(key=ByokV1AwsKey(key_arn=AWS_ARN)))
        cloud.set_byok_validation(created.id, phase="INVALID", message="the role cannot be assumed")
        with pytest.raises(openapi_client.KeyValidationFailedError) as failed:
            await c.byok("wait_for_byok_v1_key", created.id, timeout=5, poll_interval=0.05)
    assert "the role cannot be assumed" in str(failed.value)


@pytest.mark.parametrize("value", ["5", [1, 2], (1, "x"), True])
async def test_a_request_timeout_of_the_wrong_type_is_a_type_error(
    kind: str, cloud: FakeConfluentCloud, value: Any
) -> None:
    async with clients(kind, cloud) as c:
        with pytest.raises(openapi_client.ApiTypeError) as refused:
            await c.iam("list_iam_v2_api_keys", _request_timeout=value)
    assert "_request_timeout" in str(refused.value)
    assert cloud.requests == []


@pytest.mark.parametrize(
    ("name", "value"), [("timeout", float("nan")), ("timeout", -1), ("poll_interval", float("inf"))]
)
async def test_waiter_arguments_are_checked_before_anything_is_sent(
    kind: str, cloud: FakeConfluentCloud, name: str, value: float
) -> None:
    async with clients(kind, cloud) as c:
        with pytest.raises(openapi_client.ApiValueError) as refused:
            await c.iam("wait_for_iam_v2_api_key", "SOMEKEY", **{name: value})
    assert name in str(refused.value)
    assert cloud.requests == []


async def test_max_pages_caps_the_walk(kind: str, cloud: FakeConfluentCloud) -> None:
    cloud.seed_api_keys(30)
    async with clients(kind, cloud) as c:
        with pytest.raises(openapi_client.ApiResponseError) as capped:
            await c.iam_iterated("iter_iam_v2_api_keys", page_size=10, max_pages=2)
    assert "max_pages=2" in str(capped.value)
    assert sum(1 for r in cloud.requests if r.method == "GET") == 2
