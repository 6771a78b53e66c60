"""openapi_client.workflows.aio over real HTTP: the async drivers reach the same outcomes."""

from __future__ import annotations

import asyncio
from typing import AsyncIterator, List, Set

import pytest
from workflow_helpers import FAST_LEASE, LONG_AGO, Handovers

import openapi_client
from openapi_client import ByokV1AwsKey, ByokV1Key, IamV2ApiKey, IamV2ApiKeySpec, ObjectReference, aio
from openapi_client.testing import FakeConfluentCloud
from openapi_client.workflows import (
    ApiKeyKind,
    AwsKeyPolicyGrant,
    ByokAccessPendingError,
    KeySelection,
    Outcome,
    RotationError,
    RotationResult,
    RotationStep,
    Strategy,
    UsabilityOptions,
    aio as workflows,
)

FAST = UsabilityOptions(timeout=5.0, poll_interval=0.02, settle_delays={kind: 0.0 for kind in ApiKeyKind})
SHORT_WAIT = {"Retry-After": "0.05", "X-RateLimit-Reset": "0.05"}
PATIENT = openapi_client.ApiRetry(total=12, backoff_factor=0.01, backoff_jitter=0.0, retry_after_max=1.0)


@pytest.fixture
async def client(cloud: FakeConfluentCloud) -> AsyncIterator[aio.ApiClient]:
    async with aio.ApiClient(cloud.configuration(retries=PATIENT)) as api_client:
        yield api_client


async def ids(client: aio.ApiClient) -> Set[str]:
    return {key.id or "" async for key in aio.IamApiKeysApi(client).iter_iam_v2_api_keys()}


async def create(client: aio.ApiClient, resource: str = "CLOUD") -> IamV2ApiKey:
    spec = IamV2ApiKeySpec(owner=ObjectReference(id="sa-aio"), resource=ObjectReference(id=resource))
    return await aio.IamApiKeysApi(client).create_iam_v2_api_key(IamV2ApiKey(spec=spec))


async def test_a_cloud_key_is_probed_until_accepted_twice(cloud: FakeConfluentCloud, client: aio.ApiClient) -> None:
    key = await create(client)
    cloud.fail_next(2, status=401, path=f"/iam/v2/api-keys/{key.id}", method="GET")
    usability = await workflows.wait_until_usable(client, key, options=FAST)
    assert usability.strategy is Strategy.CLOUD_API_PROBE and usability.probes == 4


async def test_an_async_caller_probe_is_awaited(client: aio.ApiClient) -> None:
    key = await create(client, "lkc-aio1")
    answers = iter([False, True, True])

    async def probe(key_id: str, secret: str) -> bool:
        await asyncio.sleep(0)
        return next(answers)

    usability = await workflows.wait_until_usable(client, key, probe=probe, options=FAST)
    assert usability.strategy is Strategy.CALLER_PROBE and usability.probes == 3


async def test_rotation_with_an_async_handover(cloud: FakeConfluentCloud, client: aio.ApiClient) -> None:
    [old_id] = cloud.seed_api_keys(1, owner="sa-aio", resource=None, created_at=LONG_AGO)
    given: List[str] = []

    async def handover(key_id: str, secret: str) -> None:
        given.append(key_id)

    result = await workflows.rotate_api_key(client, old_id, handover=handover, usability=FAST, lease=FAST_LEASE)
    assert result.outcome is Outcome.ROTATED and given == [result.new_key_id]
    assert await ids(client) == {result.new_key_id}


async def test_failure_before_the_handover_deletes_the_new_key(
    cloud: FakeConfluentCloud, client: aio.ApiClient
) -> None:
    [old_id] = cloud.seed_api_keys(1, owner="sa-aio", resource="lkc-aio1", created_at=LONG_AGO)

    async def handover(key_id: str, secret: str) -> None:
        raise OSError("vault sealed")

    with pytest.raises(RotationError) as caught:
        await workflows.rotate_api_key(client, old_id, handover=handover, usability=FAST, lease=FAST_LEASE)
    assert caught.value.step is RotationStep.HANDOVER and caught.value.new_key_deleted
    assert await ids(client) == {old_id}


async def test_delete_failure_then_resume(cloud: FakeConfluentCloud, client: aio.ApiClient) -> None:
    [old_id] = cloud.seed_api_keys(1, owner="sa-aio", resource="lkc-aio1", created_at=LONG_AGO)

    def handover(key_id: str, secret: str) -> None:
        cloud.fail_next(status=400, method="DELETE", path=f"/iam/v2/api-keys/{old_id}")

    with pytest.raises(RotationError) as caught:
        await workflows.rotate_api_key(client, old_id, handover=handover, usability=FAST, lease=FAST_LEASE)
    assert caught.value.both_keys_remain
    again = await workflows.rotate_api_key(client, old_id, handover=Handovers(), usability=FAST, lease=FAST_LEASE)
    assert again.outcome is Outcome.RESUMED and await ids(client) == {caught.value.new_key_id}


