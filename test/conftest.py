"""Shared fixtures (an emulator per test, SDK clients pointed at it with fast retries) and the hypothesis profiles."""

from __future__ import annotations

import os
from typing import Iterator

import pytest
from hypothesis import HealthCheck, settings

import openapi_client
from openapi_client.testing import FakeConfluentCloud

# Property budgets: test/property_budget.py scales each test's count by the active profile's
# max_examples (100 is a test's own count). An everyday `./dev test` draws a quarter, at random;
# CI (CI set, as .ci/run does) draws every test's full count, the same draws on every run, so a
# red run means a change broke something; `--hypothesis-profile=deep` draws ten times as many.
# The profiles are this suite's own, not hypothesis's built-in "ci", which older releases lack.
settings.register_profile("dev", max_examples=25)
settings.register_profile(
    "ci",
    max_examples=100,
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("deep", max_examples=1000)
settings.load_profile("ci" if os.environ.get("CI") else "dev")  # --hypothesis-profile, given, wins

FAST_RETRY = openapi_client.ApiRetry(total=4, backoff_factor=0.01, backoff_jitter=0.0, retry_after_max=2.0)


@pytest.fixture
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy variable of the environment in effect: the tests that use one set it themselves."""
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def cloud(fake_confluent_cloud: FakeConfluentCloud) -> FakeConfluentCloud:
    """A fresh emulator (the plugin's fixture, under a short name)."""
    return fake_confluent_cloud


@pytest.fixture
def client(cloud: FakeConfluentCloud) -> Iterator[openapi_client.ApiClient]:
    """An ApiClient on the emulator whose retries wait milliseconds, not seconds."""
    with openapi_client.ApiClient(cloud.configuration(retries=FAST_RETRY)) as api_client:
        yield api_client


@pytest.fixture
def iam(client: openapi_client.ApiClient) -> openapi_client.IamApiKeysApi:
    return openapi_client.IamApiKeysApi(client)


@pytest.fixture
def byok(client: openapi_client.ApiClient) -> openapi_client.ByokKeysApi:
    return openapi_client.ByokKeysApi(client)
