"""The emulator's byok/v1 keys: registration, lifecycle, filters and refusals, via the SDK."""

from __future__ import annotations

import re
from typing import List

import pytest
import urllib3

import openapi_client
from openapi_client import (
    BadRequestException,
    ByokKeysApi,
    ByokV1AwsKey,
    ByokV1AzureKey,
    ByokV1GcpKey,
    ByokV1Key,
    ByokV1KeyUpdate,
    ConflictException,
    KeyValidationFailedError,
    NotFoundException,
    UnauthorizedException,
)
from openapi_client.testing import FakeConfluentCloud

AWS_ARN = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
AZURE_KEY_ID = "https://billing-vault.vault.azure.net/keys/billing-key"
AZURE_VAULT = "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/billing-vault"
GCP_KEY_ID = "projects/demo/locations/europe-west1/keyRings/ring/cryptoKeys/payments/cryptoKeyVersions/3"


def named(key: ByokV1Key, name: str | None) -> ByokV1Key:
    if name is not None:
        key.display_name = name
    return key


def aws(arn: str = AWS_ARN, name: str | None = None) -> ByokV1Key:
    return named(ByokV1Key(key=ByokV1AwsKey(key_arn=arn)), name)


def azure(key_id: str = AZURE_KEY_ID, name: str | None = None) -> ByokV1Key:
    return named(ByokV1Key(key=ByokV1AzureKey(key_id=key_id, key_vault_id=AZURE_VAULT, tenant_id="tenant-1")), name)


def gcp(key_id: str = GCP_KEY_ID, name: str | None = None) -> ByokV1Key:
    return named(ByokV1Key(key=ByokV1GcpKey(key_id=key_id)), name)


def listed(byok: ByokKeysApi, **filters: str) -> List[str]:
    return [key.id for key in byok.iter_byok_v1_keys(page_size=100, **filters) if key.id]