async def test_dry_run_changes_nothing(cloud: FakeConfluentCloud, client: aio.ApiClient) -> None:
    [old_id] = cloud.seed_api_keys(1, owner="sa-aio", resource="lkc-aio1", created_at=LONG_AGO)
    cloud.clear_requests()
    result = await workflows.rotate_api_key(client, old_id, handover=Handovers(), dry_run=True, lease=FAST_LEASE)
    assert result.outcome is Outcome.PLANNED and {r.method for r in cloud.requests} == {"GET"}


async def test_batch_bounds_concurrency_and_absorbs_a_429_storm(
    cloud: FakeConfluentCloud, client: aio.ApiClient
) -> None:
    old = set(cloud.seed_api_keys(8, owner="sa-aio", resource=None, created_at=LONG_AGO))
    active = peak = 0
    stormed = False

    async def handover(key_id: str, secret: str) -> None:
        nonlocal active, peak, stormed
        if not stormed:
            stormed = True
            cloud.fail_next(6, status=429, headers=SHORT_WAIT)  # the emulator would round a Retry-After up to 1 s
        active += 1
        peak = max(peak, active)
        await asyncio.sleep(0.05)
        active -= 1

    reports: List[int] = []

    async def progress(done: int, total: int, result: RotationResult) -> None:
        reports.append(done)

    summary = await workflows.rotate_api_keys(
        client,
        KeySelection(owner="sa-aio"),
        handover=handover,
        max_workers=3,
        usability=FAST,
        lease=FAST_LEASE,
        progress=progress,
    )
    assert summary.ok and summary.counts[Outcome.ROTATED] == 8, [str(r.error) for r in summary.failed]
    assert 2 <= peak <= 3 and reports == list(range(1, 9))
    assert not await ids(client) & old


async def test_waiting_for_byok_access_shows_the_grant() -> None:
    with FakeConfluentCloud(byok_requires_grant=True) as cloud:
        async with aio.ApiClient(cloud.configuration()) as client:
            arn = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            key = await aio.ByokKeysApi(client).create_byok_v1_key(ByokV1Key(key=ByokV1AwsKey(key_arn=arn)))
            assert key.id is not None
            with pytest.raises(ByokAccessPendingError) as caught:
                await workflows.wait_for_byok_access(client, key.id, timeout=0.2, poll_interval=0.05)
            assert isinstance(caught.value.grant, AwsKeyPolicyGrant)
            cloud.grant_byok_access(key.id)
            valid = await workflows.wait_for_byok_access(client, key.id, timeout=5, poll_interval=0.05)
            assert valid.id == key.id


async def test_batch_rotates_the_clients_own_key_last(cloud: FakeConfluentCloud, client: aio.ApiClient) -> None:
    own = await create(client)
    later = LONG_AGO.replace(year=2999)  # the client's own key is the oldest
    others = set(cloud.seed_api_keys(3, owner="sa-aio", resource=None, created_at=later))
    config = cloud.configuration(username=own.id, password=own.spec.secret.get_secret_value(), retries=PATIENT)
    async with aio.ApiClient(config) as signed_by_own:
        summary = await workflows.rotate_api_keys(
            signed_by_own,
            KeySelection(owner="sa-aio"),
            handover=Handovers(),
            max_workers=1,
            usability=FAST,
            lease=FAST_LEASE,
        )
    assert summary.ok, [str(r.error) for r in summary.failed]
    assert [r.old_key_id for r in summary.results][-1] == own.id
    assert not await ids(client) & (others | {own.id})


async def test_an_empty_selection_never_reaches_the_async_batch(
    cloud: FakeConfluentCloud, client: aio.ApiClient
) -> None:
    cloud.seed_api_keys(2, owner="sa-aio", resource=None, created_at=LONG_AGO)
    cloud.clear_requests()
    with pytest.raises(openapi_client.ApiValueError, match="all_keys=True"):
        await workflows.rotate_api_keys(client, KeySelection(), handover=Handovers(), usability=FAST, lease=FAST_LEASE)
    with pytest.raises(openapi_client.ApiValueError, match="'selection'"):
        await workflows.rotate_api_keys(client, None, handover=Handovers(), usability=FAST, lease=FAST_LEASE)  # type: ignore[arg-type]
    assert cloud.requests == []


async def test_all_keys_rotates_every_owners_keys(cloud: FakeConfluentCloud, client: aio.ApiClient) -> None:
    old = set(cloud.seed_api_keys(2, owner="sa-aio", resource=None, created_at=LONG_AGO))
    old |= set(cloud.seed_api_keys(1, owner="sa-other", resource="lkc-aio9"))
    summary = await workflows.rotate_api_keys(
        client, KeySelection(all_keys=True), handover=Handovers(), usability=FAST, lease=FAST_LEASE
    )
    assert summary.ok and {r.old_key_id for r in summary.results} == old
