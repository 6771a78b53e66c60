"""The OAuth token requests (identity provider, Confluent STS) against hostile servers over
loopback sockets: what they echo is scrubbed from every part of the error, what they send
is bounded in size and time, whatever the framing or coding."""

from __future__ import annotations

import gzip
import json
import socket
import struct
import time
import tracemalloc
import zlib
from typing import Callable, List

import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request, answer

import openapi_client
from openapi_client import Configuration
from openapi_client.credentials import ClientCredentialsGrant, ConfluentOAuth, TokenExchangeError

POOL_ID = "pool-hostile"
SUBJECT = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJob3N0aWxlIn0.c3ViamVjdC1zaWduYXR1cmU"
# A secret the form encoding changes (``+``, ``/``, ``=``, space): an echo of the form body
# holds it encoded, not as given.
CLIENT_SECRET = "s3cr+t/value= with space&more"


def provider_for(server: HostileServer, *, idp: bool = False) -> ConfluentOAuth:
    source = ClientCredentialsGrant(server.url + "/token", "client-id", CLIENT_SECRET) if idp else (lambda: SUBJECT)
    return ConfluentOAuth(POOL_ID, source, sts_url=server.url + "/sts/v1/oauth2/token", timeout=(2.0, 2.0))


def raw_answer(status_line: str, headers: str = "", body: bytes = b"{}") -> bytes:
    head = f"HTTP/1.1 {status_line}\r\n{headers}Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    return head.encode("latin-1") + body


def refused(provider: ConfluentOAuth) -> TokenExchangeError:
    with pytest.raises(TokenExchangeError) as info:
        provider.authorization()
    return info.value


def assert_scrubbed(error: TokenExchangeError, *secrets: str) -> None:
    for text in (str(error), repr(error), error.request_id or ""):
        for secret in secrets:
            assert secret not in text
            assert secret[:8] not in text  # not even the first part of one


@pytest.mark.parametrize("where", ["reason phrase", "request id", "both"])
def test_an_sts_answer_echoing_the_subject_token_outside_its_body_is_scrubbed(where: str) -> None:
    reason = f"rejected {SUBJECT}" if where != "request id" else "Unauthorized"
    request_id = f"X-Request-Id: {SUBJECT}\r\n" if where != "reason phrase" else "X-Request-Id: req-1\r\n"

    def echo(conn: socket.socket, request: Request) -> None:
        conn.sendall(raw_answer(f"401 {reason}", request_id))

    with HostileServer(echo) as server:
        error = refused(provider_for(server))
    assert error.status == 401
    assert_scrubbed(error, SUBJECT)
    assert "**********" in str(error)


def test_an_identity_provider_echoing_the_form_it_was_sent_is_scrubbed() -> None:
    def echo(conn: socket.socket, request: Request) -> None:
        form = request.body.decode("latin-1")
        body = json.dumps({"error": "invalid_client", "error_description": f"bad form {form}"}).encode()
        conn.sendall(raw_answer(f"400 {form}", f"X-Request-Id: {form}\r\n", body))

    with HostileServer(echo) as server:
        error = refused(provider_for(server, idp=True))
    assert error.step == "identity provider"
    assert_scrubbed(error, CLIENT_SECRET, "s3cr%2Bt%2Fvalue%3D+with+space%26more")


def test_a_secret_at_the_cut_of_a_long_reason_leaves_no_part_behind() -> None:
    def echo(conn: socket.socket, request: Request) -> None:
        description = "x" * 175 + SUBJECT  # the cut at 200 characters falls inside it
        conn.sendall(
            raw_answer(
                "400 Bad Request",
                body=json.dumps({"error": "invalid_grant", "error_description": description}).encode(),
            )
        )

    with HostileServer(echo) as server:
        error = refused(provider_for(server))
    assert_scrubbed(error, SUBJECT)