def test_aws_key_is_created_with_201_location_and_server_set_fields(
    byok: ByokKeysApi, cloud: FakeConfluentCloud
) -> None:
    response = byok.create_byok_v1_key_with_http_info(aws(name="billing"))

    assert response.status_code == 201
    key = response.data
    assert key.id is not None and re.fullmatch(r"cck-[a-z0-9]{5}", key.id)
    assert (key.api_version, key.kind, key.display_name) == ("byok/v1", "Key", "billing")
    assert key.metadata is not None and key.metadata.self_ == f"{cloud.host}/byok/v1/keys/{key.id}"
    assert response.headers["Location"] == key.metadata.self_
    assert (key.provider, key.state) == ("AWS", "AVAILABLE")
    assert key.validation is not None and key.validation.phase == "INITIALIZING"
    assert key.validation.region is None
    assert key.key is not None
    variant = key.key.actual_instance
    assert isinstance(variant, ByokV1AwsKey) and variant.key_arn == AWS_ARN
    assert variant.roles and all(role.startswith("arn:aws:iam::") for role in variant.roles)
    for header in ("X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        assert response.headers[header]


def test_azure_and_gcp_keys_get_their_provider_and_server_set_fields(byok: ByokKeysApi) -> None:
    azure_key = byok.create_byok_v1_key(azure())
    gcp_key = byok.create_byok_v1_key(gcp())

    assert azure_key.provider == "Azure" and azure_key.key is not None
    azure_variant = azure_key.key.actual_instance
    assert isinstance(azure_variant, ByokV1AzureKey) and azure_variant.application_id
    assert gcp_key.provider == "GCP" and gcp_key.key is not None
    gcp_variant = gcp_key.key.actual_instance
    assert isinstance(gcp_variant, ByokV1GcpKey) and gcp_variant.security_group
    assert gcp_key.id is not None
    assert byok.get_byok_v1_key(gcp_key.id).validation.region == "europe-west1"  # type: ignore[union-attr]


def test_rate_limit_remaining_counts_down(byok: ByokKeysApi) -> None:
    first = byok.list_byok_v1_keys_with_http_info()
    second = byok.list_byok_v1_keys_with_http_info()
    assert int(second.headers["X-RateLimit-Remaining"]) == int(first.headers["X-RateLimit-Remaining"]) - 1
    assert int(first.headers["X-RateLimit-Limit"]) > int(first.headers["X-RateLimit-Remaining"])


def test_validation_goes_from_initializing_to_valid_after_the_delay() -> None:
    with FakeConfluentCloud(byok_validation_delay=0.2) as cloud, cloud.api_client(retries=False) as client:
        byok = ByokKeysApi(client)
        created = byok.create_byok_v1_key(aws())
        assert created.id is not None and created.validation is not None
        still = byok.get_byok_v1_key(created.id)
        assert still.validation is not None and still.validation.phase == "INITIALIZING"
        assert listed(byok, validation_phase="INITIALIZING") == [created.id]

        valid = byok.wait_for_byok_v1_key(created.id, timeout=5.0, poll_interval=0.05)

        assert valid.validation is not None and valid.validation.phase == "VALID"
        assert valid.validation.region == "us-west-2"
        assert valid.validation.since > created.validation.since
        assert listed(byok, validation_phase="VALID") == [created.id]


def test_forced_invalid_validation_reaches_the_waiter_with_its_message(
    byok: ByokKeysApi, cloud: FakeConfluentCloud
) -> None:
    created = byok.create_byok_v1_key(aws())
    assert created.id is not None
    cloud.set_byok_validation(created.id, "INVALID", message="Access to key denied.")

    with pytest.raises(KeyValidationFailedError) as failed:
        byok.wait_for_byok_v1_key(created.id, timeout=2.0, poll_interval=0.05)

    assert "Access to key denied." in str(failed.value)
    key = byok.get_byok_v1_key(created.id)
    assert key.validation is not None and (key.validation.phase, key.validation.region) == ("INVALID", None)
    with pytest.raises(KeyError):
        cloud.set_byok_validation("cck-nope0", "VALID")


def test_update_renames_and_ignores_read_only_fields(byok: ByokKeysApi) -> None:
    created = byok.create_byok_v1_key(aws(name="before"))
    assert created.id is not None

    updated = byok.update_byok_v1_key(created.id, ByokV1KeyUpdate(display_name="after", provider="GCP", state="IN_USE"))

    assert (updated.display_name, updated.provider, updated.state) == ("after", "AWS", "AVAILABLE")
    assert byok.get_byok_v1_key(created.id).display_name == "after"


def test_registering_the_same_key_twice_is_a_conflict_pointing_at_the_first(
    byok: ByokKeysApi, cloud: FakeConfluentCloud
) -> None:
    first_aws = byok.create_byok_v1_key(aws())
    first_gcp = byok.create_byok_v1_key(gcp())
    assert first_aws.metadata is not None and first_gcp.metadata is not None

    with pytest.raises(ConflictException) as aws_conflict:
        byok.create_byok_v1_key(aws(name="again"))
    with pytest.raises(ConflictException) as gcp_conflict:
        byok.create_byok_v1_key(gcp())

    assert aws_conflict.value.headers["Location"] == first_aws.metadata.self_
    assert gcp_conflict.value.headers["Location"] == first_gcp.metadata.self_
    assert aws_conflict.value.errors[0].code == "resource_already_exists"
    assert listed(byok) == [first_aws.id, first_gcp.id]


def test_a_key_in_use_cannot_be_deleted(byok: ByokKeysApi, cloud: FakeConfluentCloud) -> None:
    created = byok.create_byok_v1_key(aws())
    assert created.id is not None
    cloud.set_byok_state(created.id, "IN_USE")

    with pytest.raises(BadRequestException) as refused:
        byok.delete_byok_v1_key(created.id)

    assert refused.value.errors[0].status == "400"
    assert byok.get_byok_v1_key(created.id).state == "IN_USE"
    cloud.set_byok_state(created.id, "AVAILABLE")
    assert byok.delete_byok_v1_key_with_http_info(created.id).status_code == 204
    with pytest.raises(NotFoundException):
        byok.get_byok_v1_key(created.id)


def test_every_byok_filter(byok: ByokKeysApi, cloud: FakeConfluentCloud) -> None:
    billing = byok.create_byok_v1_key(aws(name="Billing cluster key")).id
    orders = byok.create_byok_v1_key(aws(arn="arn:aws:kms:eu-central-1:111122223333:key/orders", name="orders")).id
    vault = byok.create_byok_v1_key(azure(name="vault key")).id
    payments = byok.create_byok_v1_key(gcp(name="Payments")).id
    assert billing and orders and vault and payments
    cloud.set_byok_state(orders, "IN_USE")
    cloud.set_byok_validation(vault, "INVALID", message="denied")

    assert listed(byok, provider="AWS") == [billing, orders]
    assert listed(byok, provider="Azure") == [vault]
    # The service spells a provider AZURE in some answers: the filter takes any case.
    assert listed(byok, provider="aws") == [billing, orders]
    assert listed(byok, provider="AZURE") == [vault]
    assert listed(byok, provider="Amazon") == []
    assert listed(byok, state="IN_USE") == [orders]
    assert listed(byok, state="AVAILABLE") == [billing, vault, payments]
    assert listed(byok, validation_phase="INVALID") == [vault]
    assert listed(byok, validation_phase="VALID") == [billing, orders, payments]
    assert listed(byok, validation_region="eu-central-1") == [orders]
    assert listed(byok, validation_region="eu-central") == []
    assert listed(byok, display_name="key") == [billing, vault]
    assert listed(byok, display_name="PAYMENTS") == [payments]
    assert listed(byok, key="1234abcd") == [billing]
    assert listed(byok, key="billing-vault") == [vault]
    assert listed(byok, key="cryptoKeys/payments") == [payments]
    assert listed(byok, provider="AWS", state="AVAILABLE", display_name="billing") == [billing]


def test_byok_pages_follow_creation_order(byok: ByokKeysApi, cloud: FakeConfluentCloud) -> None:
    created = [byok.create_byok_v1_key(aws(arn=f"arn:aws:kms:us-east-1:1:key/k{n}")).id for n in range(23)]

    pages = list(byok.iter_byok_v1_keys_pages())

    assert [len(page.data) for page in pages] == [10, 10, 3]
    assert [key.id for page in pages for key in page.data] == created
    assert pages[0].metadata.next is not None and pages[0].metadata.next.startswith(f"{cloud.host}/byok/v1/keys?")


def test_both_apis_accept_the_bearer_token(cloud: FakeConfluentCloud) -> None:
    config = cloud.configuration(username=None, password=None, access_token=cloud.access_token)
    config.username = config.password = None
    with openapi_client.ApiClient(config) as client:
        assert ByokKeysApi(client).list_byok_v1_keys().data == []
    assert cloud.requests[0].headers["Authorization"] == "Bearer ***"  # the log never keeps credentials
    iam = urllib3.request(
        "GET", f"{cloud.host}/iam/v2/api-keys", headers={"Authorization": f"Bearer {cloud.access_token}"}
    )
    assert iam.status == 200

    wrong = cloud.configuration(access_token="not-the-token")
    wrong.username = wrong.password = None
    with openapi_client.ApiClient(wrong) as client, pytest.raises(UnauthorizedException) as refused:
        ByokKeysApi(client).list_byok_v1_keys()
    assert (refused.value.www_authenticate or "").startswith('Bearer error="invalid_token"')
