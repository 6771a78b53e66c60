"""Every refusal of the emulator, with its status and its Failure body.

Requests the SDK itself would refuse to send (page_size out of range, a body without an
owner) are made with plain urllib3, so the emulator's own checks are what is tested.
"""

from __future__ import annotations

import base64
import json
from importlib import resources
from typing import Any, Dict, Optional

import pytest
import urllib3

import openapi_client
from openapi_client import (
    ByokKeysApi,
    ByokV1Key,
    ByokV1KeyKey,
    Failure,
    IamApiKeysApi,
    IamV2ApiKey,
    IamV2ApiKeySpec,
    ObjectReference,
)
from openapi_client.testing import FakeConfluentCloud


def raw(
    cloud: FakeConfluentCloud,
    method: str,
    path: str,
    body: Optional[bytes] = None,
    *,
    auth: Optional[str] = "default",
    fields: Optional[Dict[str, str]] = None,
) -> urllib3.BaseHTTPResponse:
    headers = {"Content-Type": "application/json"}
    if auth == "default":
        token = base64.b64encode(f"{cloud.api_key}:{cloud.api_secret}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    elif auth is not None:
        headers["Authorization"] = auth
    return urllib3.request(method, cloud.host + path, body=body, headers=headers, fields=fields, retries=False)


def failure_of(response: urllib3.BaseHTTPResponse) -> Dict[str, Any]:
    """The single error of a Failure body, after checking the body is a valid Failure."""
    assert response.headers["Content-Type"] == "application/json"
    failure = Failure.from_json(response.data)
    assert len(failure.errors) == 1
    error = failure.errors[0]
    assert error.status == str(response.status)
    assert error.id == response.headers["X-Request-Id"]
    assert error.code and error.title and error.detail
    return json.loads(response.data)["errors"][0]  # type: ignore[no-any-return]


def owner_key() -> IamV2ApiKey:
    return IamV2ApiKey(spec=IamV2ApiKeySpec(owner=ObjectReference(id="sa-1")))


# -- 401 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/iam/v2/api-keys", "/byok/v1/keys"])
def test_missing_credentials_answer_401_with_a_basic_challenge(cloud: FakeConfluentCloud, path: str) -> None:
    response = raw(cloud, "GET", path, auth=None)

    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith('Basic realm="Confluent Cloud"')
    assert failure_of(response)["code"] == "user_unauthenticated"


@pytest.mark.parametrize(
    "authorization",
    ["Basic !!!notbase64", "Basic " + base64.b64encode(b"no-colon").decode(), "Digest abc", "Bearer"],
)
def test_malformed_credentials_answer_401(cloud: FakeConfluentCloud, authorization: str) -> None:
    response = raw(cloud, "GET", "/iam/v2/api-keys", auth=authorization)
    assert response.status == 401
    assert "WWW-Authenticate" in response.headers


def test_header_names_are_case_insensitive(cloud: FakeConfluentCloud) -> None:
    token = base64.b64encode(f"{cloud.api_key}:{cloud.api_secret}".encode()).decode()
    response = urllib3.request("GET", cloud.host + "/iam/v2/api-keys", headers={"AUTHORIZATION": f"basic {token}"})
    assert response.status == 200


def test_a_wrong_secret_is_refused_through_the_sdk(cloud: FakeConfluentCloud) -> None:
    with cloud.api_client(password="wrong", retries=False) as client:
        with pytest.raises(openapi_client.UnauthorizedException) as refused:
            IamApiKeysApi(client).list_iam_v2_api_keys()
        with pytest.raises(openapi_client.UnauthorizedException):
            ByokKeysApi(client).list_byok_v1_keys()

    assert refused.value.www_authenticate is not None
    assert 'error="invalid_key"' in refused.value.www_authenticate
    assert refused.value.errors[0].code == "user_unauthenticated"
    assert [r.status for r in cloud.requests] == [401, 401]


# -- 404 / 405 -----------------------------------------------------------------------------------


def test_unknown_ids_answer_404_with_a_failure(iam: IamApiKeysApi, byok: ByokKeysApi) -> None:
    for call in (
        lambda: iam.get_iam_v2_api_key("NOSUCHKEY0000000"),
        lambda: iam.delete_iam_v2_api_key("NOSUCHKEY0000000"),
        lambda: iam.update_iam_v2_api_key("NOSUCHKEY0000000"),
        lambda: byok.get_byok_v1_key("cck-zzzzz"),
        lambda: byok.update_byok_v1_key("cck-zzzzz"),
        lambda: byok.delete_byok_v1_key("cck-zzzzz"),
    ):
        with pytest.raises(openapi_client.NotFoundException) as missing:
            call()
        assert missing.value.errors[0].code == "resource_not_found"
        assert missing.value.request_id


def test_unknown_paths_and_methods(cloud: FakeConfluentCloud) -> None:
    unknown = raw(cloud, "GET", "/iam/v2/service-accounts")
    wrong_method = raw(cloud, "PUT", "/iam/v2/api-keys")
    nested = raw(cloud, "GET", "/byok/v1/keys/cck-1/extra")

    assert unknown.status == 404 and failure_of(unknown)["code"] == "not_found"
    assert nested.status == 404
    assert wrong_method.status == 405 and wrong_method.headers["Allow"] == "GET, POST"
    failure_of(wrong_method)


# -- 400 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("page_size", ["0", "101", "-5", "ten", "1.5", "", "9" * 5000])
@pytest.mark.parametrize("path", ["/iam/v2/api-keys", "/byok/v1/keys"])
def test_page_size_outside_1_to_100_or_not_an_integer_is_400(
    cloud: FakeConfluentCloud, path: str, page_size: str
) -> None:
    response = raw(cloud, "GET", path, fields={"page_size": page_size})

    assert response.status == 400
    assert failure_of(response)["source"] == {"parameter": "page_size"}


def test_page_size_bounds_are_accepted(cloud: FakeConfluentCloud) -> None:
    assert raw(cloud, "GET", "/iam/v2/api-keys", fields={"page_size": "1"}).status == 200
    assert raw(cloud, "GET", "/iam/v2/api-keys", fields={"page_size": "100"}).status == 200


@pytest.mark.parametrize("token", ["garbage!", "YWZ0ZXI6eA", "x" * 256])
def test_page_tokens_not_issued_by_the_service_are_400(cloud: FakeConfluentCloud, token: str) -> None:
    response = raw(cloud, "GET", "/iam/v2/api-keys", fields={"page_token": token})

    assert response.status == 400
    assert failure_of(response)["source"] == {"parameter": "page_token"}


def test_a_forged_token_is_refused_through_the_sdk_too(iam: IamApiKeysApi) -> None:
    with pytest.raises(openapi_client.BadRequestException) as refused:
        iam.list_iam_v2_api_keys(page_token="bm90LWEtdG9rZW4")
    error = refused.value.errors[0]
    assert error.code == "invalid_page_token" and error.source is not None
    assert error.source.parameter == "page_token"


def test_unknown_filters_are_400_naming_the_parameter(cloud: FakeConfluentCloud) -> None:
    response = raw(cloud, "GET", "/byok/v1/keys", fields={"num_doors": "4"})
    assert response.status == 400
    error = failure_of(response)
    assert (error["code"], error["source"]) == ("invalid_filter", {"parameter": "num_doors"})


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe"])
@pytest.mark.parametrize("path", ["/iam/v2/api-keys", "/byok/v1/keys"])
def test_a_body_that_is_not_json_is_400(cloud: FakeConfluentCloud, path: str, body: bytes) -> None:
    response = raw(cloud, "POST", path, body)
    assert response.status == 400
    assert failure_of(response)["code"] == "malformed_request"


# -- 422 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "document", "pointer"),
    [
        ("/iam/v2/api-keys", {}, "/spec"),
        ("/iam/v2/api-keys", {"spec": {"display_name": "x"}}, "/spec/owner"),
        ("/iam/v2/api-keys", {"spec": {"owner": {"id": "sa-1"}, "display_name": 123}}, "/spec/display_name"),
        ("/iam/v2/api-keys", {"spec": {"owner": {"id": ""}}}, "/spec/owner/id"),
        ("/iam/v2/api-keys", {"spec": {"owner": "sa-1"}}, "/spec/owner"),
        ("/iam/v2/api-keys", [1, 2], ""),
        ("/byok/v1/keys", {"display_name": "no key"}, "/key"),
        ("/byok/v1/keys", {"key": {"kind": "AwsKey"}}, "/key/key_arn"),
        ("/byok/v1/keys", {"key": {"kind": "AwsKey", "key_arn": " "}}, "/key/key_arn"),
        ("/byok/v1/keys", {"key": {"kind": "AzureKey", "key_id": "k", "tenant_id": "t"}}, "/key/key_vault_id"),
        ("/byok/v1/keys", {"key": {"kind": "GcpKey"}}, "/key/key_id"),
        ("/byok/v1/keys", {"key": {"key_id": "no kind"}}, "/key/kind"),
        ("/byok/v1/keys", {"key": {"kind": "OracleKey", "key_id": "k"}}, "/key/kind"),
        ("/byok/v1/keys", {"key": {"kind": "GcpKey", "key_id": "k"}, "display_name": ["x"]}, "/display_name"),
    ],
)
def test_invalid_bodies_are_422_pointing_at_the_field(
    cloud: FakeConfluentCloud, path: str, document: Any, pointer: str
) -> None:
    response = raw(cloud, "POST", path, json.dumps(document).encode())

    assert response.status == 422
    error = failure_of(response)
    assert error["code"] == "invalid_configuration"
    assert error["source"] == {"pointer": pointer}


