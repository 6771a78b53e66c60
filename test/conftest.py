"""Shared fixtures (an emulator per test, SDK clients pointed at it with fast retries) and the hypothesis profiles."""

from __future__ import annotations

from typing import Iterator

import pytest
from hypothesis import settings

import openapi_client
from openapi_client.testing import FakeConfluentCloud

# Property budgets: test/property_budget.py scales each test's count by the active profile's
# max_examples (100 is a test's own count). Everyday runs, CI's derandomized ones included, draw
# a quarter; `--hypothesis-profile=deep` ten times as many.
EVERYDAY_EXAMPLES = 25
settings.register_profile("dev", max_examples=EVERYDAY_EXAMPLES)
settings.register_profile("ci", settings.get_profile("ci"), max_examples=EVERYDAY_EXAMPLES)
settings.register_profile("deep", max_examples=1000)
if settings.get_current_profile_name() == "default":
    settings.load_profile("dev")

FAST_RETRY = openapi_client.ApiRetry(total=4, backoff_factor=0.01, backoff_jitter=0.0, retry_after_max=2.0)


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
