"""openapi_client.aio: the same surface as the sync client, as coroutines, over aiohttp.

Behaviours shared with the sync client are tested for both in test_aio_behaviour.py; this
module covers what is async-specific: the surface mirrors the sync one, the three forms of
each operation, ``async for``, the session's lifecycle and seam, pool limits, cancellation.
"""

from __future__ import annotations

import asyncio
import inspect
import re
import time
from pathlib import Path
from typing import Any, AsyncIterator, List

import aiohttp
import pytest

import openapi_client
from openapi_client import aio
from openapi_client.testing import FakeConfluentCloud

NEW_KEY = openapi_client.IamV2ApiKey(
    spec=openapi_client.IamV2ApiKeySpec(owner=openapi_client.ObjectReference(id="sa-1"), display_name="ci")
)
PAIRS = [(openapi_client.IamApiKeysApi, aio.IamApiKeysApi), (openapi_client.ByokKeysApi, aio.ByokKeysApi)]


@pytest.fixture
async def client(cloud: FakeConfluentCloud) -> AsyncIterator[aio.ApiClient]:
    async with aio.ApiClient(cloud.configuration(retries=False)) as api_client:
        yield api_client


@pytest.fixture
def iam(client: aio.ApiClient) -> aio.IamApiKeysApi:
    return aio.IamApiKeysApi(client)


# -- the surface -------------------------------------------------------------------------------


def _public(cls: type) -> List[str]:
    return sorted(name for name, _ in inspect.getmembers(cls, inspect.isfunction) if not name.startswith("_"))


@pytest.mark.parametrize(("sync_api", "async_api"), PAIRS, ids=lambda c: c.__name__)
def test_every_sync_method_has_an_async_twin_with_the_same_signature(sync_api: type, async_api: type) -> None:
    assert _public(sync_api) == _public(async_api)
    for name in _public(sync_api):
        sync_method, async_method = getattr(sync_api, name), getattr(async_api, name)
        sync_sig, async_sig = inspect.signature(sync_method), inspect.signature(async_method)
        assert list(sync_sig.parameters.values()) == list(async_sig.parameters.values()), name
        if name.startswith("iter_"):
            # Called without await, used with ``async for``.
            assert not inspect.iscoroutinefunction(async_method), name
            assert str(async_sig.return_annotation).replace("AsyncIterator", "Iterator") == str(
                sync_sig.return_annotation
            ), name
        else:
            assert inspect.iscoroutinefunction(async_method), name
            if "_without_preload_content" not in name:
                assert async_sig.return_annotation == sync_sig.return_annotation, name


def test_configuration_and_the_shared_core_are_the_sync_clients_own() -> None:
    configuration = openapi_client.Configuration(username="k", password="s")
    assert aio.ApiClient(configuration).configuration is configuration
    # Request building and decoding are inherited from one base, not re-implemented.
    base = openapi_client.api_client.BaseApiClient
    assert issubclass(aio.ApiClient, base) and issubclass(openapi_client.ApiClient, base)
    for name in ("prepare", "param_serialize", "decode_response", "deserialize", "sanitize_for_serialization"):
        owners = [cls for cls in base.__mro__ if name in vars(cls)]
        assert len(owners) == 1 and name not in vars(aio.ApiClient) and name not in vars(openapi_client.ApiClient)
    # The async package defines no models, errors or settings of its own.
    own = {name for name in dir(aio) if not name.startswith("_")} & set(openapi_client.__all__)
    assert own <= {"ApiClient", "IamApiKeysApi", "ByokKeysApi"}


# -- the three forms ---------------------------------------------------------------------------


