"""IamApiKeysApi against the emulator: every operation, its variants and its error statuses."""

from __future__ import annotations

import json

import pytest

import openapi_client
from openapi_client import (
    ApiResponse,
    IamApiKeysApi,
    IamV2ApiKey,
    IamV2ApiKeySpec,
    IamV2ApiKeySpecUpdate,
    IamV2ApiKeyUpdate,
    ObjectReference,
)
from openapi_client.rest import RESTResponse
from openapi_client.testing import FakeConfluentCloud


def new_key(owner: str = "sa-r7d2m1", resource: str | None = "lkc-c29js0", name: str = "ci") -> IamV2ApiKey:
    return IamV2ApiKey(
        spec=IamV2ApiKeySpec(
            owner=ObjectReference(id=owner),
            resource=ObjectReference(id=resource) if resource else None,
            display_name=name,
            description="made by the test suite",
        )
    )


def test_create_returns_the_secret_once_and_sends_no_read_only_fields(
    iam: IamApiKeysApi, cloud: FakeConfluentCloud
) -> None:
    created = iam.create_iam_v2_api_key_with_http_info(new_key())
    assert created.status_code == 202
    key = created.data
    assert key.id and key.spec is not None and key.spec.secret is not None
    assert len(key.spec.secret.get_secret_value()) >= 32
    assert key.spec.owner is not None and key.spec.owner.related  # the server fills read-only fields in
    assert created.headers is not None and created.headers.get("Location", "").endswith(f"/iam/v2/api-keys/{key.id}")
    assert created.request_id

    sent = json.loads(cloud.requests[-1].body)
    assert sent == {
        "spec": {
            "owner": {"id": "sa-r7d2m1"},
            "resource": {"id": "lkc-c29js0"},
            "display_name": "ci",
            "description": "made by the test suite",
        }
    }
    fetched = iam.get_iam_v2_api_key(key.id)
    assert fetched.spec is not None and fetched.spec.secret is None
    assert fetched.spec.display_name == "ci"


def test_get_update_delete_lifecycle(iam: IamApiKeysApi) -> None:
    key = iam.create_iam_v2_api_key(new_key())
    assert key.id is not None
    updated = iam.update_iam_v2_api_key(
        key.id, IamV2ApiKeyUpdate(spec=IamV2ApiKeySpecUpdate(display_name="renamed", description="new words"))
    )
    assert updated.spec is not None
    assert (updated.spec.display_name, updated.spec.description) == ("renamed", "new words")
    again = iam.get_iam_v2_api_key_with_http_info(key.id)
    assert again.status_code == 200 and again.data.spec is not None
    assert again.data.spec.display_name == "renamed"

    deleted = iam.delete_iam_v2_api_key_with_http_info(key.id)
    assert deleted.status_code == 204 and deleted.data is None
    with pytest.raises(openapi_client.NotFoundException) as info:
        iam.get_iam_v2_api_key(key.id)
    assert info.value.status == 404
    assert info.value.request_id
    assert info.value.failure is not None and info.value.failure.errors


def test_plain_delete_returns_none(iam: IamApiKeysApi) -> None:
    key = iam.create_iam_v2_api_key(new_key())
    assert key.id is not None
    assert iam.delete_iam_v2_api_key(key.id) is None
    with pytest.raises(openapi_client.NotFoundException):
        iam.delete_iam_v2_api_key(key.id)


