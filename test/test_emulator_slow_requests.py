"""A request trickled in a byte at a time cannot hold an emulator connection past
``idle_timeout`` from its first byte, whether it trickles the headers or the body (issue 9,
item 12): it is answered 408 with a Failure and an X-Request-Id, and the connection closed."""

from __future__ import annotations

import json
import socket
import time
from typing import Tuple

import pytest

from openapi_client.testing import FakeConfluentCloud

HEAD = b"POST /iam/v2/api-keys HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"


def trickle(port: int, request: bytes, every: float, give_up: float) -> Tuple[float, bytes]:
    """Send ``request`` a byte every ``every`` seconds until the emulator answers; return
    when it answered (seconds from the start) and what."""
    with socket.create_connection(("127.0.0.1", port), timeout=give_up) as conn:
        started = time.monotonic()
        for byte in request:
            if time.monotonic() - started > give_up:
                break
            try:
                conn.sendall(bytes([byte]))
            except OSError:
                break
            conn.settimeout(every)
            try:
                answer = conn.recv(65536)
            except socket.timeout:
                continue
            return time.monotonic() - started, answer
        conn.settimeout(give_up)
        return time.monotonic() - started, conn.recv(65536)


@pytest.mark.parametrize(
    "request_bytes",
    [
        HEAD + b"X-Slow: " + b"a" * 200 + b"\r\n\r\n",
        HEAD + b"Content-Length: 200\r\n\r\n" + b" " * 200,
        b"GET /iam/v2/api-keys" + b"/x" * 100 + b" HTTP/1.1\r\n\r\n",
    ],
    ids=["headers", "body", "request-line"],
)
def test_a_trickled_request_is_answered_408_at_the_idle_timeout(request_bytes: bytes) -> None:
    with FakeConfluentCloud(idle_timeout=0.5) as cloud:
        answered_after, answer = trickle(cloud.port, request_bytes, every=0.1, give_up=10)
    assert answer.startswith(b"HTTP/1.1 408 ")
    head, _, body = answer.partition(b"\r\n\r\n")
    request_id = [
        line.split(b":", 1)[1].strip() for line in head.split(b"\r\n") if line.lower().startswith(b"x-request-id:")
    ]
    assert request_id and json.loads(body)["errors"][0]["id"] == request_id[0].decode()
    assert answered_after < 2.0  # 0.5 s from the first byte, not the 20 s the trickle would take


def test_a_request_sent_in_time_on_a_kept_alive_connection_is_still_served() -> None:
    with FakeConfluentCloud(idle_timeout=0.5) as cloud, socket.create_connection(("127.0.0.1", cloud.port)) as conn:
        request = b"GET /iam/v2/api-keys HTTP/1.1\r\nHost: x\r\n\r\n"
        for _ in range(3):
            conn.sendall(request)
            assert conn.recv(65536).startswith(b"HTTP/1.1 401 ")  # answered, each within its own budget
            time.sleep(0.3)


def test_a_request_past_its_deadline_raises_the_timeout_http_server_answers() -> None:
    # A byte landing just at the deadline makes the reader's own check fire rather than the
    # socket's; on Python 3.9 only ``socket.timeout`` (not the builtin TimeoutError) reaches
    # http.server's 408 path, so that is what the reader must raise.
    from openapi_client.testing._handler import _DeadlineReader

    left, right = socket.socketpair()
    with left, right:
        right.sendall(b"x")
        reader = _DeadlineReader(left.makefile("rb"), left, time.monotonic() - 1)
        with pytest.raises(socket.timeout):
            reader.read(1)
        with pytest.raises(socket.timeout):
            reader.readline()
