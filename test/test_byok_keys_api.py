"""ByokKeysApi against the emulator: every operation, filters, lifecycle and error statuses."""

from __future__ import annotations

import json
from typing import List

import pytest

import openapi_client
from openapi_client import (
    ByokKeysApi,
    ByokV1AwsKey,
    ByokV1AzureKey,
    ByokV1GcpKey,
    ByokV1Key,
    ByokV1KeyUpdate,
)
from openapi_client.testing import FakeConfluentCloud

AWS_ARN = "arn:aws:kms:us-west-2:037803949979:key/0e2609e3-a0bf-4f39-aedf-8b1f63b16d81"
AZURE = ByokV1AzureKey(
    key_id="https://vault-name.vault.azure.net/keys/key-name",
    key_vault_id="/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/vault-name",
    tenant_id="00000000-0000-0000-0000-000000000000",
)
GCP_ID = "projects/p/locations/us/keyRings/r/cryptoKeys/billing"


def register_three(byok: ByokKeysApi) -> List[ByokV1Key]:
    return [
        byok.create_byok_v1_key(ByokV1Key(key=ByokV1AwsKey(key_arn=AWS_ARN), display_name="billing aws")),
        byok.create_byok_v1_key(ByokV1Key(key=AZURE, display_name="billing azure")),
        byok.create_byok_v1_key(ByokV1Key(key=ByokV1GcpKey(key_id=GCP_ID), display_name="payments gcp")),
    ]


def test_create_fills_provider_state_and_server_side_key_fields(byok: ByokKeysApi, cloud: FakeConfluentCloud) -> None:
    created = byok.create_byok_v1_key_with_http_info(ByokV1Key(key=ByokV1AwsKey(key_arn=AWS_ARN), display_name="k"))
    assert created.status_code == 201
    key = created.data
    assert key.id is not None and key.id.startswith("cck-")
    assert (key.provider, key.state) == ("AWS", "AVAILABLE")
    assert key.key is not None
    aws = key.key.actual_instance
    assert isinstance(aws, ByokV1AwsKey) and aws.key_arn == AWS_ARN and aws.roles
    assert key.validation is not None and key.validation.since is not None
    assert json.loads(cloud.requests[-1].body) == {"key": {"key_arn": AWS_ARN, "kind": "AwsKey"}, "display_name": "k"}
    assert created.headers is not None and "X-RateLimit-Limit" in created.headers


def test_get_update_delete(byok: ByokKeysApi) -> None:
    key = byok.create_byok_v1_key(ByokV1Key(key=ByokV1GcpKey(key_id=GCP_ID)))
    assert key.id is not None
    fetched = byok.get_byok_v1_key(key.id)
    assert fetched.key is not None and isinstance(fetched.key.actual_instance, ByokV1GcpKey)
    assert fetched.key.actual_instance.security_group
    renamed = byok.update_byok_v1_key(key.id, ByokV1KeyUpdate(display_name="renamed"))
    assert renamed.display_name == "renamed"
    assert byok.get_byok_v1_key_with_http_info(key.id).data.display_name == "renamed"
    assert byok.delete_byok_v1_key_with_http_info(key.id).status_code == 204
    with pytest.raises(openapi_client.NotFoundException):
        byok.get_byok_v1_key(key.id)


def test_every_filter(byok: ByokKeysApi, cloud: FakeConfluentCloud) -> None:
    aws, azure, gcp = register_three(byok)
    assert aws.id and azure.id and gcp.id
    cloud.set_byok_state(azure.id, "IN_USE")
    cloud.set_byok_validation(gcp.id, "INVALID", message="Access to key denied.", region="europe-west1")
    cloud.set_byok_validation(aws.id, "VALID", region="us-west-2")

    def ids(**filters: str) -> set[str]:
        return {k.id or "" for k in byok.list_byok_v1_keys(**filters).data}  # type: ignore[arg-type]

    assert ids(provider="AWS") == {aws.id}
    assert ids(provider="Azure") == {azure.id}
    assert ids(state="IN_USE") == {azure.id}
    assert ids(state="AVAILABLE") == {aws.id, gcp.id}
    assert ids(display_name="billing") == {aws.id, azure.id}
    assert ids(validation_phase="INVALID") == {gcp.id}
    assert ids(validation_region="us-west-2") == {aws.id}
    assert ids(key="vault-name") == {azure.id}
    assert ids(key="0e2609e3") == {aws.id}
    assert ids(provider="GCP", display_name="payments") == {gcp.id}
    assert ids(provider="AWS", state="IN_USE") == set()


def test_iterator_yields_every_key(byok: ByokKeysApi) -> None:
    created = [byok.create_byok_v1_key(ByokV1Key(key=ByokV1GcpKey(key_id=f"{GCP_ID}-{i}"))).id for i in range(12)]
    assert [k.id for k in byok.iter_byok_v1_keys(page_size=5)] == created
    assert [len(p.data) for p in byok.iter_byok_v1_keys_pages(page_size=5)] == [5, 5, 2]


