"""The return type of every operation and helper, pinned for mypy and pyright (``assert_type``)
and checked at run time against the emulator (``type(...) is``).

Part of the typing corpus (tools/typecheck.py): a changed return type fails ``./dev typecheck``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Iterator, List, Optional

from pydantic import SecretStr
from typing_extensions import assert_type

import openapi_client
from openapi_client import ApiResponse, ByokV1Key, ByokV1KeyKey, IamV2ApiKey
from openapi_client.models.byok_v1_key_key import AnyKeyVariant
from openapi_client.models.byok_v1_key_list import ByokV1KeyList
from openapi_client.models.enums import ByokKeyState, ByokProvider, ByokValidationPhase
from openapi_client.models.iam_v2_api_key_list import IamV2ApiKeyList
from openapi_client.models.request_dicts import ByokV1KeyDict
from openapi_client.models.responses import (
    ByokV1KeyCreated,
    ByokV1KeyListItem,
    ByokV1KeyRead,
    GlobalObjectReferenceRead,
    IamV2ApiKeyCreated,
    IamV2ApiKeyListItem,
    IamV2ApiKeyRead,
    ObjectReferenceRead,
)
from openapi_client.rest import RESTResponse
from openapi_client.testing import FakeConfluentCloud
from openapi_client.workflows import (
    ApiKeyKind,
    KeyHandover,
    KeySelection,
    LeaseOptions,
    Outcome,
    RotationResult,
    RotationSummary,
    Usability,
    UsabilityOptions,
    api_key_kind,
    key_age,
    older_than,
    rotate_api_key,
    rotate_api_keys,
    wait_for_byok_access,
    wait_until_usable,
)


def test_iam_operations(fake_confluent_cloud: FakeConfluentCloud) -> None:
    with fake_confluent_cloud.api_client() as api_client:
        api = openapi_client.IamApiKeysApi(api_client)

        created = assert_type(api.create_iam_v2_api_key({"spec": {"owner": {"id": "sa-1"}}}), IamV2ApiKeyCreated)
        assert type(created) is IamV2ApiKeyCreated
        assert_type(created.id, str)
        assert_type(created.spec.secret, SecretStr)
        assert_type(created.spec.owner, GlobalObjectReferenceRead)
        assert_type(created.spec.owner.resource_name, str)
        assert_type(created.spec.resource, Optional[ObjectReferenceRead])
        info = api.create_iam_v2_api_key_with_http_info(IamV2ApiKey.from_dict({"spec": {"owner": {"id": "sa-1"}}}))
        assert_type(info, ApiResponse[IamV2ApiKeyCreated])
        assert type(assert_type(info.data, IamV2ApiKeyCreated)) is IamV2ApiKeyCreated

        read = assert_type(api.get_iam_v2_api_key(created.id), IamV2ApiKeyRead)
        assert type(read) is IamV2ApiKeyRead
        assert_type((read.id, read.kind, read.api_version), tuple[str, str, str])
        assert_type(read.spec.owner.id, str)
        assert_type(read.spec.secret, Optional[SecretStr])
        assert type(api.get_iam_v2_api_key_with_http_info(read.id).data) is IamV2ApiKeyRead
        assert_type(api.get_iam_v2_api_key_with_http_info(read.id).data, IamV2ApiKeyRead)
        assert type(assert_type(api.get_iam_v2_api_key_without_preload_content(read.id), RESTResponse)) is RESTResponse
        waited = assert_type(api.wait_for_iam_v2_api_key(read.id, timeout=5, poll_interval=0.05), IamV2ApiKeyRead)
        assert type(waited) is IamV2ApiKeyRead

        updated = api.update_iam_v2_api_key(read.id, {"spec": {"display_name": "renamed"}})
        assert type(assert_type(updated, IamV2ApiKeyRead)) is IamV2ApiKeyRead
        assert_type(api.update_iam_v2_api_key_with_http_info(read.id).data, IamV2ApiKeyRead)
        assert_type(api.update_iam_v2_api_key_without_preload_content(read.id), RESTResponse)

        page = assert_type(api.list_iam_v2_api_keys(page_size=1), IamV2ApiKeyList)
        assert type(page.data[0]) is IamV2ApiKeyListItem
        assert_type(page.data[0], IamV2ApiKeyListItem)
        assert_type(page.data[0].metadata.self_, str)
        assert_type(page.data[0].metadata.created_at is None, bool)
        assert_type(page.metadata.next, Optional[str])
        assert_type(api.list_iam_v2_api_keys_with_http_info().data, IamV2ApiKeyList)
        assert_type(api.list_iam_v2_api_keys_without_preload_content(), RESTResponse)
        pages = assert_type(api.iter_iam_v2_api_keys_pages(page_size=1), Iterator[IamV2ApiKeyList])
        assert all(type(p) is IamV2ApiKeyList for p in pages)
        items = assert_type(api.iter_iam_v2_api_keys(), Iterator[IamV2ApiKeyListItem])
        assert all(type(item) is IamV2ApiKeyListItem for item in items)

        spare = api.create_iam_v2_api_key({"spec": {"owner": {"id": "sa-1"}, "resource": None}})
        assert_type(api.delete_iam_v2_api_key(read.id), None)
        assert_type(api.delete_iam_v2_api_key_with_http_info(info.data.id), ApiResponse[None])
        assert assert_type(api.delete_iam_v2_api_key_without_preload_content(spare.id), RESTResponse).status == 204


def test_byok_operations(fake_confluent_cloud: FakeConfluentCloud) -> None:
    with fake_confluent_cloud.api_client() as api_client:
        api = openapi_client.ByokKeysApi(api_client)
        body = ByokV1Key(key=openapi_client.ByokV1GcpKey(key_id="projects/p/locations/l/keyRings/r/cryptoKeys/k"))

        created = assert_type(api.create_byok_v1_key(body), ByokV1KeyCreated)
        assert type(created) is ByokV1KeyCreated
        assert_type(created.key, ByokV1KeyKey)
        assert_type(created.key.actual_instance, AnyKeyVariant)
        assert_type(created.validation, Optional[openapi_client.ByokV1KeyValidation])
        second: ByokV1KeyDict = {"key": {"kind": "AwsKey", "key_arn": "arn:aws:kms:us-west-2:1:key/k"}}
        assert_type(api.create_byok_v1_key_with_http_info(second).data, ByokV1KeyCreated)
        third = ByokV1Key(key=openapi_client.ByokV1AwsKey(key_arn="arn:aws:kms:us-west-2:1:key/other"))
        assert_type(api.create_byok_v1_key_without_preload_content(third), RESTResponse)

        read = assert_type(api.get_byok_v1_key(created.id), ByokV1KeyRead)
        assert type(read) is ByokV1KeyRead
        assert_type(read.provider, ByokProvider)
        assert_type(read.state, ByokKeyState)
        assert_type(read.validation.phase, ByokValidationPhase)
        assert_type(api.get_byok_v1_key_with_http_info(read.id).data, ByokV1KeyRead)
        assert_type(api.get_byok_v1_key_without_preload_content(read.id), RESTResponse)
        waited = assert_type(api.wait_for_byok_v1_key(read.id, timeout=5, poll_interval=0.05), ByokV1KeyRead)
        assert type(waited) is ByokV1KeyRead

        updated = assert_type(api.update_byok_v1_key(read.id, {"display_name": "renamed"}), ByokV1KeyRead)
        assert type(updated) is ByokV1KeyRead
        assert_type(api.update_byok_v1_key_with_http_info(read.id).data, ByokV1KeyRead)
        assert_type(api.update_byok_v1_key_without_preload_content(read.id), RESTResponse)

        page = assert_type(api.list_byok_v1_keys(), ByokV1KeyList)
        assert type(assert_type(page.data[0], ByokV1KeyListItem)) is ByokV1KeyListItem
        assert_type(api.list_byok_v1_keys_with_http_info().data, ByokV1KeyList)
        assert_type(api.list_byok_v1_keys_without_preload_content(), RESTResponse)
        assert_type(api.iter_byok_v1_keys_pages(), Iterator[ByokV1KeyList])
        items = assert_type(api.iter_byok_v1_keys(), Iterator[ByokV1KeyListItem])
        assert all(type(item) is ByokV1KeyListItem for item in items)

        assert_type(api.delete_byok_v1_key(read.id), None)
        other = next(key.id for key in page.data if key.id != read.id)
        assert_type(api.delete_byok_v1_key_with_http_info(other), ApiResponse[None])


def test_workflow_helpers(fake_confluent_cloud: FakeConfluentCloud) -> None:
    with fake_confluent_cloud.api_client() as api_client:
        iam = openapi_client.IamApiKeysApi(api_client)
        created = iam.create_iam_v2_api_key({"spec": {"owner": {"id": "sa-1"}, "resource": {"id": "CLOUD"}}})
        assert assert_type(api_key_kind(created), ApiKeyKind) is ApiKeyKind.CLOUD
        usable = assert_type(wait_until_usable(api_client, created, timeout=5, poll_interval=0.05), Usability)
        assert usable.key_id == created.id
        listed = list(iam.iter_iam_v2_api_keys())
        assert_type(key_age(listed[0]), Optional[dt.timedelta])
        assert_type(list(older_than(listed, dt.timedelta(days=1))), List[IamV2ApiKeyListItem])
        handed: List[str] = []
        plan = rotate_api_key(api_client, created.id, handover=lambda key, secret: handed.append(key), dry_run=True)
        assert type(assert_type(plan, RotationResult)) is RotationResult and not handed
        selection = KeySelection(owner="sa-1")
        summary = rotate_api_keys(api_client, selection, handover=lambda key, secret: None, dry_run=True)
        assert type(assert_type(summary, RotationSummary)) is RotationSummary

        # The predicate sees listed keys: owner and metadata need no None checks.
        picky = KeySelection(predicate=lambda key: key.spec.owner.id == "sa-1" and key.metadata.created_at is not None)
        stored: Dict[str, str] = {}

        def store(new: KeyHandover) -> None:  # the whole handover, typed
            assert_type(new.old_key_id, str)
            assert_type(new.resource_id, Optional[str])
            stored[new.new_key_id] = new.secret

        fast = LeaseOptions(duration=60, read_lag=0, write_window=0.5, step_margin=5)
        rotated = rotate_api_keys(
            api_client, picky, handover=store, lease=fast, usability=UsabilityOptions(enabled=False)
        )
        assert [r.outcome for r in rotated.results] == [Outcome.ROTATED] and len(stored) == 1

        byok = openapi_client.ByokKeysApi(api_client)
        registered = byok.create_byok_v1_key({"key": {"kind": "AwsKey", "key_arn": "arn:aws:kms:us-west-2:1:key/w"}})
        fake_confluent_cloud.grant_byok_access(registered.id)
        valid = wait_for_byok_access(api_client, registered.id, timeout=5, poll_interval=0.05)
        assert_type(valid, ByokV1KeyRead)
        assert type(valid) is ByokV1KeyRead and valid.validation.phase == "VALID"


def test_model_helpers() -> None:
    key = assert_type(IamV2ApiKey.from_json('{"id": "K"}'), IamV2ApiKey)
    assert_type(key.id, Optional[str])
    as_dict = assert_type(key.to_dict(), Dict[str, Any])
    owner = {"id": "u-1", "related": "https://api.confluent.cloud/iam/v2/users/u-1", "resource_name": "crn://u-1"}
    as_dict.update(api_version="iam/v2", kind="ApiKey", spec={"owner": owner})
    read = assert_type(IamV2ApiKeyRead.from_dict(as_dict), IamV2ApiKeyRead)
    assert type(read) is IamV2ApiKeyRead and read.spec.owner.id == "u-1"
    assert_type(IamV2ApiKey.from_dict(None), None)
    wrapped = ByokV1KeyKey(actual_instance=openapi_client.ByokV1GcpKey(key_id="projects/p"))
    assert_type(wrapped.actual_instance, AnyKeyVariant)
    assert_type(ByokV1KeyKey.from_json(wrapped.to_json()), ByokV1KeyKey)