def test_list_filters_by_owner_and_resource(iam: IamApiKeysApi) -> None:
    iam.create_iam_v2_api_key(new_key(owner="sa-1", resource="lkc-1"))
    iam.create_iam_v2_api_key(new_key(owner="sa-1", resource="lkc-2"))
    iam.create_iam_v2_api_key(new_key(owner="sa-2", resource="lkc-1"))
    iam.create_iam_v2_api_key(new_key(owner="u-9", resource=None))

    def owners(page: openapi_client.IamV2ApiKeyList) -> set[tuple[str, str | None]]:
        found = set()
        for key in page.data:
            assert key.spec is not None and key.spec.owner is not None
            found.add((key.spec.owner.id, key.spec.resource.id if key.spec.resource else None))
        return found

    assert owners(iam.list_iam_v2_api_keys(spec_owner="sa-1")) == {("sa-1", "lkc-1"), ("sa-1", "lkc-2")}
    assert owners(iam.list_iam_v2_api_keys(spec_resource="lkc-1")) == {("sa-1", "lkc-1"), ("sa-2", "lkc-1")}
    assert owners(iam.list_iam_v2_api_keys(spec_owner="sa-2", spec_resource="lkc-1")) == {("sa-2", "lkc-1")}
    everything = iam.list_iam_v2_api_keys(page_size=100)
    assert len(everything.data) == 4
    assert everything.api_version == "iam/v2" and everything.kind == "ApiKeyList"