def test_registering_the_same_key_twice_conflicts(byok: ByokKeysApi) -> None:
    first = byok.create_byok_v1_key(ByokV1Key(key=ByokV1AwsKey(key_arn=AWS_ARN)))
    with pytest.raises(openapi_client.ConflictException) as info:
        byok.create_byok_v1_key(ByokV1Key(key=ByokV1AwsKey(key_arn=AWS_ARN)))
    assert info.value.status == 409
    assert info.value.location and info.value.location.endswith(f"/byok/v1/keys/{first.id}")


def test_a_key_in_use_cannot_be_deleted(byok: ByokKeysApi, cloud: FakeConfluentCloud) -> None:
    key = byok.create_byok_v1_key(ByokV1Key(key=AZURE))
    assert key.id is not None
    cloud.set_byok_state(key.id, "IN_USE")
    with pytest.raises(openapi_client.BadRequestException) as info:
        byok.delete_byok_v1_key(key.id)
    assert "use" in str(info.value).lower()
    assert byok.get_byok_v1_key(key.id).state == "IN_USE"


def test_missing_key_is_refused_before_sending(byok: ByokKeysApi, cloud: FakeConfluentCloud) -> None:
    before = len(cloud.requests)
    with pytest.raises(openapi_client.ApiValueError, match="'key'"):
        byok.create_byok_v1_key(ByokV1Key(display_name="no key"))
    with pytest.raises(openapi_client.ApiValueError, match="byok_v1_key"):
        byok.create_byok_v1_key({"key": {"kind": "AwsKey"}})  # type: ignore[arg-type]
    assert len(cloud.requests) == before


def test_unknown_key_kind_gets_a_422_from_the_service(byok: ByokKeysApi) -> None:
    body = ByokV1Key.from_dict({"key": {"kind": "OciKey", "vault": "v"}})
    assert body is not None
    with pytest.raises(openapi_client.UnprocessableEntityException) as info:
        byok.create_byok_v1_key(body)
    assert info.value.status == 422 and info.value.failure is not None


def test_bearer_token_authenticates_byok(cloud: FakeConfluentCloud) -> None:
    config = cloud.configuration(username=None, password=None)
    config.username = config.password = None
    config.access_token = cloud.access_token
    with openapi_client.ApiClient(config) as api_client:
        listing = ByokKeysApi(api_client).list_byok_v1_keys()
    assert listing.kind == "KeyList"
    assert cloud.requests[-1].headers.get("Authorization", "").startswith("Bearer ")


def test_per_call_auth_overrides_the_configuration(cloud: FakeConfluentCloud) -> None:
    config = cloud.configuration()
    with openapi_client.ApiClient(config) as api_client:
        api = ByokKeysApi(api_client)
        with pytest.raises(openapi_client.UnauthorizedException):
            api.list_byok_v1_keys(
                _request_auth={"in": "header", "type": "bearer", "key": "Authorization", "value": "Bearer wrong"}
            )
        assert api.list_byok_v1_keys().kind == "KeyList"


def test_validation_lifecycle_and_waiter() -> None:
    with FakeConfluentCloud(byok_validation_delay=0.2) as cloud, openapi_client.ApiClient(cloud.configuration()) as c:
        byok = ByokKeysApi(c)
        key = byok.create_byok_v1_key(ByokV1Key(key=ByokV1AwsKey(key_arn=AWS_ARN)))
        assert key.id is not None and key.validation is not None
        assert key.validation.phase == "INITIALIZING"
        valid = byok.wait_for_byok_v1_key(key.id, timeout=5, poll_interval=0.05)
        assert valid.validation is not None and valid.validation.phase == "VALID"
        polls = [r for r in cloud.requests if r.method == "GET" and r.path == f"/byok/v1/keys/{key.id}"]
        assert len(polls) >= 2


def test_waiter_raises_with_the_service_message_when_invalid(byok: ByokKeysApi, cloud: FakeConfluentCloud) -> None:
    key = byok.create_byok_v1_key(ByokV1Key(key=ByokV1GcpKey(key_id=GCP_ID)))
    assert key.id is not None
    cloud.set_byok_validation(key.id, "INVALID", message="Access to key denied.")
    with pytest.raises(openapi_client.KeyValidationFailedError, match="Access to key denied") as info:
        byok.wait_for_byok_v1_key(key.id, timeout=2, poll_interval=0.05)
    assert info.value.key.id == key.id


def test_waiter_times_out_while_initializing() -> None:
    with FakeConfluentCloud(byok_validation_delay=60) as cloud, openapi_client.ApiClient(cloud.configuration()) as c:
        byok = ByokKeysApi(c)
        key = byok.create_byok_v1_key(ByokV1Key(key=ByokV1AwsKey(key_arn=AWS_ARN)))
        assert key.id is not None
        with pytest.raises(openapi_client.WaiterTimeoutError, match=key.id):
            byok.wait_for_byok_v1_key(key.id, timeout=0.3, poll_interval=0.05)
