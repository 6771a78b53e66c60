"""Every lying or odd framing of issue 9, item 1, through both clients: the answer is kept
within the cap or refused with a typed SDK error, never a bare ValueError or a body over
the cap (the async client's parser refuses some framings the sync one reads)."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request
from test_hostile_server import CAP, SECRET, framings

import openapi_client
from openapi_client import Configuration


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name, wire", framings(), ids=[name for name, _ in framings()])
async def test_every_framing_is_capped_or_a_typed_error_in_both_clients(kind: str, name: str, wire: bytes) -> None:
    def handler(conn: socket.socket, request: Request) -> None:
        conn.sendall(wire)
        conn.close()

    with HostileServer(handler) as server:
        configuration = Configuration(
            host=server.url, username="KEY", password=SECRET, retries=False, max_response_bytes=CAP
        )
        async with Clients(kind, configuration) as c:
            try:
                response: Any = await c.iam("get_iam_v2_api_key_without_preload_content", "K")
                body = response.read()
                if not isinstance(body, bytes):
                    body = await body
            except (openapi_client.ApiResponseError, openapi_client.ApiConnectionError) as exc:
                assert SECRET not in str(exc)
                assert not isinstance(exc, openapi_client.ApiTimeoutError), str(exc)
            else:
                assert len(body) <= CAP and name == "length too small", (name, len(body))
