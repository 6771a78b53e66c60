"""Masking an answer costs time in proportion to its length, whatever a server writes.

An error's body is masked whole before it is shown. The URL-password rule used to try a
scheme at every letter of a long run of letters and digits (a token, a base64 blob) and scan
to its end each time, once the text held an ``@`` anywhere: quadratic, so a 300 KB error
body naming an owner's e-mail address held the call for minutes. These tests bound the call
far above what a linear pass takes (milliseconds) and far below the quadratic time."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from typing import Any, Dict

import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request, answer

from openapi_client import Configuration
from openapi_client._redaction import MASK, Redactor
from openapi_client.exceptions import ApiResponseError, BadRequestException

# Far above a linear pass over these bodies, far below the minutes the quadratic rule took.
HANG_GUARD_SECONDS = 60.0
BLOB = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkw" * 7_000  # ~300 KB, letters and digits


def finishes(work: Any) -> Dict[str, Any]:
    """Run ``work()`` in a thread; fail when it is still running after the guard."""
    outcome: Dict[str, Any] = {}

    def run() -> None:
        outcome["value"] = work()

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(HANG_GUARD_SECONDS)
    assert not worker.is_alive(), "masking did not finish: its cost grows faster than the text"
    return outcome


@pytest.mark.parametrize("kind", KINDS)
def test_an_error_body_with_a_long_token_and_an_address_is_masked_in_linear_time(kind: str) -> None:
    body = ('{"errors":[{"status":"400","detail":"' + BLOB + ' is not valid for owner ci@example.com"}]}').encode()

    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(answer(400, body, [("Content-Type", "application/json")]))

    async def call(url: str) -> BaseException:
        configuration = Configuration(host=url, username="KEY", password="the-api-secret-0001", retries=False)
        async with Clients(kind, configuration) as c:
            with pytest.raises(BadRequestException) as refused:
                await c.iam("get_iam_v2_api_key", "KEY1")
        return refused.value

    with HostileServer(handle) as server:
        error = finishes(lambda: asyncio.run(call(server.url)))["value"]
    assert error.status == 400
    assert error.body is not None and BLOB in error.body and "ci@example.com" in error.body


@pytest.mark.parametrize(
    "text",
    [
        "a" * 400_000 + "@",
        "a" * 200_000 + "://" + "b" * 200_000 + " @",
        "x://" + ":" * 400_000,
        ("ab1-" * 100_000) + "@",
    ],
    ids=["letters-then-at", "scheme-then-no-at", "colons", "scheme-characters"],
)
def test_texts_built_to_make_the_url_rule_backtrack_are_masked_in_linear_time(text: str) -> None:
    masked = finishes(lambda: Redactor(["the-api-secret-0001"]).text(text))["value"]
    assert masked == text


def test_a_url_password_after_a_long_run_of_scheme_characters_is_still_masked() -> None:
    text = "a" * 100_000 + "9http://user:pa55word@proxy.example:3128/ and more"
    masked = finishes(lambda: Redactor().text(text))["value"]
    assert "pa55word" not in masked
    assert masked.endswith(f"http://user:{MASK}@proxy.example:3128/ and more")
    assert masked.startswith("a" * 100_000)


@pytest.mark.parametrize("kind", KINDS)
def test_a_create_answer_with_thousands_of_secret_members_is_refused_in_linear_time(kind: str) -> None:
    # Every "secret" value of an unusable create answer used to become a known secret: one
    # alternative more in the masking pattern each, so 80,000 members took minutes.
    members = [{"id": f"K{n}", "secret": f"member-secret-{n:06d}"} for n in range(80_000)]
    body = json.dumps(members).encode()  # a list, not the key object: unusable in any mode

    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(answer(202, body, [("Content-Type", "application/json")]))

    async def call(url: str) -> BaseException:
        configuration = Configuration(host=url, username="KEY", password="the-api-secret-0001", retries=False)
        async with Clients(kind, configuration) as c:
            with pytest.raises(ApiResponseError) as refused:
                await c.iam("create_iam_v2_api_key", {"spec": {"owner": {"id": "u-1"}}})
        return refused.value

    with HostileServer(handle) as server:
        error = finishes(lambda: asyncio.run(call(server.url)))["value"]
    assert error.body is not None and "member-secret-" not in error.body and MASK in error.body
