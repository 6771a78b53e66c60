"""Sequential calls share one pooled connection instead of opening one per call.

The server below counts the TCP connections it accepts; the client is the real SDK.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Iterator, Tuple

import pytest

from openapi_client import ApiClient, Configuration, IamApiKeysApi

KEY_ID = "ABCDEF0123456789"
KEY = {
    "api_version": "iam/v2",
    "kind": "ApiKey",
    "id": KEY_ID,
    "metadata": {
        "self": f"https://api.confluent.cloud/iam/v2/api-keys/{KEY_ID}",
        "resource_name": f"crn://confluent.cloud/organization=org-1/api-key={KEY_ID}",
        "created_at": "2026-10-02T08:15:30Z",
        "updated_at": "2026-10-02T08:15:30Z",
    },
    "spec": {"display_name": "ci", "owner": {"id": "sa-1", "related": "https://x/sa-1", "resource_name": "crn://sa-1"}},
}
PAGE = {"api_version": "iam/v2", "kind": "ApiKeyList", "metadata": {}, "data": [KEY] * 20}


def _answer(status: str, body: dict) -> bytes:
    raw = json.dumps(body).encode()
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(raw)}\r\n\r\n"
    return head.encode() + raw


class _CountingHandler(socketserver.StreamRequestHandler):
    server: _CountingServer

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.lock:
            self.server.accepted += 1

    def handle(self) -> None:
        # Keep-alive: answer requests on this connection until the client closes it.
        while True:
            request_line = self.rfile.readline()
            if not request_line:
                return
            length = 0
            for line in iter(self.rfile.readline, b"\r\n"):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            self.rfile.read(length)
            path = request_line.split(b" ")[1].split(b"?")[0]
            self.wfile.write(self.server.page if path.endswith(b"/api-keys") else self.server.key)


class _CountingServer(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _CountingHandler)
        self.lock = threading.Lock()
        self.accepted = 0
        self.key = _answer("200 OK", KEY)
        self.page = _answer("200 OK", PAGE)


@pytest.fixture
def counting_server() -> Iterator[Tuple[_CountingServer, str]]:
    server = _CountingServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_thousand_sequential_calls_use_one_connection(counting_server: Tuple[_CountingServer, str]) -> None:
    server, host = counting_server
    config = Configuration(host=host, username="KEY", password="SECRET", connection_pool_maxsize=4)
    with ApiClient(config) as client:
        api = IamApiKeysApi(client)
        for index in range(1000):
            if index % 2:
                assert api.get_iam_v2_api_key(KEY_ID).id == KEY_ID
            else:
                assert len(api.list_iam_v2_api_keys(page_size=20).data) == 20
    assert server.accepted <= config.connection_pool_maxsize
    assert server.accepted == 1


def test_threads_sharing_a_client_open_no_more_connections_than_the_pool_holds(
    counting_server: Tuple[_CountingServer, str],
) -> None:
    server, host = counting_server
    threads = 4
    config = Configuration(host=host, username="KEY", password="SECRET", connection_pool_maxsize=threads)
    with ApiClient(config) as client:
        api = IamApiKeysApi(client)

        def calls(count: int) -> int:
            return sum(api.get_iam_v2_api_key(KEY_ID).id == KEY_ID for _ in range(count))

        with ThreadPoolExecutor(threads) as pool:
            answered = sum(pool.map(calls, [250] * threads))
    assert answered == 1000
    assert 1 <= server.accepted <= threads


def test_unread_streamed_response_released_keeps_the_connection(counting_server: Tuple[_CountingServer, str]) -> None:
    server, host = counting_server
    config = Configuration(host=host, username="KEY", password="SECRET")
    with ApiClient(config) as client:
        api = IamApiKeysApi(client)
        for _ in range(50):
            response = api.get_iam_v2_api_key_without_preload_content(KEY_ID)
            assert response.status == 200
            response.release_conn()
    assert server.accepted == 1


def test_a_closed_client_reconnects_on_its_next_call(counting_server: Tuple[_CountingServer, str]) -> None:
    """close() closes the connection; a later call opens a new one instead of failing."""
    server, host = counting_server
    client = ApiClient(Configuration(host=host, username="KEY", password="SECRET"))
    api = IamApiKeysApi(client)
    assert api.get_iam_v2_api_key(KEY_ID).id == KEY_ID
    client.close()
    assert api.get_iam_v2_api_key(KEY_ID).id == KEY_ID
    assert api.get_iam_v2_api_key(KEY_ID).id == KEY_ID
    client.close()
    assert server.accepted == 2


def test_a_client_moved_between_more_hosts_than_its_manager_keeps_pools_for_still_reaches_each() -> None:
    """The manager keeps at most ``num_pools`` (10) pools and drops the least recently used;
    the client keeps none beyond that (only the last origin's), so memory stays bounded
    however many hosts a long-lived client is pointed at."""
    servers = [_CountingServer() for _ in range(13)]
    threads = [threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}) for server in servers]
    for thread in threads:
        thread.start()
    try:
        hosts = [f"http://127.0.0.1:{server.server_address[1]}" for server in servers]
        config = Configuration(host=hosts[0], username="KEY", password="SECRET")
        with ApiClient(config) as client:
            api = IamApiKeysApi(client)
            for _ in range(2):
                for origin in hosts:
                    config.host = origin
                    assert api.get_iam_v2_api_key(KEY_ID).id == KEY_ID
        # Every pool was dropped before its second turn came: one new connection per visit.
        assert [server.accepted for server in servers] == [2] * len(servers)
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
        for thread in threads:
            thread.join()