def gzip_bomb(layers: int) -> bytes:
    """About 100 MB of zeros in ``layers`` of gzip. The inner layer is made without
    compressing 100 MB: a megabyte of zeros deflated and fully flushed (which resets the
    compressor) is the same block every time, so the stream is that block repeated."""
    megabyte, megabytes = bytes(1 << 20), 96
    block = zlib.compressobj(9, zlib.DEFLATED, -15)
    repeated = block.compress(megabyte) + block.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(megabyte, crc)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    size = struct.pack("<II", crc, (megabytes << 20) & 0xFFFFFFFF)
    data = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + repeated * megabytes + end + size
    for _ in range(layers - 1):
        data = gzip.compress(data)
    return data


@pytest.mark.parametrize("coding", ["gzip", "gzip, gzip"])
def test_a_compressed_token_answer_cannot_inflate_past_the_cap(coding: str) -> None:
    bomb = gzip_bomb(coding.count("gzip"))

    def serve(conn: socket.socket, request: Request) -> None:
        conn.sendall(answer(200, bomb, [("Content-Encoding", coding)]))

    with HostileServer(serve) as server:
        tracemalloc.start()
        try:
            error = refused(provider_for(server))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert "65536-byte limit" in str(error)
    assert peak < 20_000_000  # the answer inflates to 100 MB; at most the cap is kept


def test_a_token_answer_in_an_unknown_coding_is_a_clear_error() -> None:
    def serve(conn: socket.socket, request: Request) -> None:
        conn.sendall(answer(200, b"\x00\x01", [("Content-Encoding", "br")]))

    with HostileServer(serve) as server:
        error = refused(provider_for(server))
    assert "'br'" in str(error)


ENDLESS_FOR = 20.0  # seconds each answer's body would keep coming
SENT: List[int] = []  # bytes of body each answer got into the connection before it closed


def endless_overload(conn: socket.socket, request: Request) -> None:
    conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk = b"10000\r\n" + b"z" * 65536 + b"\r\n"  # 64 KiB, sent as fast as the client takes it
    SENT.append(0)
    until = time.monotonic() + ENDLESS_FOR
    while time.monotonic() < until:
        conn.sendall(chunk)  # raises once the client has closed the connection
        SENT[-1] += 64 * 1024


@pytest.mark.parametrize("handler", [endless_overload], ids=["503-endless-body"])
def test_an_overload_answer_with_an_endless_body_is_not_read_before_retrying(
    handler: Callable[[socket.socket, Request], None],
) -> None:
    SENT.clear()
    with HostileServer(handler) as server:
        started = time.monotonic()
        error = refused(provider_for(server))
        elapsed = time.monotonic() - started
    assert error.status == 503
    assert len(server.requests) == 3  # the first try and two retries
    assert elapsed < 8  # not the 20 s the server would keep sending for
    # Each connection was closed after a bounded read: what got in is what the loopback
    # socket buffers hold (~3 MB), not the stream (a drain bounded by time alone, 1 s of it,
    # takes in ~400 MB, and one without bound the gigabytes of 20 s of sending).
    assert len(SENT) == 3 and max(SENT) < 32 * 1024 * 1024, SENT


def sts_and_api(conn: socket.socket, request: Request) -> None:
    """An STS that issues a token, and an API on the same host that echoes the subject token."""
    if request.target.startswith("/sts/"):
        token = {
            "access_token": "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJwb29sIn0.c2ln",
            "token_type": "Bearer",
            "expires_in": 900,
        }
        conn.sendall(answer(200, json.dumps(token).encode()))
        return
    body = json.dumps({"errors": [{"status": "400", "detail": f"subject was {SUBJECT}"}]}).encode()
    conn.sendall(answer(400, body, [("X-Request-Id", SUBJECT)]))


@pytest.mark.parametrize("kind", KINDS)
async def test_the_subject_token_echoed_by_an_api_answer_is_masked_in_both_clients(kind: str) -> None:
    with HostileServer(sts_and_api) as server:
        configuration = Configuration(host=server.url, credentials=provider_for(server), retries=False)
        async with Clients(kind, configuration) as c:
            with pytest.raises(openapi_client.BadRequestException) as refused:
                await c.iam("get_iam_v2_api_key", "K")
    error = refused.value
    for text in (str(error), repr(error), error.body or "", json.dumps(dict(error.headers or {}))):
        assert SUBJECT not in text