async def test_create_get_update_delete(iam: aio.IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    created = await iam.create_iam_v2_api_key(NEW_KEY)
    assert isinstance(created, openapi_client.IamV2ApiKey)
    assert created.id and created.spec and created.spec.secret
    read = await iam.get_iam_v2_api_key(created.id)
    assert read.id == created.id and read.spec is not None and read.spec.secret is None
    update = openapi_client.IamV2ApiKeyUpdate(spec=openapi_client.IamV2ApiKeySpecUpdate(display_name="renamed"))
    updated = await iam.update_iam_v2_api_key(created.id, update)
    assert updated.spec is not None and updated.spec.display_name == "renamed"
    assert await iam.delete_iam_v2_api_key(created.id) is None
    with pytest.raises(openapi_client.NotFoundException):
        await iam.get_iam_v2_api_key(created.id)
    assert [r.method for r in cloud.requests] == ["POST", "GET", "PATCH", "DELETE", "GET"]


async def test_with_http_info_gives_status_headers_and_raw_body(iam: aio.IamApiKeysApi) -> None:
    info = await iam.create_iam_v2_api_key_with_http_info(NEW_KEY)
    assert isinstance(info, openapi_client.ApiResponse)
    assert info.status_code == 202
    assert info.request_id and info.headers["content-type"].startswith("application/json")
    assert isinstance(info.data, openapi_client.IamV2ApiKey) and info.data.id
    assert info.data.id.encode() in info.raw_data


async def test_without_preload_content_leaves_the_body_to_the_caller(
    client: aio.ApiClient, iam: aio.IamApiKeysApi, cloud: FakeConfluentCloud
) -> None:
    cloud.seed_api_keys(3)
    response = await iam.list_iam_v2_api_keys_without_preload_content(page_size=2)
    assert isinstance(response, aio.RESTResponse)
    assert response.status == 200 and response.data is None
    body = await response.read()
    assert body.startswith(b"{") and await response.read() is body
    decoded = await client.response_deserialize(response, {"200": openapi_client.IamV2ApiKeyList})
    assert len(decoded.data.data) == 2


async def test_a_raw_response_can_be_released_unread(client: aio.ApiClient, iam: aio.IamApiKeysApi) -> None:
    async with await iam.list_iam_v2_api_keys_without_preload_content() as response:
        assert response.status == 200
    # The connection was given back (or closed): the next call is not stuck behind it.
    assert (await iam.list_iam_v2_api_keys()).kind == "ApiKeyList"


async def test_per_call_headers_and_auth_are_sent(iam: aio.IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    configuration = cloud.configuration()
    token = configuration.get_basic_auth_token()
    assert token
    await iam.list_iam_v2_api_keys(
        _headers={"X-Trace": "abc"}, _request_auth={"in": "header", "key": "Authorization", "value": token}
    )
    sent = cloud.requests[-1].headers
    assert sent["X-Trace"] == "abc"
    assert sent["User-Agent"].startswith("confluent-cloud-keys-sdk/")
    assert "Accept-Encoding" not in sent or sent["Accept-Encoding"] in ("identity", "gzip, deflate", "gzip")


async def test_async_for_walks_every_key_one_page_at_a_time(iam: aio.IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    cloud.seed_api_keys(23)
    pages = iam.iter_iam_v2_api_keys_pages(page_size=10)
    first = await pages.__anext__()
    # Lazy: only the first page has been asked for so far.
    assert len(first.data) == 10 and sum(1 for r in cloud.requests if r.method == "GET") == 1
    rest = [page async for page in pages]
    assert [len(p.data) for p in rest] == [10, 3]
    ids = [key.id async for key in iam.iter_iam_v2_api_keys(page_size=10)]
    assert len(ids) == 23 == len(set(ids))


# -- the session ---------------------------------------------------------------------------------


async def test_the_client_owns_and_closes_its_session(cloud: FakeConfluentCloud) -> None:
    client = aio.ApiClient(cloud.configuration())
    await aio.IamApiKeysApi(client).list_iam_v2_api_keys()
    session = client.rest_client.session
    assert not session.closed
    await client.close()
    assert session.closed


async def test_a_session_of_your_own_is_used_and_left_open(cloud: FakeConfluentCloud) -> None:
    seen: List[str] = []

    async def on_request_start(session: Any, context: Any, params: aiohttp.TraceRequestStartParams) -> None:
        seen.append(f"{params.method} {params.url.path}")

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_request_start)
    async with aiohttp.ClientSession(trace_configs=[trace]) as session:
        async with aio.ApiClient(cloud.configuration(), session=session) as client:
            await aio.IamApiKeysApi(client).list_iam_v2_api_keys()
        assert not session.closed
    assert seen == ["GET /iam/v2/api-keys"]
    # The same headers as from the client's own session: none of aiohttp's automatic ones
    # (its Accept-Encoding would invite a coding the shared body decoder may not undo).
    sent = cloud.requests[-1].headers
    assert sent["Accept-Encoding"] == "gzip, deflate" and sent["Accept"] == "application/json"
    assert sent["User-Agent"].startswith("confluent-cloud-keys-sdk/")


async def test_the_pool_never_holds_more_than_connection_pool_maxsize(cloud: FakeConfluentCloud) -> None:
    cloud.seed_api_keys(1)
    before = cloud.connections_accepted
    async with aio.ApiClient(cloud.configuration(connection_pool_maxsize=3)) as client:
        api = aio.IamApiKeysApi(client)
        await asyncio.gather(*(api.list_iam_v2_api_keys() for _ in range(30)))
    assert 1 <= cloud.connections_accepted - before <= 3


async def test_the_rest_of_the_configuration_shapes_the_session() -> None:
    configuration = openapi_client.Configuration(
        username="k", password="s", connection_pool_maxsize=7, verify_ssl=False
    )
    async with aio.ApiClient(configuration) as client:
        session = client.rest_client.session
        assert session.connector is not None and session.connector.limit == 7
        assert session.auto_decompress is False


# -- cancellation --------------------------------------------------------------------------------


async def test_cancelling_a_call_releases_its_connection(cloud: FakeConfluentCloud) -> None:
    async with aio.ApiClient(cloud.configuration(connection_pool_maxsize=1, retries=False)) as client:
        api = aio.IamApiKeysApi(client)
        cloud.delay_next(5.0, method="GET")
        task = asyncio.create_task(api.list_iam_v2_api_keys())
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # With a pool of one, a leaked connection would make this call wait for it.
        started = time.monotonic()
        page = await asyncio.wait_for(api.list_iam_v2_api_keys(), timeout=3)
        assert page.kind == "ApiKeyList" and time.monotonic() - started < 2


async def test_a_cancelled_waiter_stops_polling(cloud: FakeConfluentCloud) -> None:
    async with aio.ApiClient(cloud.configuration()) as client:
        api = aio.IamApiKeysApi(client)
        waiter = asyncio.create_task(api.wait_for_iam_v2_api_key("NOSUCHKEY0000000", timeout=30, poll_interval=0.05))
        while len(cloud.requests) < 2:  # polling, however slowly a loaded machine runs it
            await asyncio.sleep(0.05)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        polls = len(cloud.requests)
        assert polls >= 2
        await asyncio.sleep(0.3)
        assert len(cloud.requests) == polls


async def test_many_tasks_share_one_client(cloud: FakeConfluentCloud) -> None:
    async with aio.ApiClient(cloud.configuration()) as client:
        api = aio.IamApiKeysApi(client)
        created = await asyncio.gather(*(api.create_iam_v2_api_key(NEW_KEY) for _ in range(20)))
        assert len({key.id for key in created}) == 20
        read = await asyncio.gather(*(api.get_iam_v2_api_key(key.id or "") for key in created))
        assert [key.id for key in read] == [key.id for key in created]


@pytest.mark.parametrize("async_api", [aio.IamApiKeysApi, aio.ByokKeysApi], ids=lambda c: c.__name__)
def test_every_async_method_is_in_the_guide(async_api: type) -> None:
    guide = (Path(__file__).resolve().parent.parent / "docs" / "Async.md").read_text(encoding="utf-8")
    table = guide.split("<!-- generated: aio.methods -->", 1)[1].split("<!-- end generated: aio.methods -->", 1)[0]
    for name in _public(async_api):
        assert re.search(rf"`(await|async for x in) api\.{name}\(", table), f"{name} is not in docs/Async.md"
