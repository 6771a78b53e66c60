"""Configuration: credentials from the environment, live changes, logging level, insecure hosts."""

from __future__ import annotations

import logging

import pytest

import openapi_client
from openapi_client import ApiRetry, Configuration, IamApiKeysApi
from openapi_client.testing import FakeConfluentCloud


def test_credentials_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLUENT_CLOUD_API_KEY", "ENVKEY")
    monkeypatch.setenv("CONFLUENT_CLOUD_API_SECRET", "env-secret")
    config = Configuration()
    assert (config.username, config.password) == ("ENVKEY", "env-secret")
    assert config.host == "https://api.confluent.cloud"
    assert config.get_basic_auth_token() == "Basic RU5WS0VZOmVudi1zZWNyZXQ="


def test_an_explicit_token_is_not_overridden_by_environment_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLUENT_CLOUD_API_KEY", "ENVKEY")
    monkeypatch.setenv("CONFLUENT_CLOUD_API_SECRET", "env-secret")
    config = Configuration(access_token="tok")
    assert config.username is None and config.password is None
    assert set(config.auth_settings()) == {"confluent-sts-access-token"}


def test_changed_credentials_are_used_by_a_live_client(cloud: FakeConfluentCloud) -> None:
    config = cloud.configuration(password="stale-secret")
    with openapi_client.ApiClient(config) as api_client:
        api = IamApiKeysApi(api_client)
        with pytest.raises(openapi_client.UnauthorizedException):
            api.list_iam_v2_api_keys()
        config.password = cloud.api_secret  # e.g. after the service rotated its own key
        assert api.list_iam_v2_api_keys().kind == "ApiKeyList"


def test_switching_a_live_client_to_a_remote_plain_http_host_is_refused(cloud: FakeConfluentCloud) -> None:
    config = cloud.configuration()
    with openapi_client.ApiClient(config) as api_client:
        api = IamApiKeysApi(api_client)
        api.list_iam_v2_api_keys()
        config.host = "http://api.example.invalid"
        with pytest.raises(openapi_client.InsecureTransportError):
            api.list_iam_v2_api_keys()
    assert len(cloud.requests) == 1


def test_retries_setting_is_normalized_even_when_assigned_later() -> None:
    config = Configuration(retries=3)
    assert isinstance(config.retries, ApiRetry) and config.retries.total == 3
    config.retries = False
    assert isinstance(config.retries, ApiRetry) and config.retries.total == 0
    config.retries = None
    assert isinstance(config.retries, ApiRetry) and config.retries.total == ApiRetry().total


def test_a_retry_policy_assigned_to_a_live_client_applies(cloud: FakeConfluentCloud) -> None:
    config = cloud.configuration(retries=False)
    with openapi_client.ApiClient(config) as api_client:
        api = IamApiKeysApi(api_client)
        config.retries = ApiRetry(total=2, backoff_factor=0.01)
        cloud.fail_next(1, status=503)
        assert api.list_iam_v2_api_keys().kind == "ApiKeyList"
    assert len(cloud.requests) == 2


def test_new_configurations_leave_the_logger_level_alone() -> None:
    logger = logging.getLogger("openapi_client")
    previous = logger.level
    try:
        logger.setLevel(logging.INFO)
        Configuration()
        assert logger.level == logging.INFO
        debugging = Configuration(debug=True)
        assert logger.level == logging.DEBUG
        debugging.debug = False
        assert logger.level == logging.NOTSET
    finally:
        logger.setLevel(previous)


def test_repr_names_no_credential() -> None:
    config = Configuration(username="KEY", password="very-secret", access_token="tok-123")
    assert "very-secret" not in repr(config) and "tok-123" not in repr(config)
    assert "KEY" in repr(config)


def test_host_comes_from_the_environment_when_not_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONFLUENT_CLOUD_HOST", "http://127.0.0.1:8080/")
    assert Configuration().host == "http://127.0.0.1:8080"
    assert Configuration(host="https://proxy.internal").host == "https://proxy.internal"
