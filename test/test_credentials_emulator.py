"""The credential providers against the emulator's identity provider, token service and API."""

from __future__ import annotations

import logging
import threading
from typing import List

import pytest
from threads import all_at_once

import openapi_client
from openapi_client import (
    ApiClient,
    ByokKeysApi,
    ClientCredentialsGrant,
    CloudApiKey,
    Configuration,
    ConfluentOAuth,
    GlobalApiKey,
    IamApiKeysApi,
    TokenExchangeError,
)
from openapi_client.testing import FakeConfluentCloud


def oauth_for(cloud: FakeConfluentCloud, **kwargs: object) -> ConfluentOAuth:
    client_id, client_secret = cloud.add_oauth_client()
    grant = ClientCredentialsGrant(cloud.idp_token_url, client_id, client_secret)
    return ConfluentOAuth(cloud.identity_pool_id, grant, sts_url=cloud.sts_token_url, **kwargs)  # type: ignore[arg-type]


def test_oauth_works_for_both_apis(cloud: FakeConfluentCloud) -> None:
    with ApiClient(Configuration(host=cloud.host, credentials=oauth_for(cloud))) as client:
        assert IamApiKeysApi(client).list_iam_v2_api_keys().kind == "ApiKeyList"
        assert ByokKeysApi(client).list_byok_v1_keys().kind == "KeyList"
    assert cloud.sts_exchanges == 1
    assert all(r.headers["Authorization"].startswith("Bearer ") for r in cloud.requests if "/oauth2/" not in r.path)


def test_every_static_provider_against_the_emulator(cloud: FakeConfluentCloud) -> None:
    with ApiClient(Configuration(host=cloud.host, credentials=CloudApiKey(cloud.api_key, cloud.api_secret))) as client:
        assert IamApiKeysApi(client).list_iam_v2_api_keys().kind == "ApiKeyList"
    key, secret = cloud.add_global_api_key()
    with ApiClient(Configuration(host=cloud.host, credentials=GlobalApiKey(key, secret))) as client:
        assert ByokKeysApi(client).list_byok_v1_keys().kind == "KeyList"
        before = len(cloud.requests)
        with pytest.raises(openapi_client.ApiValueError):
            IamApiKeysApi(client).list_iam_v2_api_keys()
        assert len(cloud.requests) == before


def test_a_revoked_token_is_renewed_once_and_the_call_retried_once(cloud: FakeConfluentCloud) -> None:
    provider = oauth_for(cloud)
    with ApiClient(Configuration(host=cloud.host, credentials=provider, retries=False)) as client:
        api = IamApiKeysApi(client)
        api.list_iam_v2_api_keys()
        cloud.revoke_token(provider.authorization().split(" ", 1)[1])
        assert api.list_iam_v2_api_keys().kind == "ApiKeyList"
    assert cloud.sts_exchanges == 2


def test_an_expired_token_is_refreshed_before_use(cloud: FakeConfluentCloud) -> None:
    # A real expiry over loopback; the refresh rules to the second are test_credentials.py's,
    # on a fake clock.
    cloud.token_lifetime = 1  # margin 0.1 s
    provider = oauth_for(cloud)
    with ApiClient(Configuration(host=cloud.host, credentials=provider, retries=False)) as client:
        api = ByokKeysApi(client)
        api.list_byok_v1_keys()
        threading.Event().wait(1.0)
        api.list_byok_v1_keys()
    assert cloud.sts_exchanges == 2
    statuses = [r for r in cloud.requests if r.path.startswith("/byok/")]
    assert len(statuses) == 2  # renewed before sending, not after a 401


def test_thirty_two_threads_one_exchange(cloud: FakeConfluentCloud) -> None:
    provider = oauth_for(cloud)
    with ApiClient(Configuration(host=cloud.host, credentials=provider, connection_pool_maxsize=32)) as client:
        _, errors = all_at_once(32, IamApiKeysApi(client).list_iam_v2_api_keys)
    assert not errors
    assert cloud.sts_exchanges == 1 and cloud.idp_grants == 1


def test_identity_provider_and_sts_failures(cloud: FakeConfluentCloud) -> None:
    client_id, _ = cloud.add_oauth_client()
    wrong = ClientCredentialsGrant(cloud.idp_token_url, client_id, "wrong-secret-123")
    provider = ConfluentOAuth(cloud.identity_pool_id, wrong, sts_url=cloud.sts_token_url)
    with pytest.raises(TokenExchangeError) as idp:
        provider.authorization()
    assert idp.value.step == "identity provider" and idp.value.status in (400, 401)
    assert "wrong-secret-123" not in str(idp.value)

    other_pool = ConfluentOAuth("pool-doesnotexist", cloud.issue_subject_token, sts_url=cloud.sts_token_url)
    with pytest.raises(TokenExchangeError) as sts:
        other_pool.authorization()
    assert sts.value.step == "Confluent STS" and 400 <= sts.value.status < 500


