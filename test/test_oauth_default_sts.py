"""A ``ConfluentOAuth`` given no ``sts_url`` exchanges at the token endpoint of the host its
client calls (``<host>/sts/v1/oauth2/token``), as the environment-variable path does: the
emulator's when a configuration points there, Confluent Cloud's by default. Both clients,
over loopback against the emulator."""

from __future__ import annotations

import pytest
from aio_clients import KINDS, Clients

from openapi_client import ApiClient, ClientCredentialsGrant, Configuration, ConfluentOAuth, IamApiKeysApi
from openapi_client.credentials import DEFAULT_STS_URL
from openapi_client.testing import FakeConfluentCloud


def provider_without_sts_url(cloud: FakeConfluentCloud) -> ConfluentOAuth:
    client_id, client_secret = cloud.add_oauth_client()
    return ConfluentOAuth(cloud.identity_pool_id, ClientCredentialsGrant(cloud.idp_token_url, client_id, client_secret))


@pytest.mark.parametrize("kind", KINDS)
async def test_without_sts_url_the_exchange_goes_to_the_configured_host(cloud: FakeConfluentCloud, kind: str) -> None:
    provider = provider_without_sts_url(cloud)
    assert provider.sts_url == DEFAULT_STS_URL  # before any client used it
    async with Clients(kind, Configuration(host=cloud.host, credentials=provider, retries=False)) as c:
        page = await c.iam("list_iam_v2_api_keys")
    assert page.kind == "ApiKeyList"
    assert cloud.sts_exchanges == 1 and provider.exchanges == 1
    assert provider.sts_url == cloud.sts_token_url
    assert [r.path for r in cloud.requests if "/oauth2/" in r.path][-1] == "/sts/v1/oauth2/token"
    provider.close()


def test_an_sts_url_given_is_kept_whatever_the_host(cloud: FakeConfluentCloud) -> None:
    client_id, client_secret = cloud.add_oauth_client()
    grant = ClientCredentialsGrant(cloud.idp_token_url, client_id, client_secret)
    provider = ConfluentOAuth(cloud.identity_pool_id, grant, sts_url=cloud.sts_token_url)
    other_host = Configuration(host=cloud.host, credentials=provider, retries=False)
    with ApiClient(other_host) as client:
        IamApiKeysApi(client).list_iam_v2_api_keys()
    assert provider.sts_url == cloud.sts_token_url and cloud.sts_exchanges == 1
    provider.close()
