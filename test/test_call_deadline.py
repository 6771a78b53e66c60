"""One deadline for a whole call (``total_timeout``): a token exchange that falls due, every
attempt and the one resend after a 401 all end by it, in both clients. Over loopback, against
the emulator's identity provider, token service and API."""

from __future__ import annotations

import asyncio
import time
from typing import Callable, Optional
from urllib.parse import urlsplit

import pytest
from test_credentials_emulator import oauth_for

from openapi_client import ApiClient, ApiRetry, Configuration, IamApiKeysApi, aio
from openapi_client.credentials import CloudApiKey, ConfluentOAuth, authorization_by, renewed_by
from openapi_client.exceptions import ApiTimeoutError
from openapi_client.testing import FakeConfluentCloud

BUDGET = 0.5
MARGIN = 1.0  # room for a loaded machine; the slow steps below would take 3 s
LIST_PATH = "/iam/v2/api-keys"


def list_keys(cloud: FakeConfluentCloud, provider: ConfluentOAuth, flavour: str, budget: float) -> float:
    """One list call through the ``flavour`` client; how long it took."""
    configuration = Configuration(
        host=cloud.host, credentials=provider, retries=ApiRetry(total=0, total_timeout=budget)
    )
    started = time.monotonic()
    try:
        if flavour == "sync":
            with ApiClient(configuration) as client:
                IamApiKeysApi(client).list_iam_v2_api_keys()
        else:

            async def call() -> None:
                async with aio.ApiClient(configuration) as client:
                    await aio.IamApiKeysApi(client).list_iam_v2_api_keys()

            asyncio.run(call())
    finally:
        elapsed = time.monotonic() - started
    return elapsed


def timed_out(call: Callable[[], float]) -> tuple[float, ApiTimeoutError]:
    started = time.monotonic()
    with pytest.raises(ApiTimeoutError) as caught:
        call()
    return time.monotonic() - started, caught.value


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("step", ["identity provider", "sts"])
def test_a_slow_token_exchange_ends_at_the_calls_deadline(cloud: FakeConfluentCloud, flavour: str, step: str) -> None:
    provider = oauth_for(cloud)
    path = urlsplit(cloud.idp_token_url if step == "identity provider" else cloud.sts_token_url).path
    cloud.delay_next(3.0, path=path)
    elapsed, error = timed_out(lambda: list_keys(cloud, provider, flavour, BUDGET))
    # Without the deadline the exchange would run its own 3 s (its timeout is 10 s + 30 s).
    assert BUDGET - 0.1 <= elapsed < BUDGET + MARGIN
    assert "total_timeout" in str(error)
    assert not [r for r in cloud.requests if r.path.startswith(LIST_PATH)]  # nothing sent without a token
    provider.close()


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_the_resend_after_a_401_gets_only_what_is_left(cloud: FakeConfluentCloud, flavour: str) -> None:
    provider = oauth_for(cloud)
    list_keys(cloud, provider, flavour, 10.0)
    cloud.revoke_token(provider.authorization().split(" ", 1)[1])
    # The refused attempt takes 0.2 s of a 0.9 s budget, leaving 0.7 s for the renewal (as
    # much as a loaded machine needs); the resend would take 0.7 s more.
    cloud.delay_next(0.2, path=LIST_PATH)
    cloud.delay_next(0.7, path=LIST_PATH)
    elapsed, error = timed_out(lambda: list_keys(cloud, provider, flavour, 0.9))
    assert cloud.sts_exchanges == 2  # renewed, and resent with the new token
    assert 0.8 <= elapsed < 0.9 + 0.5  # a fresh budget for the resend would succeed after 0.7 s
    assert "timed out" in str(error)


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_slow_renewal_after_a_401_ends_at_the_deadline(cloud: FakeConfluentCloud, flavour: str) -> None:
    provider = oauth_for(cloud)
    list_keys(cloud, provider, flavour, 10.0)
    cloud.revoke_token(provider.authorization().split(" ", 1)[1])
    cloud.delay_next(3.0, path=urlsplit(cloud.sts_token_url).path)
    elapsed, error = timed_out(lambda: list_keys(cloud, provider, flavour, BUDGET))
    assert BUDGET - 0.1 <= elapsed < BUDGET + MARGIN
    assert "total_timeout" in str(error)


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_within_the_budget_a_due_exchange_and_the_call_succeed(cloud: FakeConfluentCloud, flavour: str) -> None:
    provider = oauth_for(cloud)
    cloud.delay_next(0.1, path=urlsplit(cloud.sts_token_url).path)
    list_keys(cloud, provider, flavour, 5.0)
    assert cloud.sts_exchanges == 1 and provider.exchanges == 1


def test_providers_without_the_keyword_are_called_as_before(cloud: FakeConfluentCloud) -> None:
    calls: list[Optional[float]] = []

    class Legacy:
        scheme = "cloud-api-key"

        def authorization(self) -> str:
            calls.append(None)
            return "Basic a2V5OnNlY3JldA=="

        def on_unauthorized(self, rejected: str) -> bool:
            calls.append(None)
            return False

    class Modern(Legacy):
        def authorization(self, *, deadline: Optional[float] = None) -> str:  # type: ignore[override]
            calls.append(deadline)
            return "Basic a2V5OnNlY3JldA=="

    deadline = time.monotonic() + 5
    assert authorization_by(Legacy(), deadline) == "Basic a2V5OnNlY3JldA=="
    assert renewed_by(Legacy(), "Basic x", deadline) is False
    assert authorization_by(Modern(), deadline) == "Basic a2V5OnNlY3JldA=="
    assert authorization_by(CloudApiKey("key", "secret"), deadline).startswith("Basic ")
    assert calls == [None, None, deadline]
