"""A token exchange runs under the call's deadline on the API's own transport: an identity
provider or STS that drips its answer head, floods interim answers or drips its body cannot
hold a call past ``total_timeout``, in either client; in the async client nothing outlives
the call (``asyncio.run`` returns on time: no worker thread left in the exchange). Over
loopback, against raw-socket servers.

Both token requests (the identity provider's grant, then the STS exchange) go through the
same loop of each transport (``run_token_flow``), so each hostile answer is tried once per
client, at one of the two steps, and each client meets each step with two of them."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from typing import Callable, Dict

import pytest
from hostile import HostileServer, Request, answer

import openapi_client
from openapi_client import (
    ApiClient,
    ApiRetry,
    ClientCredentialsGrant,
    Configuration,
    ConfluentOAuth,
    IamApiKeysApi,
    aio,
)

BUDGET = 0.5
HOLDS_FOR = 12.0  # how long each server below would keep a client that let it
# Room for a loaded machine; still far below HOLDS_FOR and the 5 s socket timeouts, the
# other two things that could end the call.
MARGIN = 1.5
SUBJECT = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJkZWFkbGluZSJ9.c2ln"


def header_line_every(seconds: float) -> Callable[[socket.socket], None]:
    def serve(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        until = time.monotonic() + HOLDS_FOR
        while time.monotonic() < until:
            time.sleep(seconds)
            conn.sendall(b"X-Still: here\r\n")

    return serve


def continue_flood(conn: socket.socket) -> None:
    until = time.monotonic() + HOLDS_FOR
    while time.monotonic() < until:
        conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        time.sleep(0.05)


def odd_interim_then_drip(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1  103 Early Hints\r\nLink: </a>\r\n\r\n")
    for byte in answer(200, b'{"access_token": "x.y.z"}'):
        conn.sendall(bytes([byte]))
        time.sleep(0.1)


def body_drip(conn: socket.socket) -> None:
    body = b'{"access_token": "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJwb29sIn0.c2ln", "expires_in": 900}' + b" " * 200
    conn.sendall(answer(200, b"", [("Content-Length", str(len(body)))]))
    for byte in body:
        conn.sendall(bytes([byte]))
        time.sleep(0.05)


HOSTILE: Dict[str, Callable[[socket.socket], None]] = {
    "a header line every 0.1 s": header_line_every(0.1),
    "100 Continue without end": continue_flood,
    "'HTTP/1.1  103' then a drip": odd_interim_then_drip,
    "a body a byte every 0.05 s": body_drip,
}
IDP, STS = "identity provider", "Confluent STS"
# (hostile answer, where, client): each answer in both clients, at a different step in each.
CASES = [
    ("a header line every 0.1 s", IDP, "sync"),
    ("a header line every 0.1 s", STS, "aio"),
    ("100 Continue without end", STS, "sync"),
    ("100 Continue without end", IDP, "aio"),
    ("'HTTP/1.1  103' then a drip", IDP, "sync"),
    ("'HTTP/1.1  103' then a drip", STS, "aio"),
    ("a body a byte every 0.05 s", STS, "sync"),
    ("a body a byte every 0.05 s", IDP, "aio"),
]


def token_server(where: str, hostile: Callable[[socket.socket], None]) -> Callable[[socket.socket, Request], None]:
    def serve(conn: socket.socket, request: Request) -> None:
        if request.target.startswith("/idp/"):
            if where == IDP:
                hostile(conn)
                return
            conn.sendall(answer(200, json.dumps({"access_token": SUBJECT, "token_type": "Bearer"}).encode()))
        elif request.target.startswith("/sts/"):
            hostile(conn)
        else:
            conn.sendall(answer(200, b'{"api_version": "iam/v2", "kind": "ApiKeyList", "metadata": {}, "data": []}'))

    return serve


def configuration(server: HostileServer) -> Configuration:
    grant = ClientCredentialsGrant(server.url + "/idp/token", "client-id", "client-secret-value")
    provider = ConfluentOAuth("pool-deadline", grant, sts_url=server.url + "/sts/v1/oauth2/token")
    return Configuration(
        host=server.url, credentials=provider, retries=ApiRetry(total=0, total_timeout=BUDGET), timeout=(5.0, 5.0)
    )


@pytest.mark.parametrize(("hostile", "where", "kind"), CASES, ids=["-".join(case) for case in CASES])
def test_a_hostile_token_endpoint_cannot_hold_a_call_past_its_deadline(hostile: str, where: str, kind: str) -> None:
    with HostileServer(token_server(where, HOSTILE[hostile])) as server:
        config = configuration(server)
        started = time.monotonic()
        with pytest.raises(openapi_client.OpenApiException) as caught:
            if kind == "sync":
                with ApiClient(config) as client:
                    IamApiKeysApi(client).list_iam_v2_api_keys()
            else:

                async def call() -> None:
                    async with aio.ApiClient(config) as client:
                        await aio.IamApiKeysApi(client).list_iam_v2_api_keys()

                asyncio.run(call())  # returns only once nothing of the call is left running
        elapsed = time.monotonic() - started
    assert isinstance(caught.value, (openapi_client.ApiConnectionError, openapi_client.TokenExchangeError))
    assert elapsed < BUDGET + MARGIN, f"the call lasted {elapsed:.1f} s with a {BUDGET} s budget"
    assert not [r for r in server.requests if r.target.startswith("/iam/")]  # nothing sent without a token
