"""A user's own settings code, annotated with the SDK's names for what ``timeout`` and
``retries`` accept: ``TimeoutValue`` (a urllib3 ``Timeout`` included, as docs/Configuration.md
says) and ``RetrySetting``, both imported from the package as a user would.

Part of the typing corpus (tools/typecheck.py), and run by pytest against the emulator.
"""

from __future__ import annotations

from typing import Dict

import urllib3

import openapi_client
from openapi_client import ApiRetry, RetrySetting, TimeoutValue
from openapi_client.configuration import RetrySetting as ConfiguredRetrySetting, TimeoutValue as ConfiguredTimeout
from openapi_client.testing import FakeConfluentCloud

# What an operator may choose per environment, as a settings module would hold it.
TIMEOUTS: Dict[str, TimeoutValue] = {
    "batch": urllib3.Timeout(connect=5.0, read=120.0),
    "interactive": (2.0, 10.0),
    "default": 30.0,
}
RETRIES: Dict[str, RetrySetting] = {"batch": ApiRetry(total=8), "interactive": 1, "tests": False}


def configuration_for(
    cloud: FakeConfluentCloud, timeout: ConfiguredTimeout, retries: ConfiguredRetrySetting
) -> openapi_client.Configuration:
    return cloud.configuration(timeout=timeout, retries=retries)


def test_a_urllib3_timeout_is_a_timeout_value_and_is_applied() -> None:
    with FakeConfluentCloud() as cloud:
        configuration = configuration_for(cloud, TIMEOUTS["batch"], RETRIES["batch"])
        assert isinstance(configuration.retries, ApiRetry) and configuration.retries.total == 8
        with openapi_client.ApiClient(configuration) as client:
            api = openapi_client.IamApiKeysApi(client)
            per_call: TimeoutValue = urllib3.Timeout(total=1.0)
            cloud.delay_next(0.5, path="/iam/v2/api-keys")
            slow = urllib3.Timeout(connect=1.0, read=0.1)
            try:
                api.list_iam_v2_api_keys(_request_timeout=slow, _retries=False)
            except openapi_client.ApiTimeoutError:
                pass
            else:
                raise AssertionError("a read limit given as urllib3.Timeout was not applied")
            assert api.list_iam_v2_api_keys(_request_timeout=per_call).kind == "ApiKeyList"


def test_every_setting_of_the_table_is_accepted() -> None:
    with FakeConfluentCloud() as cloud:
        for name, timeout in TIMEOUTS.items():
            configuration = configuration_for(cloud, timeout, RETRIES.get(name, True))
            assert isinstance(configuration.retries, ApiRetry)
            with openapi_client.ApiClient(configuration) as client:
                assert openapi_client.ByokKeysApi(client).list_byok_v1_keys().kind == "KeyList"
