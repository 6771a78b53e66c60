"""Credential providers through the async client: OAuth renewal in a worker thread, once
across tasks, never blocking the event loop; a refused token renewed once and the call
retried once. Against the emulator's identity provider and token service."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import List

import pytest
from test_credentials_emulator import oauth_for

import openapi_client
from openapi_client import Configuration, aio
from openapi_client.testing import FakeConfluentCloud


async def test_oauth_works_for_both_apis(cloud: FakeConfluentCloud) -> None:
    async with aio.ApiClient(Configuration(host=cloud.host, credentials=oauth_for(cloud))) as client:
        assert (await aio.IamApiKeysApi(client).list_iam_v2_api_keys()).kind == "ApiKeyList"
        assert (await aio.ByokKeysApi(client).list_byok_v1_keys()).kind == "KeyList"
    assert cloud.sts_exchanges == 1
    assert all(r.headers["Authorization"].startswith("Bearer ") for r in cloud.requests if "/oauth2/" not in r.path)


async def test_thirty_two_tasks_one_exchange_and_the_loop_keeps_running(cloud: FakeConfluentCloud) -> None:
    provider = oauth_for(cloud)
    cloud.delay_next(0.25, path="/sts/v1/oauth2/token")  # a slow token service
    exchange_threads: List[str] = []
    original = provider.authorization

    def authorization() -> str:
        exchange_threads.append(threading.current_thread().name)
        return original()

    provider.authorization = authorization  # type: ignore[method-assign]
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.02)
            ticks += 1

    async with aio.ApiClient(Configuration(host=cloud.host, credentials=provider)) as client:
        api = aio.IamApiKeysApi(client)
        ticking = asyncio.create_task(ticker())
        started = time.monotonic()
        pages = await asyncio.gather(*(api.list_iam_v2_api_keys() for _ in range(32)))
        elapsed = time.monotonic() - started
        ticking.cancel()
    assert all(page.kind == "ApiKeyList" for page in pages)
    assert cloud.sts_exchanges == 1 and cloud.idp_grants == 1
    # The loop ran on during the quarter-second exchange (a blocked loop would not tick).
    assert elapsed >= 0.25 and ticks >= 5
    # One task sent the exchange on the client's own asyncio transport; the other 31 awaited
    # that one renewal. No worker thread took part; the requests then read the fresh token
    # on the loop's own thread.
    assert exchange_threads.count(threading.main_thread().name) == 32
    assert [name for name in exchange_threads if name != threading.main_thread().name] == []


async def test_a_failed_renewal_reaches_every_waiting_task(cloud: FakeConfluentCloud) -> None:
    client_id, _ = cloud.add_oauth_client()
    wrong = openapi_client.ClientCredentialsGrant(cloud.idp_token_url, client_id, "wrong-secret-123")
    provider = openapi_client.ConfluentOAuth(cloud.identity_pool_id, wrong, sts_url=cloud.sts_token_url)
    async with aio.ApiClient(Configuration(host=cloud.host, credentials=provider)) as client:
        api = aio.IamApiKeysApi(client)
        results = await asyncio.gather(*(api.list_iam_v2_api_keys() for _ in range(8)), return_exceptions=True)
    assert all(isinstance(r, openapi_client.TokenExchangeError) for r in results)
    assert "wrong-secret-123" not in " ".join(str(r) for r in results)
    assert not [r for r in cloud.requests if r.path.startswith("/iam/")]  # nothing sent without a token


async def test_a_cancelled_task_leaves_the_renewal_to_the_others(cloud: FakeConfluentCloud) -> None:
    provider = oauth_for(cloud)
    cloud.delay_next(0.4, path="/sts/v1/oauth2/token")
    async with aio.ApiClient(Configuration(host=cloud.host, credentials=provider)) as client:
        api = aio.IamApiKeysApi(client)
        first = asyncio.create_task(api.list_iam_v2_api_keys())
        await asyncio.sleep(0.05)
        second = asyncio.create_task(api.list_iam_v2_api_keys())
        await asyncio.sleep(0.05)
        first.cancel()
        assert (await second).kind == "ApiKeyList"
        with pytest.raises(asyncio.CancelledError):
            await first
    assert cloud.sts_exchanges == 1


async def test_a_revoked_token_is_renewed_once_and_the_call_retried_once(cloud: FakeConfluentCloud) -> None:
    provider = oauth_for(cloud)
    async with aio.ApiClient(Configuration(host=cloud.host, credentials=provider, retries=False)) as client:
        api = aio.IamApiKeysApi(client)
        await api.list_iam_v2_api_keys()
        cloud.revoke_token(provider.authorization().split(" ", 1)[1])
        cloud.clear_requests()
        assert (await api.list_iam_v2_api_keys()).kind == "ApiKeyList"
    assert cloud.sts_exchanges == 2
    assert [r.status for r in cloud.requests if r.path.startswith("/iam/")] == [401, 200]


async def test_a_static_key_refused_is_not_retried(cloud: FakeConfluentCloud) -> None:
    configuration = Configuration(host=cloud.host, credentials=openapi_client.CloudApiKey("NOTAKEY00000000", "nope"))
    async with aio.ApiClient(configuration) as client:
        with pytest.raises(openapi_client.UnauthorizedException):
            await aio.IamApiKeysApi(client).list_iam_v2_api_keys()
    assert len([r for r in cloud.requests if r.path.startswith("/iam/")]) == 1
