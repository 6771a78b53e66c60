"""The async client's return types, pinned for mypy and pyright (``assert_type``) and checked at
run time against the emulator: the same answer classes as the sync client.

Part of the typing corpus (tools/typecheck.py).
"""

from __future__ import annotations

from typing import AsyncIterator

from typing_extensions import assert_type

from openapi_client import ApiResponse, ByokV1Key, ByokV1KeyList, IamV2ApiKeyList, aio
from openapi_client.aio.rest import RESTResponse
from openapi_client.models.byok_v1_gcp_key import ByokV1GcpKey
from openapi_client.models.responses import (
    ByokV1KeyCreated,
    ByokV1KeyListItem,
    ByokV1KeyRead,
    IamV2ApiKeyCreated,
    IamV2ApiKeyListItem,
    IamV2ApiKeyRead,
)
from openapi_client.testing import FakeConfluentCloud


async def test_async_iam_operations(fake_confluent_cloud: FakeConfluentCloud) -> None:
    async with aio.ApiClient(fake_confluent_cloud.configuration()) as api_client:
        api = aio.IamApiKeysApi(api_client)
        created = assert_type(await api.create_iam_v2_api_key({"spec": {"owner": {"id": "sa-1"}}}), IamV2ApiKeyCreated)
        assert type(created) is IamV2ApiKeyCreated and created.spec.secret.get_secret_value()
        read = assert_type(await api.get_iam_v2_api_key(created.id), IamV2ApiKeyRead)
        assert type(read) is IamV2ApiKeyRead
        info = assert_type(await api.get_iam_v2_api_key_with_http_info(read.id), ApiResponse[IamV2ApiKeyRead])
        assert type(info.data) is IamV2ApiKeyRead
        raw = assert_type(await api.get_iam_v2_api_key_without_preload_content(read.id), RESTResponse)
        assert raw.status == 200
        waited = await api.wait_for_iam_v2_api_key(read.id, timeout=5, poll_interval=0.05)
        assert type(assert_type(waited, IamV2ApiKeyRead)) is IamV2ApiKeyRead
        updated = await api.update_iam_v2_api_key(read.id, {"spec": {"display_name": "renamed"}})
        assert type(assert_type(updated, IamV2ApiKeyRead)) is IamV2ApiKeyRead
        page = assert_type(await api.list_iam_v2_api_keys(), IamV2ApiKeyList)
        assert type(page.data[0]) is IamV2ApiKeyListItem
        items = assert_type(api.iter_iam_v2_api_keys(), AsyncIterator[IamV2ApiKeyListItem])
        assert [type(item) async for item in items] == [IamV2ApiKeyListItem]
        assert_type(api.iter_iam_v2_api_keys_pages(), AsyncIterator[IamV2ApiKeyList])
        assert_type(await api.delete_iam_v2_api_key(read.id), None)


async def test_async_byok_operations(fake_confluent_cloud: FakeConfluentCloud) -> None:
    async with aio.ApiClient(fake_confluent_cloud.configuration()) as api_client:
        api = aio.ByokKeysApi(api_client)
        body = ByokV1Key(key=ByokV1GcpKey(key_id="projects/p/locations/l/keyRings/r/cryptoKeys/k"))
        created = assert_type(await api.create_byok_v1_key(body), ByokV1KeyCreated)
        assert type(created) is ByokV1KeyCreated
        read = assert_type(await api.get_byok_v1_key(created.id), ByokV1KeyRead)
        assert type(read) is ByokV1KeyRead and read.validation.phase
        waited = await api.wait_for_byok_v1_key(read.id, timeout=5, poll_interval=0.05)
        assert type(assert_type(waited, ByokV1KeyRead)) is ByokV1KeyRead
        updated = await api.update_byok_v1_key_with_http_info(read.id, {"display_name": "renamed"})
        assert type(assert_type(updated, ApiResponse[ByokV1KeyRead]).data) is ByokV1KeyRead
        assert_type(await api.list_byok_v1_keys(), ByokV1KeyList)
        items = assert_type(api.iter_byok_v1_keys(), AsyncIterator[ByokV1KeyListItem])
        assert [type(item) async for item in items] == [ByokV1KeyListItem]
        assert_type(await api.delete_byok_v1_key_with_http_info(read.id), ApiResponse[None])


async def test_async_workflow_helpers(fake_confluent_cloud: FakeConfluentCloud) -> None:
    from openapi_client.workflows import KeySelection, RotationResult, RotationSummary, Usability
    from openapi_client.workflows.aio import rotate_api_key, rotate_api_keys, wait_for_byok_access, wait_until_usable

    async with aio.ApiClient(fake_confluent_cloud.configuration()) as api_client:
        iam = aio.IamApiKeysApi(api_client)
        created = await iam.create_iam_v2_api_key({"spec": {"owner": {"id": "sa-2"}, "resource": {"id": "CLOUD"}}})
        usable = await wait_until_usable(api_client, created, timeout=5, poll_interval=0.05)
        assert assert_type(usable, Usability).key_id == created.id
        plan = await rotate_api_key(api_client, created.id, handover=lambda key, secret: None, dry_run=True)
        assert type(assert_type(plan, RotationResult)) is RotationResult
        summary = await rotate_api_keys(
            api_client, KeySelection(owner="sa-2"), handover=lambda key, secret: None, dry_run=True
        )
        assert type(assert_type(summary, RotationSummary)) is RotationSummary

        byok = aio.ByokKeysApi(api_client)
        registered = await byok.create_byok_v1_key(
            {"key": {"kind": "AwsKey", "key_arn": "arn:aws:kms:us-west-2:1:key/aio"}}
        )
        fake_confluent_cloud.grant_byok_access(registered.id)
        valid = await wait_for_byok_access(api_client, registered.id, timeout=5, poll_interval=0.05)
        assert type(assert_type(valid, ByokV1KeyRead)) is ByokV1KeyRead and valid.validation.phase == "VALID"
