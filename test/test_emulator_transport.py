"""The emulator's HTTP layer: keep-alive, lifecycle, and requests that are not HTTP-clean."""

from __future__ import annotations

import json
import socket

import pytest

import openapi_client
from openapi_client import Failure, IamApiKeysApi
from openapi_client.testing import FakeConfluentCloud


def exchange(cloud: FakeConfluentCloud, request: bytes) -> bytes:
    """Send raw bytes and read until the emulator closes the connection."""
    with socket.create_connection(("127.0.0.1", cloud.port), timeout=5) as conn:
        conn.sendall(request)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    return received


def test_sequential_calls_share_one_kept_alive_connection(iam: IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    key_ids = cloud.seed_api_keys(5)
    for _ in range(10):
        for key_id in key_ids:
            iam.get_iam_v2_api_key(key_id)

    assert len(cloud.requests) == 50
    assert cloud.connections_accepted == 1


def test_stop_closes_open_connections_and_start_serves_the_same_state_again() -> None:
    cloud = FakeConfluentCloud(port=0)
    assert "stopped" in repr(cloud)
    with pytest.raises(RuntimeError):
        _ = cloud.host
    with cloud, cloud.api_client(retries=False) as client:
        iam = IamApiKeysApi(client)
        key_id = cloud.seed_api_keys(1)[0]
        iam.get_iam_v2_api_key(key_id)
        cloud.stop()
        cloud.stop()
        with pytest.raises(openapi_client.ApiConnectionError):
            iam.get_iam_v2_api_key(key_id, _request_timeout=2.0)

        cloud.start()
        with cloud.api_client(retries=False) as again:
            assert IamApiKeysApi(again).get_iam_v2_api_key(key_id).id == key_id


@pytest.mark.parametrize("method", ["OPTIONS", "TRACE", "PUT", "QUERY", "BREW"])
def test_standard_methods_the_api_does_not_use_are_405(cloud: FakeConfluentCloud, method: str) -> None:
    answer = exchange(cloud, f"{method} /byok/v1/keys/cck-1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 405 ")
    assert b"Allow: GET, PATCH, DELETE" in head
    assert Failure.from_json(body).errors[0].status == "405"


def test_head_gets_headers_without_a_body(cloud: FakeConfluentCloud) -> None:
    answer = exchange(cloud, b"HEAD /iam/v2/api-keys HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 405 ") and b"Content-Length: " in head
    assert body == b""


def test_a_malformed_request_line_gets_a_failure_body(cloud: FakeConfluentCloud) -> None:
    answer = exchange(cloud, b"GET /iam/v2/api-keys HTTP/9.9\r\nHost: x\r\n\r\n")

    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 505 ")
    assert b"X-Request-Id: " in head and b"Connection: close" in head
    assert Failure.from_json(body).errors[0].status == "505"


@pytest.mark.parametrize(
    ("extra_headers", "status"),
    [
        (b"Transfer-Encoding: chunked\r\n", b"411"),
        (b"Content-Length: ten\r\n", b"400"),
        (b"Content-Length: 99999999\r\n", b"413"),
    ],
)
def test_bodies_without_a_usable_length_are_refused(
    cloud: FakeConfluentCloud, extra_headers: bytes, status: bytes
) -> None:
    request = b"POST /iam/v2/api-keys HTTP/1.1\r\nHost: x\r\n" + extra_headers + b"\r\n"

    answer = exchange(cloud, request)

    assert answer.startswith(b"HTTP/1.1 " + status + b" ")
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["errors"][0]["status"] == status.decode()
    assert cloud.requests[0].status == int(status)


def test_deeply_nested_json_is_a_400_not_a_crash(cloud: FakeConfluentCloud) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    with cloud.api_client(retries=False) as client:
        response = client.rest_client.request(
            "POST",
            f"{cloud.host}/iam/v2/api-keys",
            headers={"Authorization": client.configuration.get_basic_auth_token() or ""},
            body=body,
        )
    assert response.status == 400
    assert Failure.from_json(response.data or b"").errors[0].code == "malformed_request"
