"""The short per-call path (ApiClient.call, one credential choice per call, Accept-Encoding by
default, the sync transport's kept pool, the async client's buffered body and optional
skip_auto_headers) keeps every promise, through both clients, over real sockets."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import logging
import socket
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple
from urllib.parse import quote, unquote

import payloads
import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request, answer
from hypothesis import HealthCheck, given, settings, strategies as st
from property_budget import examples
from threads import all_at_once

import openapi_client
from openapi_client import ApiClient, ApiRetry, ClientCredentialsGrant, Configuration, ConfluentOAuth
from openapi_client.testing import FakeConfluentCloud

KEY_ID = "HDS3YFUAYMZL4GDB"
KEY = json.dumps(payloads.API_KEY).encode()
SECRET = "per-call-path-secret-value"


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def configuration(server: HostileServer, **overrides: Any) -> Configuration:
    settings: Dict[str, Any] = {"retries": False, "timeout": (2.0, 2.0)}
    settings.update(overrides)
    return Configuration(host=server.url, username="PERCALLKEY000000", password=SECRET, **settings)


def serving(raw: bytes) -> Callable[[socket.socket, Request], None]:
    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(raw)

    return handle


def header_lines(request: Request, name: str) -> List[str]:
    """Every value of header ``name`` as sent, one per header line (any case)."""
    lines = request.head.decode("latin-1").split("\r\n")[1:]
    return [line.split(":", 1)[1].strip() for line in lines if line.split(":", 1)[0].strip().lower() == name.lower()]


# -- default headers: replaced or taken away, the wire says so in both clients ---------------


async def test_a_default_header_named_in_another_case_is_replaced_not_sent_twice(kind: str) -> None:
    with HostileServer(serving(answer(200, KEY))) as server:
        async with Clients(kind, configuration(server)) as c:
            c.client.set_default_header("accept-encoding", "identity")
            await c.iam("get_iam_v2_api_key", KEY_ID, _headers={"accept": "application/json; charset=utf-8"})
        sent = server.requests[-1]
    assert header_lines(sent, "Accept-Encoding") == ["identity"]
    assert header_lines(sent, "Accept") == ["application/json; charset=utf-8"]


async def test_a_header_the_client_sets_itself_given_in_another_case_goes_out_once(kind: str) -> None:
    created = answer(202, json.dumps(payloads.CREATED_API_KEY).encode())
    new_key = openapi_client.IamV2ApiKey(
        spec=openapi_client.IamV2ApiKeySpec(owner=openapi_client.ObjectReference(id="sa-1"))
    )
    with HostileServer(serving(created)) as server:
        async with Clients(kind, configuration(server)) as c:
            headers = {"content-type": "application/json; charset=utf-8", "authorization": "Bearer per-call-x"}
            await c.iam("create_iam_v2_api_key", new_key, _headers=headers)
        sent = server.requests[-1]
    assert header_lines(sent, "Content-Type") == ["application/json; charset=utf-8"]
    assert header_lines(sent, "Authorization") == [c.configuration.get_basic_auth_token()]


@pytest.mark.parametrize("name", ["Accept-Encoding", "Accept"])
async def test_a_default_header_taken_away_is_not_put_back_by_the_transport(kind: str, name: str) -> None:
    # aiohttp adds its own Accept/Accept-Encoding to a request that lacks them (its
    # Accept-Encoding may offer a coding the shared decoder cannot undo): the client must
    # tell it not to when the caller removed ours.
    with HostileServer(serving(answer(200, KEY))) as server:
        async with Clients(kind, configuration(server)) as c:
            del c.client.default_headers[name]
            key = await c.iam("get_iam_v2_api_key", KEY_ID)
        assert key.id == KEY_ID
        # (http.client itself says "identity" when no Accept-Encoding is given: no coding offered.)
        assert header_lines(server.requests[-1], name) in ([], ["identity"] if name == "Accept-Encoding" else [])


# -- bounded memory and time for bodies that arrive with the head, or claim to be huge -------


async def test_a_whole_body_over_the_cap_that_came_with_the_head_is_refused(kind: str) -> None:
    big = b'{"pad": "' + b"x" * 5_000 + b'"}'
    with HostileServer(serving(answer(200, big))) as server, pytest.raises(openapi_client.ApiResponseError) as refused:
        async with Clients(kind, configuration(server, max_response_bytes=1_000)) as c:
            await c.iam("get_iam_v2_api_key", KEY_ID)
    assert "1000-byte limit" in str(refused.value)


async def test_a_huge_declared_length_is_refused_without_waiting_for_the_body(kind: str) -> None:
    def claim(conn: socket.socket, request: Request) -> None:
        conn.sendall(answer(200, b"x" * 300_000, [("Content-Length", str(10**15))]))
        time.sleep(5)  # the rest never comes; the client must not wait for it

    with HostileServer(claim) as server:
        started = time.monotonic()
        with pytest.raises(openapi_client.ApiResponseError) as refused:
            async with Clients(kind, configuration(server, max_response_bytes=64 * 1024)) as c:
                await c.iam("get_iam_v2_api_key", KEY_ID)
        assert time.monotonic() - started < 4
    assert "65536-byte limit" in str(refused.value)


async def test_a_body_partly_sent_with_the_head_then_dripped_ends_at_the_deadline(kind: str) -> None:
    def drip(conn: socket.socket, request: Request) -> None:
        half = len(KEY) // 2
        conn.sendall(answer(200, b"", [("Content-Length", str(len(KEY)))]) + KEY[:half])
        for byte in KEY[half:]:
            conn.sendall(bytes([byte]))
            time.sleep(0.05)  # each byte well within the 2 s socket timeout

    with HostileServer(drip) as server:
        started = time.monotonic()
        with pytest.raises(openapi_client.ApiTimeoutError):
            async with Clients(kind, configuration(server, retries=ApiRetry(total=2, total_timeout=0.5))) as c:
                await c.iam("get_iam_v2_api_key", KEY_ID)
        assert time.monotonic() - started < 0.5 + 1.0  # the budget and room for a loaded machine, not a 30-50 s drip


# -- Configuration.host changed on a live client ---------------------------------------------


async def test_a_host_moved_to_and_from_a_path_prefix_on_the_same_origin_is_followed(kind: str) -> None:
    with HostileServer(serving(answer(200, KEY))) as server:
        config = configuration(server)
        async with Clients(kind, config) as c:
            for host in (server.url, server.url + "/gateway/v1", server.url, server.url + "/gateway/v1"):
                config.host = host
                assert (await c.iam("get_iam_v2_api_key", KEY_ID)).id == KEY_ID
        targets = [request.target for request in server.requests]
    key_path = f"/iam/v2/api-keys/{KEY_ID}"
    assert targets == [key_path, "/gateway/v1" + key_path, key_path, "/gateway/v1" + key_path]


def test_threads_sending_to_several_origins_through_one_client_each_reach_their_own() -> None:
    """The sync transport keeps the last origin's pool: whatever the interleaving, a request
    goes to the origin of its own URL, never to the one another thread kept."""

    def handler(conn: socket.socket, request: Request) -> None:
        conn.sendall(answer(200, b"{}"))

    servers = [HostileServer(handler) for _ in range(3)]
    try:
        config = Configuration(host=servers[0].url, username="K", password=SECRET, connection_pool_maxsize=16)
        counter = iter(range(10**6))
        lock = threading.Lock()
        with ApiClient(config) as client:

            def task() -> List[Tuple[int, str]]:
                sent = []
                for _ in range(30):
                    with lock:
                        n = next(counter)
                    index = n % len(servers)
                    path = f"/iam/v2/api-keys/call{n}"
                    response = client.call_api("GET", servers[index].url + path, {"Accept": "application/json"})
                    assert response.status == 200
                    sent.append((index, path))
                return sent

            results, errors = all_at_once(12, task)
        assert not errors
        expected: Dict[int, List[str]] = {i: [] for i in range(len(servers))}
        for sent in results:
            for index, path in sent:
                expected[index].append(path)
        for index, server in enumerate(servers):
            assert sorted(request.target for request in server.requests) == sorted(expected[index])
    finally:
        for server in servers:
            server.close()


# -- the client closed, then used again ------------------------------------------------------


async def test_a_closed_client_sends_its_next_call_or_refuses_it(kind: str) -> None:
    """The sync client's pool opens new connections after close(); the async client refuses
    (issue 19 item 14: a new aiohttp session would be one nothing closes), see
    test_aio_closed_client.py."""
    with HostileServer(serving(answer(200, KEY))) as server:
        async with Clients(kind, configuration(server)) as c:
            assert (await c.iam("get_iam_v2_api_key", KEY_ID)).id == KEY_ID
            if kind == "aio":
                await c.client.close()
                with pytest.raises(openapi_client.ClientClosedError):
                    await c.iam("get_iam_v2_api_key", KEY_ID)
            else:
                c.client.close()
                assert (await c.iam("get_iam_v2_api_key", KEY_ID)).id == KEY_ID
        sent = 2 if kind == "sync" else 1
        assert len(server.requests) == sent and server.accepted == sent


# -- no secret anywhere on the renew-after-401 path ------------------------------------------


async def test_the_renewal_after_a_401_shows_no_secret_in_logs_or_errors(
    kind: str, cloud: FakeConfluentCloud, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client_id, client_secret = cloud.add_oauth_client()
    grant = ClientCredentialsGrant(cloud.idp_token_url, client_id, client_secret)
    provider = ConfluentOAuth(cloud.identity_pool_id, grant, sts_url=cloud.sts_token_url)
    seen = {client_secret}
    async with Clients(kind, Configuration(host=cloud.host, credentials=provider, retries=False)) as c:
        await c.iam("list_iam_v2_api_keys")
        first = provider.authorization().split(" ", 1)[1]
        seen.add(first)
        cloud.revoke_token(first)
        assert (await c.iam("list_iam_v2_api_keys")).kind == "ApiKeyList"  # renewed once, resent once
        second = provider.authorization().split(" ", 1)[1]
        assert second != first
        seen.add(second)
        # The renewed token is refused too: the 401 that ends the call says nothing secret.
        cloud.revoke_token(second)
        message: Optional[str] = None
        try:
            await c.iam("list_iam_v2_api_keys")
        except openapi_client.ApiException as exc:
            message = f"{exc}\n{exc!r}\n{exc.body}\n{exc.headers}"
        seen.update(provider.secrets())
    assert cloud.sts_exchanges >= 3
    for secret in seen:
        assert secret not in caplog.text
        assert message is None or secret not in message


class _ListedSecrets:
    """A provider of one's own, as docs/Authentication.md describes it, that keeps its
    secrets in a list it extends in place (the docs ask for "every sensitive string in use")."""

    scheme = "confluent-sts-access-token"

    def __init__(self) -> None:
        self.token = "listed-token-0123456789"
        self.kept = [self.token, f"Bearer {self.token}"]

    def authorization(self) -> str:
        return f"Bearer {self.token}"

    def on_unauthorized(self, rejected: str) -> bool:
        return False

    def needs_refresh(self) -> bool:
        return False

    def secrets(self) -> List[str]:
        return self.kept


async def test_a_secret_a_provider_adds_to_its_list_in_place_is_masked_from_then_on(kind: str) -> None:
    later_secret = "subject-token-learned-later-42"

    def echo(conn: socket.socket, request: Request) -> None:
        body = json.dumps({"errors": [{"status": "400", "detail": f"bad subject {later_secret}"}]}).encode()
        conn.sendall(answer(400, body))

    provider = _ListedSecrets()
    with HostileServer(echo) as server:
        config = Configuration(host=server.url, credentials=provider, retries=False)  # type: ignore[arg-type]
        async with Clients(kind, config) as c:
            with pytest.raises(openapi_client.BadRequestException):
                await c.iam("get_iam_v2_api_key", KEY_ID)
            provider.kept.append(later_secret)
            with pytest.raises(openapi_client.BadRequestException) as refused:
                await c.iam("get_iam_v2_api_key", KEY_ID)
    shown = f"{refused.value}\n{refused.value!r}\n{refused.value.body}"
    assert later_secret not in shown


@pytest.mark.parametrize("key_id", [".", "..", "%2E%2E", "a;b", "?x=1", "é/..", "..%2F"])
async def test_an_id_stays_one_encoded_path_segment_in_both_clients(kind: str, key_id: str) -> None:
    # yarl, which aiohttp parses a URL string with, decodes %2E and drops dot segments:
    # an id of ".." must not climb to /iam/v2/ there either.
    expected = {".": "%2E", "..": "%2E%2E"}.get(key_id, quote(key_id, safe=""))
    with HostileServer(serving(answer(404, b'{"errors": []}'))) as server:
        config = configuration(server)
        config.host = server.url + "/gateway"
        async with Clients(kind, config) as c:
            with pytest.raises(openapi_client.NotFoundException):
                await c.iam("get_iam_v2_api_key", key_id)
            with pytest.raises(openapi_client.NotFoundException):
                await c.byok("delete_byok_v1_key", key_id)
        targets = [request.target for request in server.requests]
    assert targets == [f"/gateway/iam/v2/api-keys/{expected}", f"/gateway/byok/v1/keys/{expected}"]


@pytest.fixture(scope="module")
def answering_404() -> Any:
    with HostileServer(serving(answer(404, b'{"errors": []}'))) as server:
        yield server


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key_id=st.text(min_size=1, max_size=30))
def test_property_any_id_reaches_both_clients_wire_as_one_segment_that_decodes_back(
    answering_404: HostileServer, key_id: str
) -> None:
    async def send(kind: str) -> Optional[str]:
        before = len(answering_404.requests)
        async with Clients(kind, configuration(answering_404)) as c:
            try:
                await c.iam("get_iam_v2_api_key", key_id)
            except openapi_client.NotFoundException:
                return str(answering_404.requests[-1].target)
            except openapi_client.ApiValueError:
                assert len(answering_404.requests) == before  # refused: nothing sent
                return None
        raise AssertionError("a 404 was expected")

    targets = [asyncio.run(send(kind)) for kind in KINDS]
    assert targets[0] == targets[1]
    if targets[0] is not None:
        prefix = "/iam/v2/api-keys/"
        assert targets[0].startswith(prefix)
        assert unquote(targets[0][len(prefix) :], errors="strict") == key_id


async def test_a_gzip_error_body_echoing_the_credentials_is_decoded_then_masked(kind: str) -> None:
    # Accept-Encoding is offered on every call now, so error answers come compressed too.
    def echo(conn: socket.socket, request: Request) -> None:
        authorization = request.headers["authorization"]
        body = json.dumps({"errors": [{"status": "401", "detail": f"rejected {authorization} ({SECRET})"}]})
        conn.sendall(answer(401, gzip.compress(body.encode()), [("Content-Encoding", "gzip")]))

    with HostileServer(echo) as server, pytest.raises(openapi_client.UnauthorizedException) as refused:
        async with Clients(kind, configuration(server)) as c:
            await c.iam("get_iam_v2_api_key", KEY_ID)
    error = refused.value
    shown = f"{error}\n{error!r}\n{error.body}"
    assert "rejected **********" in shown
    assert SECRET not in shown and base64.b64encode(f"PERCALLKEY000000:{SECRET}".encode()).decode() not in shown


async def test_a_gzip_body_in_several_members_is_decoded_whole(kind: str) -> None:
    # RFC 1952: a gzip file may hold several members, decoded one after the other (streaming
    # compressors write one per flush); urllib3 and aiohttp decode them all. Only the first
    # would leave a truncated document, or worse a shorter one that still parses.
    third = len(KEY) // 3
    members = b"".join(gzip.compress(part) for part in (KEY[:third], KEY[third : 2 * third], KEY[2 * third :]))
    with HostileServer(serving(answer(200, members, [("Content-Encoding", "gzip")]))) as server:
        async with Clients(kind, configuration(server)) as c:
            response = await c.iam("get_iam_v2_api_key_with_http_info", KEY_ID)
    assert response.raw_data == KEY and response.data.id == KEY_ID


async def test_gzip_members_count_together_against_the_cap(kind: str) -> None:
    member = gzip.compress(b" " * 400_000)
    raw = answer(200, member * 5, [("Content-Encoding", "gzip")])
    with HostileServer(serving(raw)) as server, pytest.raises(openapi_client.ApiResponseError) as refused:
        async with Clients(kind, configuration(server, max_response_bytes=1_000_000)) as c:
            await c.iam("get_iam_v2_api_key", KEY_ID)
    assert "1000000-byte limit" in str(refused.value)
