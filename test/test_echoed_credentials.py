"""Credentials a server echoes inside answer fields never reach ``str(exc)`` (issue 19, item 9),
through both clients over a real socket:

* a ``metadata.next`` link carrying the API secret or the bearer token in its query (as it
  is, or percent-encoded as a query writes it) that the iterator cannot follow, or that
  makes the page invalid;
* a BYOK key's ``validation.message`` echoing a credential of the call, which
  ``wait_for_byok_v1_key`` quotes in ``KeyValidationFailedError``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import socket
from typing import Any, Callable, Dict, List
from urllib.parse import quote

import payloads
import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request, answer
from hypothesis import HealthCheck, given, settings, strategies as st
from property_budget import examples

from openapi_client import Configuration
from openapi_client._redaction import MASK, link_for_message
from openapi_client.exceptions import ApiResponseError, KeyValidationFailedError, OpenApiException

API_SECRET = "Sec/ret+With=Odd&Chars<01>"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzYS0xIn0.c2lnbmF0dXJl"


def credentials(kind_of_credential: str) -> Dict[str, Any]:
    if kind_of_credential == "api-key":
        return {"username": "APIKEY1", "password": API_SECRET}
    return {"access_token": TOKEN}


def echoed(request: Request) -> str:
    """The credential the request carried: the Basic password, or the bearer token."""
    scheme, _, value = request.headers["authorization"].partition(" ")
    if scheme.lower() == "basic":
        return base64.b64decode(value).decode().partition(":")[2]
    return value


SPELLINGS: Dict[str, Callable[[str], str]] = {
    "as-is": lambda s: s,
    "percent-encoded": lambda s: quote(s, safe=""),
    "form-encoded": lambda s: quote(s, safe="").replace("%2F", "/"),
}


def all_spellings(secret: str) -> List[str]:
    return [spell(secret) for spell in SPELLINGS.values()] + [json.dumps(secret)[1:-1]]


def assert_not_shown(error: BaseException, secret: str) -> None:
    for text in (str(error), repr(error), repr(getattr(error, "body", None))):
        for spelling in all_spellings(secret):
            assert spelling not in text, (spelling, text)


async def run(kind: str, configuration: Configuration, action: Callable[[Clients], Any]) -> BaseException:
    async with Clients(kind, configuration) as c:
        with pytest.raises(OpenApiException) as failed:
            await action(c)
    return failed.value


# -- metadata.next --------------------------------------------------------------------------


def page_with_next(next_value: Callable[[str], Any]) -> Callable[[socket.socket, Request], None]:
    def handle(conn: socket.socket, request: Request) -> None:
        page = json.loads(json.dumps(payloads.API_KEY_LIST))
        page["metadata"]["next"] = next_value(echoed(request))
        conn.sendall(answer(200, json.dumps(page).encode()))

    return handle


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("credential", ["api-key", "token"])
@pytest.mark.parametrize("spelling", list(SPELLINGS))
async def test_a_next_link_without_page_token_echoing_a_credential(kind: str, credential: str, spelling: str) -> None:
    spell = SPELLINGS[spelling]
    link = page_with_next(
        lambda secret: f"https://api.confluent.cloud/iam/v2/api-keys?page_size=2&auth={spell(secret)}"
    )
    with HostileServer(link) as server:
        configuration = Configuration(host=server.url, retries=False, **credentials(credential))
        error = await run(kind, configuration, lambda c: c.iam_iterated("iter_iam_v2_api_keys"))
    assert isinstance(error, ApiResponseError) and "page_token" in str(error)
    assert_not_shown(error, API_SECRET if credential == "api-key" else TOKEN)
    assert "page_size=" in str(error) and "auth=" in str(error)  # what the link held is still told


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("credential", ["api-key", "token"])
@pytest.mark.parametrize("spelling", list(SPELLINGS))
async def test_a_next_link_of_the_wrong_type_echoing_a_credential(kind: str, credential: str, spelling: str) -> None:
    spell = SPELLINGS[spelling]
    link = page_with_next(
        lambda secret: {"href": f"https://x/iam/v2/api-keys?page_token=t&secret_echo={spell(secret)}"}
    )
    with HostileServer(link) as server:
        configuration = Configuration(host=server.url, retries=False, strict_answers=True, **credentials(credential))
        error = await run(kind, configuration, lambda c: c.iam("list_iam_v2_api_keys"))
    assert isinstance(error, ApiResponseError)
    assert_not_shown(error, API_SECRET if credential == "api-key" else TOKEN)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("credential", ["api-key", "token"])
async def test_a_next_link_of_the_wrong_type_decoded_tolerantly_names_no_credential(
    kind: str, credential: str, caplog: pytest.LogCaptureFixture
) -> None:
    link = page_with_next(lambda secret: {"href": f"https://x/iam/v2/api-keys?page_token=t&secret_echo={secret}"})
    with HostileServer(link) as server:
        configuration = Configuration(host=server.url, retries=False, **credentials(credential))
        async with Clients(kind, configuration) as c:
            with caplog.at_level(logging.DEBUG, logger="openapi_client"):
                page = await c.iam("list_iam_v2_api_keys")
    secret = API_SECRET if credential == "api-key" else TOKEN
    assert [d.path for d in page.model_deviations] == ["metadata.next"]
    for shown in (str(page.model_deviations), caplog.text):
        assert secret not in shown


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    secret=st.text(min_size=4, max_size=40),
    path=st.text(alphabet="abc/-_", max_size=10),
    names=st.lists(st.text(alphabet="abcdefg_", min_size=1, max_size=6), min_size=1, max_size=4),
    spelling=st.sampled_from(list(SPELLINGS)),
)
def test_property_a_quoted_link_shows_no_query_value(secret: str, path: str, names: List[str], spelling: str) -> None:
    try:
        value = SPELLINGS[spelling](secret)
    except UnicodeEncodeError:
        return
    value = value.replace("&", "%26").replace("#", "%23")  # inside one query value
    link = f"https://api.confluent.cloud/{path}?" + "&".join(f"{name}={value}" for name in names)
    shown = link_for_message(link)
    assert shown == f"https://api.confluent.cloud/{path}?" + "&".join(f"{name}={MASK}" for name in names)


# -- BYOK validation.message ----------------------------------------------------------------


def invalid_key(message: Callable[[str], str]) -> Callable[[socket.socket, Request], None]:
    def handle(conn: socket.socket, request: Request) -> None:
        key = json.loads(json.dumps(payloads.AZURE_KEY))
        key["validation"]["message"] = message(echoed(request))
        conn.sendall(answer(200, json.dumps(key).encode()))

    return handle


MESSAGES: Dict[str, Callable[[str], str]] = {
    "as-is": lambda s: f"Access denied using credential {s}.",
    "percent": lambda s: f"Denied: https://vault.example/keys?token={quote(s, safe='')}",
    "multi-line": lambda s: f"Access denied.\nDebug: Authorization header was {s}",
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("credential", ["api-key", "token"])
@pytest.mark.parametrize("message", list(MESSAGES))
async def test_a_validation_message_echoing_a_credential(kind: str, credential: str, message: str) -> None:
    with HostileServer(invalid_key(MESSAGES[message])) as server:
        configuration = Configuration(host=server.url, retries=False, **credentials(credential))
        error = await run(kind, configuration, lambda c: c.byok("wait_for_byok_v1_key", "cck-az001", timeout=5))
    assert isinstance(error, KeyValidationFailedError)
    assert_not_shown(error, API_SECRET if credential == "api-key" else TOKEN)
    assert MASK in str(error) and "INVALID" in str(error) and "\n" not in str(error)
    assert error.key.validation.message == MESSAGES[message](  # the data itself is the service's, unchanged
        API_SECRET if credential == "api-key" else TOKEN
    )


@settings(max_examples=examples(20), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(secret=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=8, max_size=40))
def test_property_any_api_secret_echoed_in_a_validation_message_is_masked(secret: str) -> None:
    with HostileServer(invalid_key(lambda s: f"denied for {s} and {quote(s, safe='')}")) as server:
        configuration = Configuration(host=server.url, username="APIKEY1", password=secret, retries=False)
        for kind in KINDS:
            error = asyncio.run(
                run(kind, configuration, lambda c: c.byok("wait_for_byok_v1_key", "cck-az001", timeout=5))
            )
            assert isinstance(error, KeyValidationFailedError)
            for text in (str(error), repr(error)):
                assert secret not in text and quote(secret, safe="") not in text