@pytest.mark.parametrize("kind", [[], {}, 5, None])
def test_a_key_kind_of_the_wrong_type_is_422_not_a_crash(cloud: FakeConfluentCloud, kind: Any) -> None:
    response = raw(cloud, "POST", "/byok/v1/keys", json.dumps({"key": {"kind": kind, "key_id": "k"}}).encode())

    assert response.status == 422
    failure_of(response)


def test_invalid_updates_are_422(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    key_id = cloud.seed_api_keys(1)[0]
    response = raw(cloud, "PATCH", f"/iam/v2/api-keys/{key_id}", json.dumps({"spec": {"description": 5}}).encode())

    assert response.status == 422
    assert failure_of(response)["source"] == {"pointer": "/spec/description"}
    assert iam.get_iam_v2_api_key(key_id).spec.description == ""  # type: ignore[union-attr]


def test_an_unknown_key_kind_sent_by_the_sdk_is_422(byok: ByokKeysApi) -> None:
    future_key = ByokV1Key(key=ByokV1KeyKey.from_dict({"kind": "OracleKey", "key_ocid": "ocid1.key"}))

    with pytest.raises(openapi_client.UnprocessableEntityException) as refused:
        byok.create_byok_v1_key(future_key)

    error = refused.value.errors[0]
    assert error.source is not None and error.source.pointer == "/key/kind"
    assert "OracleKey" in (error.detail or "")


# -- 402 -----------------------------------------------------------------------------------------


def test_quotas_answer_402_until_room_is_made() -> None:
    with FakeConfluentCloud(api_key_quota=2, byok_key_quota=1) as cloud, cloud.api_client(retries=False) as client:
        iam, byok = IamApiKeysApi(client), ByokKeysApi(client)
        first = iam.create_iam_v2_api_key(owner_key())
        iam.create_iam_v2_api_key(owner_key())
        with pytest.raises(openapi_client.PaymentRequiredException) as over:
            iam.create_iam_v2_api_key(owner_key())
        assert over.value.errors[0].code == "quota_exceeded"
        assert "apikeys_per_org" in (over.value.errors[0].detail or "")

        assert first.id is not None
        iam.delete_iam_v2_api_key(first.id)
        assert iam.create_iam_v2_api_key(owner_key()).id

        byok.create_byok_v1_key(ByokV1Key(key=openapi_client.ByokV1GcpKey(key_id="projects/p/k1")))
        with pytest.raises(openapi_client.PaymentRequiredException):
            byok.create_byok_v1_key(ByokV1Key(key=openapi_client.ByokV1GcpKey(key_id="projects/p/k2")))


# -- the OpenAPI document -----------------------------------------------------------------------


def test_the_openapi_document_is_served_without_credentials(cloud: FakeConfluentCloud) -> None:
    response = raw(cloud, "GET", "/openapi.json", auth=None)
    packaged = resources.files("openapi_client").joinpath("openapi.json")

    if packaged.is_file():
        assert response.status == 200
        assert response.data == packaged.read_bytes()
        assert "/iam/v2/api-keys" in json.loads(response.data)["paths"]
    else:
        assert response.status == 404
        failure_of(response)
    assert raw(cloud, "POST", "/openapi.json", b"{}").status == 405


def test_a_null_resource_makes_a_cloud_api_key(cloud: FakeConfluentCloud) -> None:
    document = {"spec": {"owner": {"id": "sa-1"}, "resource": None}}
    response = raw(cloud, "POST", "/iam/v2/api-keys", json.dumps(document).encode())

    assert response.status == 202
    assert "resource" not in json.loads(response.data)["spec"]
