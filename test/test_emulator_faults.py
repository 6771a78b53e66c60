"""Fault injection: failures, dropped connections, slow and broken answers, and the request log."""

from __future__ import annotations

import threading
from typing import Iterator, List

import pytest

import openapi_client
from openapi_client import ApiClient, ByokKeysApi, IamApiKeysApi
from openapi_client.testing import FakeConfluentCloud, RecordedRequest


@pytest.fixture
def plain_client(cloud: FakeConfluentCloud) -> Iterator[ApiClient]:
    """A client that never retries, so every injected fault reaches the caller."""
    with cloud.api_client(retries=False) as api_client:
        yield api_client


def test_fail_next_answers_the_status_count_times_then_recovers(
    plain_client: ApiClient, cloud: FakeConfluentCloud
) -> None:
    iam = IamApiKeysApi(plain_client)
    cloud.fail_next(2, status=503)

    for _ in range(2):
        with pytest.raises(openapi_client.ServiceException) as failed:
            iam.list_iam_v2_api_keys()
        assert failed.value.status == 503
        assert failed.value.errors[0].status == "503"
    assert iam.list_iam_v2_api_keys().data == []
    assert [r.status for r in cloud.requests] == [503, 503, 200]


def test_a_429_carries_retry_after_and_rate_limit_headers(plain_client: ApiClient, cloud: FakeConfluentCloud) -> None:
    cloud.fail_next(status=429, retry_after=7)

    with pytest.raises(openapi_client.TooManyRequestsException) as limited:
        ByokKeysApi(plain_client).list_byok_v1_keys()

    headers = limited.value.headers
    assert headers["Retry-After"] == "7"
    assert headers["X-RateLimit-Remaining"] == "0"
    assert headers["X-RateLimit-Reset"] == "7"
    assert int(headers["X-RateLimit-Limit"]) > 0
    assert limited.value.request_id == headers["X-Request-Id"]


def test_fault_headers_add_to_and_replace_the_defaults(plain_client: ApiClient, cloud: FakeConfluentCloud) -> None:
    cloud.fail_next(status=429, headers={"X-RateLimit-Reset": "3", "X-Extra": "yes"})

    with pytest.raises(openapi_client.TooManyRequestsException) as limited:
        IamApiKeysApi(plain_client).list_iam_v2_api_keys()

    assert limited.value.headers["X-RateLimit-Reset"] == "3"
    assert limited.value.headers["X-Extra"] == "yes"
    assert "Retry-After" not in limited.value.headers


