"""The head of an answer (status line, interim answers, headers) is read within the call's
deadline in both clients, however the server spreads it out: interim answers without end,
whole header lines sent slowly, a status line spelled with odd whitespace, then a drip.
Over loopback, against raw-socket servers (``hostile.py``)."""

from __future__ import annotations

import json
import socket
import time
from typing import Any, Callable

import payloads
import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request, answer

import openapi_client
from openapi_client import ApiRetry, Configuration

KEY_ID = "HDS3YFUAYMZL4GDB"
KEY = json.dumps(payloads.API_KEY).encode()
BUDGET = 0.5
SERVER_KEEPS_GOING = 12.0  # how long each server below would hold a client that let it
# Room for a loaded machine; still far below SERVER_KEEPS_GOING and the 5 s socket
# timeouts, the other two things that could end the call.
MARGIN = 1.5


def configuration(server: HostileServer) -> Configuration:
    return Configuration(
        host=server.url,
        username="HOSTILEKEY000000",
        password="hostile-secret-value",
        retries=ApiRetry(total=0, total_timeout=BUDGET),
        timeout=(5.0, 5.0),  # each socket wait alone is longer than the budget
    )


def endless_interim(spacing: float) -> Callable[[socket.socket, Request], None]:
    def serve(conn: socket.socket, request: Request) -> None:
        until = time.monotonic() + SERVER_KEEPS_GOING
        while time.monotonic() < until:
            conn.sendall(b"HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n")
            time.sleep(spacing)

    return serve


def header_line_every(seconds: float) -> Callable[[socket.socket, Request], None]:
    def serve(conn: socket.socket, request: Request) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        until = time.monotonic() + SERVER_KEEPS_GOING
        number = 0
        while time.monotonic() < until:
            time.sleep(seconds)
            number += 1
            conn.sendall(f"X-Slow-{number}: still here\r\n".encode())

    return serve


def odd_interim_then_drip(status_line: bytes) -> Callable[[socket.socket, Request], None]:
    def serve(conn: socket.socket, request: Request) -> None:
        # A whole interim head arrives at once; the final answer then comes a byte at a time.
        conn.sendall(status_line + b"\r\nLink: </a.css>\r\n\r\n")
        until = time.monotonic() + SERVER_KEEPS_GOING
        for byte in answer(200, KEY):
            if time.monotonic() > until:
                return
            conn.sendall(bytes([byte]))
            time.sleep(0.05)

    return serve


HANDLERS = {
    # Fast: the sync client's limit of 32 interim answers ends it; slow: the deadline does.
    "interim answers without end, fast": endless_interim(0.002),
    "interim answers without end, slow": endless_interim(0.1),
    "a header line every 0.1 s": header_line_every(0.1),
    "a header line every 0.04 s": header_line_every(0.04),
    "'HTTP/1.1  103' (two spaces), then a drip": odd_interim_then_drip(b"HTTP/1.1  103 Early Hints"),
    "'HTTP/1.1 \\t103' (a tab), then a drip": odd_interim_then_drip(b"HTTP/1.1 \t103 Early Hints"),
    "'HTTP/1.1 103' then a drip": odd_interim_then_drip(b"HTTP/1.1 103 Early Hints"),
    "'HTTP/1.1 100' then a drip": odd_interim_then_drip(b"HTTP/1.1 100 Continue"),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("handler", list(HANDLERS.values()), ids=list(HANDLERS))
async def test_a_slow_answer_head_ends_at_the_calls_deadline(kind: str, handler: Any) -> None:
    with HostileServer(handler) as server:
        started = time.monotonic()
        with pytest.raises(openapi_client.OpenApiException) as caught:
            async with Clients(kind, configuration(server)) as c:
                await c.iam("get_iam_v2_api_key", KEY_ID)
        elapsed = time.monotonic() - started
    assert isinstance(caught.value, (openapi_client.ApiTimeoutError, openapi_client.ApiConnectionError))
    assert elapsed < BUDGET + MARGIN, f"the call lasted {elapsed:.1f} s with a {BUDGET} s budget"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("status_line", [b"HTTP/1.1  103 Early Hints", b"HTTP/1.1 103  Early Hints"])
async def test_an_interim_answer_with_odd_spacing_is_skipped_or_refused(kind: str, status_line: bytes) -> None:
    """http.client reads a status line split on runs of whitespace, so the sync client skips
    these interim answers; aiohttp refuses the doubled space before the status: a clear
    error, at once."""

    def serve(conn: socket.socket, request: Request) -> None:
        conn.sendall(status_line + b"\r\nLink: </a.css>\r\n\r\n" + answer(200, KEY))

    with HostileServer(serve) as server:
        async with Clients(kind, configuration(server)) as c:
            try:
                key = await c.iam("get_iam_v2_api_key", KEY_ID)
            except openapi_client.ApiConnectionError:
                assert kind == "aio" and b"  103" in status_line
            else:
                assert key.id == KEY_ID