def test_a_token_already_expired_on_arrival_is_not_looped_on(cloud: FakeConfluentCloud) -> None:
    cloud.token_lifetime = 0
    provider = ConfluentOAuth(cloud.identity_pool_id, cloud.issue_subject_token, sts_url=cloud.sts_token_url)
    with pytest.raises(TokenExchangeError, match="already expired"):
        provider.authorization()
    assert cloud.sts_exchanges == 2


def test_no_secret_in_debug_logs_with_oauth(cloud: FakeConfluentCloud, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    provider = oauth_for(cloud)
    with ApiClient(Configuration(host=cloud.host, credentials=provider)) as client:
        IamApiKeysApi(client).list_iam_v2_api_keys()
    for secret in provider.secrets():
        assert secret not in caplog.text


async def test_async_clients_renew_in_a_worker_thread_and_retry_a_401_once(cloud: FakeConfluentCloud) -> None:
    from openapi_client import aio

    loop_thread = threading.get_ident()
    exchanging_threads: List[int] = []

    def subject_token() -> str:  # runs inside each exchange: records where that happens
        exchanging_threads.append(threading.get_ident())
        return cloud.issue_subject_token()

    provider = ConfluentOAuth(cloud.identity_pool_id, subject_token, sts_url=cloud.sts_token_url)
    async with aio.ApiClient(Configuration(host=cloud.host, credentials=provider, retries=False)) as client:
        api = aio.IamApiKeysApi(client)
        assert (await api.list_iam_v2_api_keys()).kind == "ApiKeyList"
        cloud.revoke_token(provider.authorization().split(" ", 1)[1])
        assert (await api.list_iam_v2_api_keys()).kind == "ApiKeyList"  # renewed after the 401, retried once
    assert cloud.sts_exchanges == 2
    assert len(exchanging_threads) == 2 and loop_thread not in exchanging_threads


async def test_many_coroutines_share_one_exchange_and_one_renewal_after_a_401(cloud: FakeConfluentCloud) -> None:
    import asyncio
    import time

    from openapi_client import aio

    def slow_subject_token() -> str:  # keeps the first exchange running while the others ask
        time.sleep(0.3)
        return cloud.issue_subject_token()

    provider = ConfluentOAuth(cloud.identity_pool_id, slow_subject_token, sts_url=cloud.sts_token_url)
    configuration = Configuration(host=cloud.host, credentials=provider, retries=False, connection_pool_maxsize=64)
    async with aio.ApiClient(configuration) as client:
        api = aio.IamApiKeysApi(client)
        pages = await asyncio.gather(*(api.list_iam_v2_api_keys() for _ in range(64)))
        assert [page.kind for page in pages] == ["ApiKeyList"] * 64
        assert cloud.sts_exchanges == 1 and provider.exchanges == 1

        cloud.revoke_token(provider.authorization().split(" ", 1)[1])  # every next call gets a 401
        pages = await asyncio.gather(*(api.list_iam_v2_api_keys() for _ in range(64)))
        assert [page.kind for page in pages] == ["ApiKeyList"] * 64
    assert cloud.sts_exchanges == 2  # one renewal for the whole wave of 401s
    statuses = [r.status for r in cloud.requests if r.path.startswith("/iam/")]
    assert statuses.count(401) <= 64 and len(statuses) == 64 + 64 + statuses.count(401)


@pytest.mark.parametrize("kind", ["sync", "aio"])
async def test_a_provider_the_call_does_not_use_is_not_exchanged(cloud: FakeConfluentCloud, kind: str) -> None:
    import asyncio

    from openapi_client import aio

    key, secret = cloud.add_global_api_key()
    client_id, _ = cloud.add_oauth_client()
    broken = ClientCredentialsGrant(cloud.idp_token_url, client_id, "wrong-secret-456")  # every exchange fails
    oauth = ConfluentOAuth(cloud.identity_pool_id, broken, sts_url=cloud.sts_token_url)
    configuration = Configuration(host=cloud.host, credentials=[GlobalApiKey(key, secret), oauth], retries=False)
    # BYOK calls take the Global key; only API-key calls would need the token.
    if kind == "aio":
        async with aio.ApiClient(configuration) as async_client:
            page = await aio.ByokKeysApi(async_client).list_byok_v1_keys()
    else:
        with ApiClient(configuration) as client:
            page = await asyncio.to_thread(ByokKeysApi(client).list_byok_v1_keys)
    assert page.kind == "KeyList"
    assert cloud.idp_grants == 0 and cloud.sts_exchanges == 0 and oauth.exchanges == 0
