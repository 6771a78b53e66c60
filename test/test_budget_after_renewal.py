"""The request sent after a token exchange, or after a 401 and its renewal, gets only what is
left of the call's ``total_timeout``, in both clients, even when the server keeps the
connection busy (a byte at a time, so no socket timeout fires). Over loopback."""

from __future__ import annotations

import json
import socket
import time
from typing import Callable, List

import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request, answer

import openapi_client
from openapi_client import ApiRetry, Configuration
from openapi_client.credentials import ConfluentOAuth

SUBJECT = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJidWRnZXQifQ.c2ln"
BUDGET = 1.0
SLOW = 0.7  # what the first step of the call takes
MARGIN = 0.6  # room for a loaded machine, less than SLOW: a fresh budget still fails the bound


def token_answer(number: int) -> bytes:
    token = {"access_token": f"eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJwb29sIn0.dG9rZW4t{number}", "expires_in": 900}
    return answer(200, json.dumps(token).encode())


def drip(conn: socket.socket) -> None:
    """An answer whose head arrives a byte every 0.1 s, for far longer than the budget."""
    for byte in answer(200, b'{"api_version": "iam/v2", "kind": "ApiKeyList", "metadata": {}, "data": []}') * 20:
        conn.sendall(bytes([byte]))
        time.sleep(0.1)


def server_with(slow_step: str) -> Callable[[socket.socket, Request], None]:
    exchanges: List[int] = []
    api_calls: List[int] = []

    def serve(conn: socket.socket, request: Request) -> None:
        if request.target.startswith("/sts/"):
            exchanges.append(1)
            if slow_step == "exchange":
                time.sleep(SLOW)
            conn.sendall(token_answer(len(exchanges)))
            return
        api_calls.append(1)
        if slow_step == "401" and len(api_calls) == 1:
            time.sleep(SLOW)
            conn.sendall(answer(401, b'{"errors": [{"status": "401", "detail": "expired"}]}'))
            return
        drip(conn)

    return serve


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("slow_step", ["exchange", "401"])
async def test_the_request_after_a_renewal_gets_only_what_is_left(kind: str, slow_step: str) -> None:
    with HostileServer(server_with(slow_step)) as server:
        provider = ConfluentOAuth("pool-budget", lambda: SUBJECT, sts_url=server.url + "/sts/v1/oauth2/token")
        configuration = Configuration(
            host=server.url,
            credentials=provider,
            retries=ApiRetry(total=0, total_timeout=BUDGET),
            timeout=(5.0, 5.0),
        )
        started = time.monotonic()
        with pytest.raises(openapi_client.ApiTimeoutError):
            async with Clients(kind, configuration) as c:
                await c.iam("list_iam_v2_api_keys")
        elapsed = time.monotonic() - started
    # A fresh budget for the last request would end it at SLOW + BUDGET at the earliest.
    assert elapsed < BUDGET + MARGIN, f"the call lasted {elapsed:.1f} s with a {BUDGET} s budget"
