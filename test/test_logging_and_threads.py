"""Safe logging (no credentials or secrets anywhere) and one client shared by many threads."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import openapi_client
from openapi_client import ApiRetry, IamApiKeysApi, IamV2ApiKey, IamV2ApiKeySpec, ObjectReference
from openapi_client.testing import FakeConfluentCloud


def test_one_debug_line_per_request_without_secrets(
    cloud: FakeConfluentCloud, caplog: pytest.LogCaptureFixture
) -> None:
    config = cloud.configuration(retries=ApiRetry(total=2, backoff_factor=0.01))
    config.debug = True
    try:
        with openapi_client.ApiClient(config) as api_client, caplog.at_level(logging.DEBUG):
            api = IamApiKeysApi(api_client)
            created = api.create_iam_v2_api_key(IamV2ApiKey(spec=IamV2ApiKeySpec(owner=ObjectReference(id="sa-logs"))))
            assert created.id is not None and created.spec is not None and created.spec.secret is not None
            secret = created.spec.secret.get_secret_value()
            logging.getLogger("openapi_client").debug("created %s", created)
            cloud.fail_next(1, status=503)
            api.get_iam_v2_api_key(created.id)
            cloud.fail_next(1, status=404)
            with pytest.raises(openapi_client.NotFoundException) as info:
                api.get_iam_v2_api_key(created.id)
    finally:
        config.debug = False

    request_lines = [r.getMessage() for r in caplog.records if r.name == "openapi_client" and " -> " in r.getMessage()]
    assert len(request_lines) == 3
    post_line = request_lines[0]
    assert post_line.startswith("POST ") and "-> 202" in post_line and "request id" in post_line
    assert "attempt 2" in request_lines[1]
    assert all(cloud.host not in line for line in request_lines)  # the path, never the host or query
    everything = caplog.text + str(info.value) + repr(info.value) + repr(config)
    for forbidden in (cloud.api_secret, secret, config.get_basic_auth_token() or "unset"):
        assert forbidden not in everything


def test_configuration_repr_hides_the_secret(cloud: FakeConfluentCloud) -> None:
    config = cloud.configuration()
    config.access_token = "token-value-123"
    text = repr(config)
    assert cloud.api_key in text
    assert cloud.api_secret not in text and "token-value-123" not in text


def test_exception_headers_never_carry_credentials(cloud: FakeConfluentCloud) -> None:
    with openapi_client.ApiClient(cloud.configuration(retries=False)) as api_client:
        cloud.fail_next(1, status=500, headers={"Set-Cookie": "session=abc"})
        with pytest.raises(openapi_client.ServiceException) as info:
            IamApiKeysApi(api_client).list_iam_v2_api_keys()
    assert info.value.headers.get("Set-Cookie") == "**********"
    assert "session=abc" not in str(info.value)


def test_sixteen_threads_share_one_client(cloud: FakeConfluentCloud) -> None:
    config = cloud.configuration(retries=ApiRetry(total=3, backoff_factor=0.01), connection_pool_maxsize=16)
    errors: list[BaseException] = []
    kept: list[str] = []
    lock = threading.Lock()

    with openapi_client.ApiClient(config) as api_client:
        api = IamApiKeysApi(api_client)

        def work(worker: int) -> None:
            try:
                for round_ in range(6):
                    key = api.create_iam_v2_api_key(
                        IamV2ApiKey(
                            spec=IamV2ApiKeySpec(owner=ObjectReference(id=f"sa-{worker}"), display_name=f"{round_}")
                        )
                    )
                    assert key.id is not None
                    assert api.get_iam_v2_api_key(key.id).spec.owner.id == f"sa-{worker}"  # type: ignore[union-attr]
                    if round_ % 2:
                        api.delete_iam_v2_api_key(key.id)
                    else:
                        with lock:
                            kept.append(key.id)
            except BaseException as exc:  # collected and re-raised in the main thread
                errors.append(exc)

        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(work, range(16)))
        assert errors == []
        remaining = {k.id for k in api.iter_iam_v2_api_keys(page_size=100)}
    assert remaining == set(kept)
    assert len(kept) == 16 * 3
