"""The generated-client methods users call on ApiClient keep working (issue 13 §3).

``param_serialize`` -> ``call_api`` -> ``response_deserialize`` is how code written for
openapi-generator clients sends a request by hand; ``get_default``/``set_default`` pick the
client API classes use when given none. Each is pinned here against the emulator.
"""

from __future__ import annotations

import inspect
from typing import Iterator

import pytest

import openapi_client
from openapi_client import ApiClient, IamApiKeysApi, _descriptions as descriptions
from openapi_client.testing import FakeConfluentCloud


@pytest.fixture
def default_client_restored() -> Iterator[None]:
    before = ApiClient._default
    yield
    ApiClient.set_default(before)


@pytest.mark.parametrize(
    ("method", "parameters"),
    [
        ("param_serialize", ["method", "resource_path", "path_params", "query_params", "header_params", "body"]),
        ("call_api", ["method", "url", "header_params", "body"]),
        ("response_deserialize", ["response_data", "response_types_map"]),
    ],
)
def test_compatibility_methods_keep_their_leading_parameters(method: str, parameters: list) -> None:
    signature = inspect.signature(getattr(ApiClient, method))
    assert list(signature.parameters)[1 : len(parameters) + 1] == parameters


def test_a_request_sent_by_hand_round_trips(cloud: FakeConfluentCloud) -> None:
    [key_id] = cloud.seed_api_keys(1, owner="sa-12mgdv")
    get = descriptions.GET_IAM_V2_API_KEY
    with ApiClient(cloud.configuration()) as client:
        method, url, headers, body = client.param_serialize(
            get.method, get.path, path_params={"id": key_id}, auth_settings=get.auth
        )
        assert (method, body) == ("GET", None) and url.endswith(f"/iam/v2/api-keys/{key_id}")
        assert headers["Authorization"].startswith("Basic ")
        response = client.call_api(method, url, headers)
        decoded = client.response_deserialize(response, get.responses)
    assert decoded.status_code == 200
    assert isinstance(decoded.data, openapi_client.IamV2ApiKey) and decoded.data.id == key_id


def test_a_call_written_like_generated_serialize_code_works(cloud: FakeConfluentCloud) -> None:
    # Generated clients' _serialize methods pass every argument by keyword, the form, file
    # and collection-format ones empty.
    [key_id] = cloud.seed_api_keys(1)
    get = descriptions.GET_IAM_V2_API_KEY
    with ApiClient(cloud.configuration()) as client:
        request = client.param_serialize(
            method="GET",
            resource_path=get.path,
            path_params={"id": key_id},
            query_params=[],
            header_params={"Accept": "application/json"},
            body=None,
            post_params=[],
            files={},
            auth_settings=list(get.auth),
            collection_formats={},
            _host=None,
            _request_auth=None,
        )
        response = client.call_api(*request, _request_timeout=5)
        assert client.response_deserialize(response, get.responses).status_code == 200


@pytest.mark.parametrize(
    ("name", "value"), [("post_params", [("a", "b")]), ("files", {"f": b"x"}), ("collection_formats", {"ids": "csv"})]
)
def test_form_file_and_collection_arguments_are_refused_by_name(name: str, value: object) -> None:
    client = ApiClient(openapi_client.Configuration(host="http://127.0.0.1:9"))
    with pytest.raises(openapi_client.ApiValueError, match=name):
        client.param_serialize("GET", "/iam/v2/api-keys", **{name: value})


def test_operations_do_not_go_through_call_api(cloud: FakeConfluentCloud) -> None:
    # A subclass hooking call_api (as some wrap generated clients) sees only calls made by hand.
    class Hooked(ApiClient):
        def call_api(self, *args: object, **kwargs: object) -> openapi_client.rest.RESTResponse:
            raise AssertionError("execute went through call_api")

    with Hooked(cloud.configuration()) as client:
        assert IamApiKeysApi(client).list_iam_v2_api_keys().data == []


def test_a_body_is_serialized_without_read_only_fields(cloud: FakeConfluentCloud) -> None:
    create = descriptions.CREATE_IAM_V2_API_KEY
    key = openapi_client.IamV2ApiKey(
        id="SET-BY-SERVER", spec=openapi_client.IamV2ApiKeySpec(owner=openapi_client.ObjectReference(id="sa-1"))
    )
    with ApiClient(cloud.configuration()) as client:
        _, _, headers, body = client.param_serialize(create.method, create.path, body=key, auth_settings=create.auth)
    assert headers["Content-Type"] == "application/json"
    assert body == b'{"spec":{"owner":{"id":"sa-1"}}}'


def test_set_default_is_what_api_classes_use_when_given_none(
    cloud: FakeConfluentCloud, default_client_restored: None
) -> None:
    with ApiClient(cloud.configuration()) as client:
        ApiClient.set_default(client)
        assert ApiClient.get_default() is client
        assert IamApiKeysApi().api_client is client
        assert IamApiKeysApi().list_iam_v2_api_keys().data == []
    ApiClient.set_default(None)
    made = ApiClient.get_default()
    assert made is not client and ApiClient.get_default() is made


def test_the_async_client_has_its_own_default(default_client_restored: None) -> None:
    aio = pytest.importorskip("openapi_client.aio")
    before = aio.ApiClient._default
    try:
        aio.ApiClient.set_default(None)
        made = aio.ApiClient.get_default()
        assert isinstance(made, aio.ApiClient) and aio.ApiClient.get_default() is made
        assert ApiClient.get_default() is not made and isinstance(ApiClient.get_default(), ApiClient)
    finally:
        aio.ApiClient.set_default(before)