def test_the_sdk_retries_through_an_injected_429(iam: IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    cloud.fail_next(2, status=429, retry_after=0)

    assert iam.list_iam_v2_api_keys().data == []
    assert [r.status for r in cloud.requests] == [429, 429, 200]


def test_faults_match_by_path_prefix_and_method(plain_client: ApiClient, cloud: FakeConfluentCloud) -> None:
    iam, byok = IamApiKeysApi(plain_client), ByokKeysApi(plain_client)
    cloud.fail_next(status=500, path="/byok/", method="post")

    iam.list_iam_v2_api_keys()
    byok.list_byok_v1_keys()
    with pytest.raises(openapi_client.ServiceException):
        byok.create_byok_v1_key(openapi_client.ByokV1Key(key=openapi_client.ByokV1GcpKey(key_id="projects/p/k")))
    assert byok.list_byok_v1_keys().data == []

    assert [(r.method, r.path, r.status) for r in cloud.requests] == [
        ("GET", "/iam/v2/api-keys", 200),
        ("GET", "/byok/v1/keys", 200),
        ("POST", "/byok/v1/keys", 500),
        ("GET", "/byok/v1/keys", 200),
    ]


def test_faults_are_used_in_the_order_they_were_armed(plain_client: ApiClient, cloud: FakeConfluentCloud) -> None:
    cloud.fail_next(status=500)
    cloud.fail_next(2, status=502)
    cloud.fail_next(status=504)
    iam = IamApiKeysApi(plain_client)

    for _ in range(4):
        with pytest.raises(openapi_client.ServiceException):
            iam.list_iam_v2_api_keys()
    iam.list_iam_v2_api_keys()

    assert [r.status for r in cloud.requests] == [500, 502, 502, 504, 200]


def test_drop_next_closes_the_connection_without_an_answer(plain_client: ApiClient, cloud: FakeConfluentCloud) -> None:
    iam = IamApiKeysApi(plain_client)
    cloud.drop_next(path="/iam/v2/api-keys", method="POST")

    with pytest.raises(openapi_client.ApiConnectionError):
        iam.create_iam_v2_api_key(openapi_client.IamV2ApiKey(spec=openapi_client.IamV2ApiKeySpec(owner={"id": "sa-1"})))

    assert iam.list_iam_v2_api_keys().data == []
    dropped = cloud.requests[0]
    assert (dropped.method, dropped.status) == ("POST", None)
    assert b'"sa-1"' in dropped.body


def test_delay_next_answers_late_but_correctly(plain_client: ApiClient, cloud: FakeConfluentCloud) -> None:
    iam = IamApiKeysApi(plain_client)
    cloud.seed_api_keys(3)
    cloud.delay_next(0.3)

    with pytest.raises(openapi_client.ApiTimeoutError):
        iam.list_iam_v2_api_keys(_request_timeout=(1.0, 0.05))

    cloud.delay_next(0.05)
    assert len(iam.list_iam_v2_api_keys().data) == 3


def test_respond_next_sends_a_raw_non_json_answer(plain_client: ApiClient, cloud: FakeConfluentCloud) -> None:
    cloud.respond_next(status=200, body=b"<html>maintenance</html>", content_type="text/html")

    with pytest.raises(openapi_client.ApiResponseError) as unreadable:
        IamApiKeysApi(plain_client).list_iam_v2_api_keys()

    assert "text/html" in str(unreadable.value)
    assert cloud.requests[0].status == 200


def test_respond_next_can_truncate_the_body(plain_client: ApiClient, cloud: FakeConfluentCloud) -> None:
    cloud.respond_next(body=b'{"api_version": "iam/v2", "kind"', declared_length=500)

    with pytest.raises(openapi_client.ApiResponseError):
        IamApiKeysApi(plain_client).list_iam_v2_api_keys()

    assert IamApiKeysApi(plain_client).list_iam_v2_api_keys().data == []


def test_respond_next_can_send_an_oversized_body(cloud: FakeConfluentCloud) -> None:
    cloud.respond_next(body=b"[" + b"0," * 50_000 + b"0]")

    with (
        cloud.api_client(retries=False, max_response_bytes=10_000) as client,
        pytest.raises(openapi_client.ApiResponseError) as too_big,
    ):
        IamApiKeysApi(client).list_iam_v2_api_keys()

    assert "max_response_bytes" in str(too_big.value)


def test_fault_counts_hold_under_concurrent_requests(cloud: FakeConfluentCloud) -> None:
    cloud.fail_next(20, status=503)
    failures: List[int] = []
    lock = threading.Lock()

    def worker() -> None:
        with cloud.api_client(retries=False) as client:
            iam = IamApiKeysApi(client)
            for _ in range(5):
                try:
                    iam.list_iam_v2_api_keys()
                except openapi_client.ServiceException:
                    with lock:
                        failures.append(1)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(failures) == 20
    assert sorted(r.status or 0 for r in cloud.requests).count(503) == 20
    assert len(cloud.requests) == 80


def test_the_request_log_records_method_path_query_headers_and_body(
    plain_client: ApiClient, cloud: FakeConfluentCloud
) -> None:
    IamApiKeysApi(plain_client).list_iam_v2_api_keys(spec_owner="sa-1", page_size=5, _headers={"X-Trace": "t1"})

    request = cloud.requests[0]
    assert isinstance(request, RecordedRequest)
    assert (request.method, request.path, request.status) == ("GET", "/iam/v2/api-keys", 200)
    assert request.query == {"spec.owner": ["sa-1"], "page_size": ["5"]}
    assert request.headers["X-Trace"] == "t1" and request.body == b""
    cloud.clear_requests()
    assert cloud.requests == []


def test_arming_a_fault_for_zero_requests_is_refused(cloud: FakeConfluentCloud) -> None:
    with pytest.raises(ValueError):
        cloud.fail_next(0)


def test_clear_faults_disarms_what_is_left(plain_client: ApiClient, cloud: FakeConfluentCloud) -> None:
    cloud.fail_next(3, status=500)
    cloud.drop_next()
    iam = IamApiKeysApi(plain_client)
    with pytest.raises(openapi_client.ServiceException):
        iam.list_iam_v2_api_keys()

    cloud.clear_faults()

    assert iam.list_iam_v2_api_keys().data == []
    assert [r.status for r in cloud.requests] == [500, 200]
