"""How deep a call runs through the SDK before the transport library takes over (issue 21:
at most 4 SDK frames from the generated method to urllib3 / aiohttp, in both clients).

The stack is read from inside the transport library through its own public hooks, with
nothing of the SDK patched: a ``logging.Handler`` on urllib3's connection-pool logger (it
logs each request it has sent, from the call that sent it) and an aiohttp ``TraceConfig``
(its ``on_request_start`` runs inside ``ClientSession.request``)."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sys
from types import FrameType
from typing import Any, List, Optional

import aiohttp
import payloads
import pytest
from hostile import HostileServer, Request, answer

import openapi_client
from openapi_client import ApiClient, Configuration, IamApiKeysApi, aio

KEY_ID = "HDS3YFUAYMZL4GDB"
MAX_SDK_FRAMES = 4


def serve_key(conn: socket.socket, request: Request) -> None:
    conn.sendall(answer(200, json.dumps(payloads.API_KEY).encode()))


def configuration(server: HostileServer) -> Configuration:
    return Configuration(host=server.url, username="FRAMESKEY0000000", password="frames-secret", retries=False)


def sdk_frames_above_transport(frame: Optional[FrameType]) -> List[str]:
    """The SDK frames from the generated API method (included) down to the first frame of
    another package: what the SDK runs before the transport library has the request."""
    stack: List[FrameType] = []
    while frame is not None:
        stack.append(frame)
        frame = frame.f_back
    stack.reverse()  # outermost first
    start = next(
        i
        for i, f in enumerate(stack)
        if f.f_globals.get("__name__", "").startswith("openapi_client.") and f.f_code.co_name == "get_iam_v2_api_key"
    )
    path = []
    for f in stack[start:]:
        module = f.f_globals.get("__name__", "")
        if not module.startswith("openapi_client"):
            break
        path.append(f"{module}.{f.f_code.co_name}")
    return path


class StackAtSend(logging.Handler):
    """Records the SDK frames above urllib3 when urllib3 logs the request it sent."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.paths: List[List[str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if '"GET ' in record.getMessage():
            self.paths.append(sdk_frames_above_transport(sys._getframe()))


@pytest.fixture
def urllib3_sends() -> Any:
    logger = logging.getLogger("urllib3.connectionpool")
    handler, level = StackAtSend(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_the_sync_client_reaches_urllib3_within_four_sdk_frames(urllib3_sends: StackAtSend) -> None:
    with HostileServer(serve_key) as server, ApiClient(configuration(server)) as client:
        key = IamApiKeysApi(client).get_iam_v2_api_key(KEY_ID)
    assert key.id == KEY_ID
    [path] = urllib3_sends.paths
    assert path[0].startswith("openapi_client.api.iam_api_keys_api.")
    assert len(path) <= MAX_SDK_FRAMES, path


def test_a_pool_manager_of_the_callers_own_is_reached_as_directly(urllib3_sends: StackAtSend) -> None:
    import urllib3

    with HostileServer(serve_key) as server, ApiClient(configuration(server), pool_manager=urllib3.PoolManager()) as c:
        IamApiKeysApi(c).get_iam_v2_api_key(KEY_ID)
    [path] = urllib3_sends.paths
    assert len(path) <= MAX_SDK_FRAMES, path


def test_the_async_client_reaches_aiohttp_within_four_sdk_frames() -> None:
    paths: List[List[str]] = []

    async def on_request_start(session: Any, context: Any, params: Any) -> None:
        paths.append(sdk_frames_above_transport(sys._getframe()))

    async def main(url: str) -> openapi_client.IamV2ApiKey:
        trace = aiohttp.TraceConfig()
        trace.on_request_start.append(on_request_start)
        config = Configuration(host=url, username="FRAMESKEY0000000", password="frames-secret", retries=False)
        async with aiohttp.ClientSession(trace_configs=[trace]) as session, aio.ApiClient(config, session=session) as c:
            return await aio.IamApiKeysApi(c).get_iam_v2_api_key(KEY_ID)

    with HostileServer(serve_key) as server:
        key = asyncio.run(main(server.url))
    assert key.id == KEY_ID
    [path] = paths
    assert path[0].startswith("openapi_client.aio.api.iam_api_keys_api.")
    assert len(path) <= MAX_SDK_FRAMES, path
