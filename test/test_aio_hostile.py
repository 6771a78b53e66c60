"""Hostile servers, through both clients: interim answers, drips, bombs, lying framing.

Each test runs the sync client and ``openapi_client.aio`` against the same raw-socket server
(``hostile.py``), so a framing trick aiohttp handles differently from urllib3 shows here.
"""

from __future__ import annotations

import gzip
import json
import socket
import time
from typing import Any, Callable

import payloads
import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request, answer, chunked

import openapi_client
from openapi_client import ApiRetry, Configuration

KEY_ID = "HDS3YFUAYMZL4GDB"
KEY = json.dumps(payloads.API_KEY).encode()


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def configuration(server: HostileServer, **overrides: Any) -> Configuration:
    settings: dict = {"retries": False, "timeout": (2.0, 2.0)}
    settings.update(overrides)
    return Configuration(host=server.url, username="HOSTILEKEY000000", password="hostile-secret-value", **settings)


def serving(raw: bytes) -> Callable[[socket.socket, Request], None]:
    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(raw)

    return handle


async def get_key(kind: str, server: HostileServer, **overrides: Any) -> Any:
    async with Clients(kind, configuration(server, **overrides)) as c:
        return await c.iam("get_iam_v2_api_key", KEY_ID)


@pytest.mark.parametrize(
    "interim",
    [b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n", b"HTTP/1.1 102 Processing\r\n\r\n"],
    ids=["103", "102"],
)
async def test_interim_1xx_answers_are_skipped(kind: str, interim: bytes) -> None:
    with HostileServer(serving(interim + interim + answer(200, KEY))) as server:
        key = await get_key(kind, server)
    assert key.id == KEY_ID


async def test_a_drip_fed_body_cannot_outlive_the_total_deadline(kind: str) -> None:
    def drip(conn: socket.socket, request: Request) -> None:
        conn.sendall(answer(200, b"", [("Content-Length", str(len(KEY)))]))
        for byte in KEY:
            conn.sendall(bytes([byte]))
            time.sleep(0.05)  # each byte well within the 2 s socket timeout

    with HostileServer(drip) as server:
        started = time.monotonic()
        with pytest.raises(openapi_client.ApiTimeoutError):
            await get_key(kind, server, retries=ApiRetry(total=2, total_timeout=0.5))
        assert time.monotonic() - started < 0.5 + 1.0  # the budget and room for a loaded machine, not a 30-50 s drip


BOMB = gzip.compress(b" " * 5_000_000)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(answer(200, BOMB, [("Content-Encoding", "gzip")]), id="gzip-bomb"),
        pytest.param(answer(200, gzip.compress(BOMB), [("Content-Encoding", "gzip, gzip")]), id="nested-gzip-bomb"),
        pytest.param(
            answer(200, b"", [("Transfer-Encoding", "chunked")]) + chunked(b"x" * 3_000_000, 64_000), id="chunked"
        ),
        pytest.param(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n" + b"y" * 3_000_000,
            id="no-length",
        ),
    ],
)
async def test_the_size_cap_holds_whatever_the_framing(kind: str, raw: bytes) -> None:
    with HostileServer(serving(raw)) as server, pytest.raises(openapi_client.ApiResponseError) as refused:
        await get_key(kind, server, max_response_bytes=1_000_000)
    assert "1000000-byte limit" in str(refused.value)


async def test_an_unknown_content_coding_is_refused_clearly(kind: str) -> None:
    brotli = answer(200, b"\x00\x01", [("Content-Encoding", "br")])
    with HostileServer(serving(brotli)) as server, pytest.raises(openapi_client.ApiResponseError) as refused:
        await get_key(kind, server)
    assert "'br'" in str(refused.value)


async def test_a_gzip_answer_within_the_cap_is_decoded(kind: str) -> None:
    with HostileServer(serving(answer(200, gzip.compress(KEY), [("Content-Encoding", "gzip")]))) as server:
        key = await get_key(kind, server)
    assert key.id == KEY_ID


async def test_a_reset_after_the_request_is_a_connection_error_and_post_is_not_repeated(kind: str) -> None:
    def reset_it(conn: socket.socket, request: Request) -> None:
        conn.shutdown(socket.SHUT_RDWR)

    with HostileServer(reset_it) as server:
        async with Clients(kind, configuration(server, retries=ApiRetry(total=3, backoff_factor=0))) as c:
            new_key = openapi_client.IamV2ApiKey(
                spec=openapi_client.IamV2ApiKeySpec(owner=openapi_client.ObjectReference(id="sa-1"))
            )
            with pytest.raises(openapi_client.ApiConnectionError) as failed:
                await c.iam("create_iam_v2_api_key", new_key)
        assert not isinstance(failed.value, openapi_client.ApiTimeoutError)
        assert [r.method for r in server.requests] == ["POST"]


async def test_echoed_credentials_are_masked_in_every_field(kind: str) -> None:
    def echo(conn: socket.socket, request: Request) -> None:
        authorization = request.headers["authorization"]
        body = json.dumps({"errors": [{"status": "401", "detail": f"rejected {authorization}"}]}).encode()
        conn.sendall(answer(401, body, [("X-Request-Id", authorization), ("WWW-Authenticate", authorization)]))

    with HostileServer(echo) as server, pytest.raises(openapi_client.UnauthorizedException) as refused:
        await get_key(kind, server)
    error = refused.value
    for text in (str(error), repr(error), error.body or "", json.dumps(error.headers)):
        assert "hostile-secret-value" not in text
        assert "SE9TVElMRUtFWTAwMDAwMDpob3N0aWxlLXNlY3JldC12YWx1ZQ==" not in text
    assert "**********" in (error.body or "")