def test_list_sends_spec_filters_under_their_wire_names(iam: IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    iam.list_iam_v2_api_keys(spec_owner="sa-1", spec_resource="lkc-1", page_size=5)
    request = cloud.requests[-1]
    assert request.path == "/iam/v2/api-keys"
    assert request.query == {"spec.owner": ["sa-1"], "spec.resource": ["lkc-1"], "page_size": ["5"]}


def test_list_pages_follow_the_next_link(iam: IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    ids = cloud.seed_api_keys(25, owner="sa-pager")
    first = iam.list_iam_v2_api_keys(page_size=10)
    assert len(first.data) == 10 and first.metadata.next
    seen = [k.id for page in iam.iter_iam_v2_api_keys_pages(page_size=10) for k in page.data]
    assert seen == ids
    assert [k.id for k in iam.iter_iam_v2_api_keys(spec_owner="sa-pager", page_size=7)] == ids


def test_without_preload_content_returns_the_unread_response(iam: IamApiKeysApi) -> None:
    key = iam.create_iam_v2_api_key(new_key())
    assert key.id is not None
    raw = iam.get_iam_v2_api_key_without_preload_content(key.id)
    assert isinstance(raw, RESTResponse)
    assert raw.status == 200 and raw.data is None
    body = json.loads(raw.read())
    assert body["id"] == key.id
    for call in (
        lambda: iam.list_iam_v2_api_keys_without_preload_content(page_size=1),
        lambda: iam.create_iam_v2_api_key_without_preload_content(new_key(name="raw")),
        lambda: iam.update_iam_v2_api_key_without_preload_content(
            key.id or "", IamV2ApiKeyUpdate(spec=IamV2ApiKeySpecUpdate(display_name="x"))
        ),
        lambda: iam.delete_iam_v2_api_key_without_preload_content(key.id or ""),
    ):
        response = call()
        assert response.status in (200, 202, 204)
        response.read()


def test_http_info_variants_carry_status_headers_and_raw_bytes(iam: IamApiKeysApi) -> None:
    listing = iam.list_iam_v2_api_keys_with_http_info()
    assert isinstance(listing, ApiResponse)
    assert listing.status_code == 200
    assert json.loads(listing.raw_data)["kind"] == "ApiKeyList"
    assert listing.headers is not None and listing.headers["X-Request-Id"]


def test_wrong_credentials_raise_unauthorized_with_challenge(cloud: FakeConfluentCloud) -> None:
    config = cloud.configuration(username="WRONGKEY", password="nope")
    with openapi_client.ApiClient(config) as api_client, pytest.raises(openapi_client.UnauthorizedException) as info:
        IamApiKeysApi(api_client).list_iam_v2_api_keys()
    assert info.value.status == 401
    assert info.value.www_authenticate
    assert "nope" not in str(info.value)
    assert "Authorization" not in info.value.headers or info.value.headers["Authorization"] == "<redacted>"


def test_missing_owner_is_refused_client_side_and_invalid_bodies_server_side(
    iam: IamApiKeysApi, cloud: FakeConfluentCloud
) -> None:
    before = len(cloud.requests)
    with pytest.raises(openapi_client.ApiValueError, match=r"spec\.owner"):
        iam.create_iam_v2_api_key(IamV2ApiKey(spec=IamV2ApiKeySpec(display_name="orphan")))
    assert len(cloud.requests) == before
    # A raw request the SDK would never send still gets the service's 422.
    with openapi_client.ApiClient(cloud.configuration()) as api_client:
        method, url, headers, _ = api_client.param_serialize(
            "POST",
            "/iam/v2/api-keys",
            auth_settings=["cloud-api-key"],
            header_params={"Content-Type": "application/json"},
        )
        response = api_client.call_api(method, url, headers, body=b'{"spec": {"display_name": "x"}}')
        with pytest.raises(openapi_client.UnprocessableEntityException) as info:
            api_client.response_deserialize(response, {"202": IamV2ApiKey})
    assert info.value.failure is not None
    assert "owner" in (info.value.errors[0].detail or "") + str(info.value.errors[0].source)


def test_quota_exceeded_raises_payment_required() -> None:
    with FakeConfluentCloud(api_key_quota=1) as cloud, openapi_client.ApiClient(cloud.configuration()) as api_client:
        api = IamApiKeysApi(api_client)
        api.create_iam_v2_api_key(new_key())
        with pytest.raises(openapi_client.PaymentRequiredException) as info:
            api.create_iam_v2_api_key(new_key(name="second"))
    assert info.value.status == 402
    assert "quota" in str(info.value).lower()


@pytest.mark.parametrize(
    ("status", "exception"),
    [
        (400, openapi_client.BadRequestException),
        (403, openapi_client.ForbiddenException),
        (409, openapi_client.ConflictException),
        (500, openapi_client.ServiceException),
    ],
)
def test_error_statuses_map_to_their_exception(
    cloud: FakeConfluentCloud, status: int, exception: type[openapi_client.ApiException]
) -> None:
    with openapi_client.ApiClient(cloud.configuration(retries=False)) as api_client:
        cloud.fail_next(status=status, path="/iam/v2/api-keys")
        with pytest.raises(exception) as info:
            IamApiKeysApi(api_client).list_iam_v2_api_keys()
    assert info.value.status == status
    assert isinstance(info.value, openapi_client.ApiException)
    assert info.value.request_id and info.value.request_id in str(info.value)
    assert "\n" not in str(info.value)


def test_an_undocumented_success_status_still_decodes_the_model(iam: IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    owner = {"id": "sa-1", "related": "https://x/sa-1", "resource_name": "crn://x/sa-1"}
    body = json.dumps({"id": "K200", "spec": {"owner": owner, "secret": "s"}}).encode()
    cloud.respond_next(status=200, body=body, method="POST")
    created = iam.create_iam_v2_api_key_with_http_info(new_key())
    assert created.status_code == 200  # the spec says 202; a 200 is no reason to lose the key
    assert isinstance(created.data, IamV2ApiKey) and created.data.id == "K200"


def test_renaming_to_a_name_the_owner_already_uses_is_a_conflict_sent_once(
    iam: IamApiKeysApi, cloud: FakeConfluentCloud
) -> None:
    taken = iam.create_iam_v2_api_key(new_key(name="ci"))
    other = iam.create_iam_v2_api_key(new_key(name="other"))
    cloud.clear_requests()
    rename = IamV2ApiKeyUpdate(spec=IamV2ApiKeySpecUpdate(display_name="ci"))
    with pytest.raises(openapi_client.ConflictException) as info:
        iam.update_iam_v2_api_key(other.id, rename)
    assert info.value.status == 409
    assert info.value.headers is not None and info.value.headers["Location"].endswith(f"/iam/v2/api-keys/{taken.id}")
    assert info.value.failure is not None and info.value.failure.errors[0].code == "resource_already_exists"
    assert [r.method for r in cloud.requests] == ["PATCH"]  # a conflict is not retried
    assert iam.get_iam_v2_api_key(other.id).spec.display_name == "other"
