"""The per-call ``_content_type`` is checked like every other header before anything is sent
(issue 19, item 13): NUL went out, text outside latin-1 went out through the async client,
and CR/LF raised a raw ``ValueError``. Now each is an ``ApiValueError`` (a non-string an
``ApiTypeError``) naming ``_content_type``, in both clients, and the server sees nothing."""

from __future__ import annotations

import asyncio
import json
import socket
from typing import Any

import payloads
import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request, answer
from hypothesis import HealthCheck, given, settings, strategies as st
from property_budget import examples

from openapi_client import Configuration
from openapi_client.exceptions import ApiTypeError, ApiValueError

NEW_KEY = {"spec": {"display_name": "ci", "owner": {"id": "sa-1"}, "resource": {"id": "lkc-1"}}}
CREATED = json.dumps(payloads.CREATED_API_KEY).encode()

UNSENDABLE = {
    "nul": "application/json; charset=utf-8\x00",
    "nul-alone": "application/json\x00",
    "crlf-injection": "application/json; a=b\r\nX-Injected: 1",
    "crlf-alone": "application/json\r\nX-Injected: 1",
    "lone-lf": "application/json; a=b\nX-Injected: 1",
    "lone-cr": "application/json; a=b\rX-Injected: 1",
    "bell": "application/json; a=\x07",
    "del": "application/json; a=\x7f",
    "non-latin-1": "application/json; charset=\u2603",
    "emoji": "application/json; x=\U0001f600",
}


def created(conn: socket.socket, request: Request) -> None:
    conn.sendall(answer(202, CREATED))


async def create_with(kind: str, content_type: Any, server: HostileServer) -> Any:
    configuration = Configuration(host=server.url, username="KEY", password="api-secret-0001", retries=False)
    async with Clients(kind, configuration) as c:
        return await c.iam("create_iam_v2_api_key", NEW_KEY, _content_type=content_type)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", list(UNSENDABLE))
async def test_an_unsendable_content_type_is_refused_before_sending(kind: str, case: str) -> None:
    with HostileServer(created) as server:
        with pytest.raises(ApiValueError) as refused:
            await create_with(kind, UNSENDABLE[case], server)
        assert server.accepted == 0 and not server.requests
    assert "_content_type" in str(refused.value)
    assert "X-Injected" not in str(refused.value)  # the value itself is not quoted


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("value", [42, b"application/json", ["application/json"]], ids=["int", "bytes", "list"])
async def test_a_content_type_that_is_not_a_string_is_refused(kind: str, value: Any) -> None:
    with HostileServer(created) as server:
        with pytest.raises(ApiTypeError) as refused:
            await create_with(kind, value, server)
        assert server.accepted == 0
    assert "_content_type" in str(refused.value)


@pytest.mark.parametrize("kind", KINDS)
async def test_a_usable_content_type_is_sent_as_given(kind: str) -> None:
    with HostileServer(created) as server:
        key = await create_with(kind, "application/json; charset=utf-8", server)
        assert server.requests[0].headers["content-type"] == "application/json; charset=utf-8"
    assert key.id == payloads.CREATED_API_KEY["id"]


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    prefix=st.text(max_size=8),
    bad=st.characters(min_codepoint=0, max_codepoint=0x1F).filter(lambda c: c != "\t")
    | st.characters(min_codepoint=0x100),
    suffix=st.text(max_size=8),
)
def test_property_any_control_or_wide_character_is_refused_by_both_clients(prefix: str, bad: str, suffix: str) -> None:
    with HostileServer(created) as server:
        for kind in KINDS:
            with pytest.raises((ApiValueError, ApiTypeError)) as refused:
                asyncio.run(create_with(kind, "application/json; " + prefix + bad + suffix, server))
            assert "_content_type" in str(refused.value)
        assert server.accepted == 0
