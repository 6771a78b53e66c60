"""The emulator's iam/v2 API keys, exercised through the SDK over real HTTP."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import List, Set
from urllib.parse import parse_qs, urlsplit

import pytest

import openapi_client
from openapi_client import (
    IamApiKeysApi,
    IamV2ApiKey,
    IamV2ApiKeySpec,
    IamV2ApiKeySpecUpdate,
    IamV2ApiKeyUpdate,
    NotFoundException,
    ObjectReference,
)
from openapi_client.testing import FakeConfluentCloud


def new_key(owner: str = "sa-abc123", resource: str | None = "lkc-xyz789", **spec: str) -> IamV2ApiKey:
    return IamV2ApiKey(
        spec=IamV2ApiKeySpec(
            owner=ObjectReference(id=owner),
            resource=ObjectReference(id=resource, environment="env-e1") if resource else None,
            **spec,
        )
    )


def all_ids(iam: IamApiKeysApi, **filters: str) -> List[str]:
    return [key.id for key in iam.iter_iam_v2_api_keys(page_size=100, **filters) if key.id]


def test_create_answers_202_with_ids_links_and_references_in_confluent_formats(
    iam: IamApiKeysApi, cloud: FakeConfluentCloud
) -> None:
    response = iam.create_iam_v2_api_key_with_http_info(new_key(display_name="ci", description="for CI"))

    assert response.status_code == 202
    key = response.data
    assert key.id is not None and re.fullmatch(r"[A-Z0-9]{16}", key.id)
    assert (key.api_version, key.kind) == ("iam/v2", "ApiKey")
    assert key.metadata is not None and key.spec is not None
    assert key.metadata.self_ == f"{cloud.host}/iam/v2/api-keys/{key.id}"
    assert response.headers["Location"] == key.metadata.self_
    assert key.metadata.resource_name is not None and key.metadata.resource_name.endswith(f"/api-key={key.id}")
    assert key.metadata.created_at is not None and key.metadata.created_at == key.metadata.updated_at
    assert key.spec.secret is not None
    assert re.fullmatch(r"[A-Za-z0-9+/]{64}", key.spec.secret.get_secret_value())
    owner, resource = key.spec.owner, key.spec.resource
    assert owner is not None and resource is not None
    assert owner.related == f"{cloud.host}/iam/v2/service-accounts/sa-abc123"
    assert owner.resource_name is not None and owner.resource_name.endswith("/service-account=sa-abc123")
    assert resource.related == f"{cloud.host}/cmk/v2/clusters/lkc-xyz789"
    assert resource.resource_name is not None
    assert resource.resource_name.endswith("/environment=env-e1/cloud-cluster=lkc-xyz789")
    assert (resource.api_version, resource.kind, resource.environment) == ("cmk/v2", "Cluster", "env-e1")
    assert "resources" not in json.loads(response.raw_data)["spec"]  # not in the official document
    assert (key.spec.display_name, key.spec.description) == ("ci", "for CI")


def test_user_owner_links_to_the_users_collection(iam: IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    key = iam.create_iam_v2_api_key(new_key(owner="u-a83k9b", resource=None))
    assert key.spec is not None and key.spec.owner is not None
    assert key.spec.owner.related == f"{cloud.host}/iam/v2/users/u-a83k9b"
    assert key.spec.resource is None


def test_the_secret_is_shown_by_create_only(iam: IamApiKeysApi) -> None:
    created = iam.create_iam_v2_api_key(new_key())
    assert created.id is not None

    fetched = iam.get_iam_v2_api_key_with_http_info(created.id)
    listed = iam.list_iam_v2_api_keys_with_http_info()

    assert fetched.data.spec is not None and fetched.data.spec.secret is None
    assert b"secret" not in fetched.raw_data and b"secret" not in listed.raw_data
    assert [k.id for k in listed.data.data] == [created.id]


def test_every_response_has_its_own_request_id(iam: IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    created = iam.create_iam_v2_api_key_with_http_info(new_key())
    assert created.data.id is not None
    fetched = iam.get_iam_v2_api_key_with_http_info(created.data.id)
    deleted = iam.delete_iam_v2_api_key_with_http_info(created.data.id)
    with pytest.raises(NotFoundException) as missing:
        iam.get_iam_v2_api_key(created.data.id)

    ids = [created.headers["X-Request-Id"], fetched.headers["X-Request-Id"], deleted.headers["X-Request-Id"]]
    ids.append(missing.value.request_id or "")
    assert all(ids) and len(set(ids)) == 4


def test_update_changes_display_name_and_description_only(iam: IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    created = iam.create_iam_v2_api_key(new_key(display_name="old", description="old text"))
    assert created.id is not None and created.metadata is not None

    renamed = iam.update_iam_v2_api_key(created.id, IamV2ApiKeyUpdate(spec=IamV2ApiKeySpecUpdate(display_name="new")))
    described = iam.update_iam_v2_api_key(
        created.id, IamV2ApiKeyUpdate(spec=IamV2ApiKeySpecUpdate(description="new text", owner={"id": "sa-other"}))
    )
    assert json.loads(cloud.requests[-1].body)["spec"]["owner"] == {"id": "sa-other"}

    assert renamed.spec is not None and (renamed.spec.display_name, renamed.spec.description) == ("new", "old text")
    assert described.spec is not None and described.spec.owner is not None
    assert (described.spec.display_name, described.spec.description) == ("new", "new text")
    assert described.spec.owner.id == "sa-abc123"
    assert described.metadata is not None and described.metadata.updated_at is not None
    assert created.metadata.created_at is not None
    assert described.metadata.updated_at >= created.metadata.created_at
    assert iam.get_iam_v2_api_key(created.id).spec == described.spec


def test_delete_answers_204_without_a_body_and_the_key_is_gone(iam: IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    created = iam.create_iam_v2_api_key(new_key())
    assert created.id is not None

    response = iam.delete_iam_v2_api_key_with_http_info(created.id)

    assert response.status_code == 204 and response.raw_data == b""
    with pytest.raises(NotFoundException):
        iam.get_iam_v2_api_key(created.id)
    with pytest.raises(NotFoundException):
        iam.delete_iam_v2_api_key(created.id)
    assert [r.status for r in cloud.requests[-3:]] == [204, 404, 404]


@pytest.mark.parametrize("resource", [None, "CLOUD", "cloud"])
def test_a_created_cloud_api_key_is_itself_a_valid_credential(
    iam: IamApiKeysApi, cloud: FakeConfluentCloud, resource: str | None
) -> None:
    created = iam.create_iam_v2_api_key(new_key(resource=resource))
    assert created.id is not None and created.spec is not None and created.spec.secret is not None

    config = cloud.configuration(username=created.id, password=created.spec.secret.get_secret_value())
    with openapi_client.ApiClient(config) as own_client:
        assert IamApiKeysApi(own_client).get_iam_v2_api_key(created.id).id == created.id
        assert openapi_client.ByokKeysApi(own_client).list_byok_v1_keys().data == []


@pytest.mark.parametrize("resource", ["lkc-xyz789", "lsrc-1", "lksqlc-1", "env-abc123.aws.us-east-2", "TABLEFLOW"])
def test_a_key_for_a_cluster_flink_or_tableflow_does_not_open_the_cloud_apis(
    iam: IamApiKeysApi, cloud: FakeConfluentCloud, resource: str
) -> None:
    created = iam.create_iam_v2_api_key(new_key(resource=resource))
    assert created.id is not None and created.spec is not None and created.spec.secret is not None

    config = cloud.configuration(username=created.id, password=created.spec.secret.get_secret_value(), retries=False)
    with openapi_client.ApiClient(config) as own_client:
        with pytest.raises(openapi_client.UnauthorizedException):
            IamApiKeysApi(own_client).get_iam_v2_api_key(created.id)
        with pytest.raises(openapi_client.UnauthorizedException):
            openapi_client.ByokKeysApi(own_client).list_byok_v1_keys()


def test_visibility_delay_hides_a_new_key_from_get_until_it_passes() -> None:
    with FakeConfluentCloud(api_key_visibility_delay=0.2) as cloud, cloud.api_client(retries=False) as client:
        iam = IamApiKeysApi(client)
        created = iam.create_iam_v2_api_key(new_key())
        assert created.id is not None
        with pytest.raises(NotFoundException):
            iam.get_iam_v2_api_key(created.id)

        found = iam.wait_for_iam_v2_api_key(created.id, timeout=5.0, poll_interval=0.05)

        assert found.id == created.id
        assert [r.status for r in cloud.requests if r.method == "GET"][-1] == 200


# -- pagination ------------------------------------------------------------------------------


def test_250_keys_come_in_pages_of_100_in_creation_order(iam: IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    seeded = cloud.seed_api_keys(250)

    pages = list(iam.iter_iam_v2_api_keys_pages(page_size=100))

    assert [len(page.data) for page in pages] == [100, 100, 50]
    assert [key.id for page in pages for key in page.data] == seeded
    assert pages[-1].metadata.next is None
    for page in pages[:-1]:
        link = page.metadata.next
        assert link is not None and link.startswith(f"{cloud.host}/iam/v2/api-keys?")
        query = parse_qs(urlsplit(link).query)
        assert query["page_size"] == ["100"] and len(query["page_token"]) == 1
    assert pages[0].metadata.first == f"{cloud.host}/iam/v2/api-keys?page_size=100"


def test_default_page_size_is_10_and_following_next_as_given_sees_every_key_once(
    iam: IamApiKeysApi, cloud: FakeConfluentCloud
) -> None:
    seeded = cloud.seed_api_keys(250)
    seen: List[str] = []
    page = iam.list_iam_v2_api_keys()
    page_count = 1
    while True:
        assert len(page.data) == 10
        seen.extend(key.id for key in page.data if key.id)
        if page.metadata.next is None:
            break
        token = parse_qs(urlsplit(page.metadata.next).query)["page_token"][0]
        page = iam.list_iam_v2_api_keys(page_token=token)
        page_count += 1

    assert page_count == 25
    assert seen == seeded


def test_paging_loses_and_repeats_nothing_while_keys_come_and_go(iam: IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    seeded = cloud.seed_api_keys(250)
    first = iam.list_iam_v2_api_keys(page_size=100)
    assert first.metadata.next is not None
    token = parse_qs(urlsplit(first.metadata.next).query)["page_token"][0]
    # Between pages: delete keys already seen and keys not reached yet, and add new ones.
    deleted_seen, deleted_ahead = seeded[:30], seeded[150:170]
    for key_id in deleted_seen + deleted_ahead:
        iam.delete_iam_v2_api_key(key_id)
    added = [iam.create_iam_v2_api_key(new_key()).id for _ in range(5)]

    rest: List[str] = []
    page = iam.list_iam_v2_api_keys(page_size=100, page_token=token)
    while True:
        rest.extend(key.id for key in page.data if key.id)
        if page.metadata.next is None:
            break
        token = parse_qs(urlsplit(page.metadata.next).query)["page_token"][0]
        page = iam.list_iam_v2_api_keys(page_size=100, page_token=token)

    seen = [key.id for key in first.data] + rest
    deleted: Set[str] = set(deleted_ahead)
    assert seen == seeded[:100] + [k for k in seeded[100:] if k not in deleted] + added
    assert len(seen) == len(set(seen))


def test_seeding_10000_keys_is_direct_and_they_page_like_created_ones(
    iam: IamApiKeysApi, cloud: FakeConfluentCloud
) -> None:
    seeded = cloud.seed_api_keys(10_000, owner="sa-bulk", resource=None, description="bulk")

    assert len(set(seeded)) == 10_000
    assert all(re.fullmatch(r"[A-Z0-9]{16}", key_id) for key_id in seeded[:50])
    page = iam.list_iam_v2_api_keys(page_size=100, spec_owner="sa-bulk")
    assert [key.id for key in page.data] == seeded[:100]
    sample = page.data[0].spec
    assert sample is not None and sample.description == "bulk" and sample.resource is None
    assert len(all_ids(iam)) == 10_000


# -- filters ---------------------------------------------------------------------------------


def test_owner_and_resource_filters_match_exactly_and_combine(iam: IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    a1 = cloud.seed_api_keys(3, owner="sa-a", resource="lkc-1")
    a2 = cloud.seed_api_keys(2, owner="sa-a", resource="lkc-2")
    b1 = cloud.seed_api_keys(4, owner="sa-b", resource="lkc-1")
    cloud_key = iam.create_iam_v2_api_key(new_key(owner="sa-a", resource=None)).id

    assert all_ids(iam, spec_owner="sa-a") == a1 + a2 + [cloud_key]
    assert all_ids(iam, spec_resource="lkc-1") == a1 + b1
    assert all_ids(iam, spec_owner="sa-a", spec_resource="lkc-2") == a2
    assert all_ids(iam, spec_owner="sa-") == []
    assert all_ids(iam, spec_resource="lkc-3") == []


def test_filters_survive_in_the_links_and_across_pages(iam: IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    cloud.seed_api_keys(15, owner="sa-other")
    mine = cloud.seed_api_keys(12, owner="sa-mine")

    first = iam.list_iam_v2_api_keys(spec_owner="sa-mine", page_size=5)
    assert first.metadata.next is not None
    assert parse_qs(urlsplit(first.metadata.next).query)["spec.owner"] == ["sa-mine"]
    assert [k.id for k in iam.iter_iam_v2_api_keys(spec_owner="sa-mine", page_size=5)] == mine
    assert cloud.requests[-1].query["spec.owner"] == ["sa-mine"]


def test_seeded_keys_can_be_backdated(iam: IamApiKeysApi, cloud: FakeConfluentCloud) -> None:
    long_ago = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    old = cloud.seed_api_keys(2, created_at=long_ago)
    new = cloud.seed_api_keys(1)

    keys = {key.id: key for key in iam.iter_iam_v2_api_keys()}

    assert [keys[key_id].metadata.created_at for key_id in old] == [long_ago, long_ago]  # type: ignore[union-attr]
    assert keys[new[0]].metadata.created_at > long_ago  # type: ignore[union-attr, operator]
