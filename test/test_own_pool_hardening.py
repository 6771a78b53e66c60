"""A urllib3 pool manager of the caller's own (``ApiClient(configuration, pool_manager=...)``)
keeps the transport's promises: interim answers are skipped and the deadline holds while
the answer's head arrives, as with the pools the client makes itself."""

from __future__ import annotations

import json
import socket
import time

import payloads
import pytest
import urllib3
from hostile import HostileServer, Request, answer

import openapi_client
from openapi_client import ApiClient, ApiRetry, Configuration, IamApiKeysApi

KEY_JSON = json.dumps(payloads.API_KEY).encode()


def config(server: HostileServer, **kwargs: object) -> Configuration:
    return Configuration(host=server.url, username="KEY", password="own-pool-secret", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("manager", [urllib3.PoolManager, lambda: urllib3.PoolManager(maxsize=3, block=False)])
@pytest.mark.parametrize(
    "interim", [b"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n", b"HTTP/1.1 102 Processing\r\n\r\n"]
)
def test_interim_answers_are_skipped_through_a_pool_of_your_own(manager: object, interim: bytes) -> None:
    def handler(conn: socket.socket, request: Request) -> None:
        conn.sendall(interim + interim + answer(200, KEY_JSON))

    with HostileServer(handler) as server, ApiClient(config(server, retries=False), pool_manager=manager()) as client:  # type: ignore[operator]
        assert IamApiKeysApi(client).get_iam_v2_api_key("K").id == payloads.API_KEY["id"]


def test_headers_dripped_through_a_pool_of_your_own_meet_the_deadline() -> None:
    def drip(conn: socket.socket, request: Request) -> None:
        # ~16 s a byte at a time, each byte well within the 5 s socket timeout.
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: " + b"a" * 300:
            conn.sendall(bytes([byte]))
            time.sleep(0.05)

    budget = ApiRetry(total=0, total_timeout=0.5)
    own_pool = urllib3.PoolManager()
    with (
        HostileServer(drip) as server,
        ApiClient(config(server, retries=budget, timeout=(5.0, 5.0)), own_pool) as client,
    ):
        started = time.monotonic()
        with pytest.raises(openapi_client.ApiTimeoutError):
            IamApiKeysApi(client).get_iam_v2_api_key("K")
        assert time.monotonic() - started < 0.5 + 1.5  # the budget, with room for a loaded machine


def test_pool_classes_of_your_own_are_kept() -> None:
    class MyPool(urllib3.HTTPConnectionPool):
        pass

    manager = urllib3.PoolManager()
    manager.pool_classes_by_scheme = {"http": MyPool, "https": urllib3.HTTPSConnectionPool}
    with ApiClient(Configuration(host="http://127.0.0.1:1"), pool_manager=manager) as client:
        assert client.rest_client.pool_manager.pool_classes_by_scheme["http"] is MyPool
