"""The token requests of ``ConfluentOAuth`` follow the proxy environment variables as API calls
do (``trust_env``, on by default): ``HTTP_PROXY``/``HTTPS_PROXY`` route them, ``NO_PROXY``
bypasses, ``trust_env=False`` ignores the environment, an unusable value is refused by name
and a clear-text route through a proxy off this machine is refused before anything is sent.
Over real sockets, both clients: the emulator is the STS and the API, a recording listener
stands in for the proxy."""

from __future__ import annotations

import socket

import pytest
from aio_clients import KINDS, Clients
from hostile import HostileServer, Request, answer

from openapi_client import Configuration
from openapi_client.credentials import ConfluentOAuth, TokenExchangeError
from openapi_client.exceptions import ApiValueError, InsecureTransportError, OpenApiException
from openapi_client.testing import FakeConfluentCloud

# Proxy variables of the machine running the suite must not route these tests (test/conftest.py).
pytestmark = pytest.mark.usefixtures("no_proxy_environment")


def refuse_as_a_proxy(conn: socket.socket, request: Request) -> None:
    conn.sendall(answer(502, b"bad gateway", [("Content-Type", "text/plain")]))


def oauth_configuration(cloud: FakeConfluentCloud, trust_env: bool = True) -> Configuration:
    provider = ConfluentOAuth(
        cloud.identity_pool_id, lambda: cloud.issue_subject_token(), sts_url=cloud.sts_token_url, trust_env=trust_env
    )
    # The API calls ignore the environment here, so that only the token requests can meet the proxy.
    return Configuration(host=cloud.host, credentials=provider, trust_env=False, retries=False)


async def list_keys(kind: str, configuration: Configuration) -> None:
    async with Clients(kind, configuration) as c:
        await c.iam("list_iam_v2_api_keys")


async def refusal(kind: str, configuration: Configuration) -> OpenApiException:
    with pytest.raises(OpenApiException) as refused:
        await list_keys(kind, configuration)
    return refused.value


@pytest.mark.parametrize("kind", KINDS)
async def test_the_proxy_variable_routes_the_token_request(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeConfluentCloud() as cloud, HostileServer(refuse_as_a_proxy) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        error = await refusal(kind, oauth_configuration(cloud))
        assert isinstance(error, TokenExchangeError) and error.status == 502, repr(error)
        assert [(r.method, r.target) for r in proxy.requests][:1] == [("POST", cloud.sts_token_url)]
        assert cloud.sts_exchanges == 0  # the STS itself was never reached


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("bypass", ["trust_env=False", "NO_PROXY"])
async def test_the_token_request_goes_direct_when_the_environment_is_ignored_or_bypassed(
    kind: str, bypass: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeConfluentCloud() as cloud, HostileServer(refuse_as_a_proxy) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        if bypass == "NO_PROXY":
            monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        await list_keys(kind, oauth_configuration(cloud, trust_env=bypass != "trust_env=False"))
        assert proxy.accepted == 0
        assert cloud.sts_exchanges == 1


@pytest.mark.parametrize("kind", KINDS)
async def test_a_clear_text_token_request_through_a_remote_proxy_from_the_environment_is_refused(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeConfluentCloud() as cloud:
        monkeypatch.setenv("HTTP_PROXY", "http://192.0.2.1:3128")  # TEST-NET: not this machine
        error = await refusal(kind, oauth_configuration(cloud))
        assert isinstance(error, InsecureTransportError), repr(error)
        assert "through a proxy off this machine" in str(error)
        assert cloud.sts_exchanges == 0


@pytest.mark.parametrize("kind", KINDS)
async def test_an_unusable_proxy_variable_is_refused_by_name_for_the_token_request(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeConfluentCloud() as cloud:
        monkeypatch.setenv("HTTP_PROXY", "::::Pr0xy-Secret::::")
        error = await refusal(kind, oauth_configuration(cloud))
        assert isinstance(error, ApiValueError) and "HTTP_PROXY" in str(error), repr(error)
        assert "Pr0xy-Secret" not in str(error)
        assert cloud.sts_exchanges == 0


@pytest.mark.parametrize("trust_env", [True, False])
def test_oauth_from_the_environment_takes_the_configurations_trust_env(
    trust_env: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFLUENT_OAUTH_IDENTITY_POOL_ID", "pool-env")
    monkeypatch.setenv("CONFLUENT_OAUTH_EXTERNAL_ACCESS_TOKEN", "x.y.z")
    for name in ("CONFLUENT_CLOUD_API_KEY", "CONFLUENT_CLOUD_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    (provider,) = Configuration(trust_env=trust_env).credentials
    assert isinstance(provider, ConfluentOAuth) and provider.connection.trust_env is trust_env
