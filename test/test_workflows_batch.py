"""rotate_api_keys over real HTTP: selection, bounded concurrency, progress, 429 storms."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from typing import Any, Dict, List, Set, Tuple

import pytest
from workflow_helpers import FAST_LEASE, LONG_AGO, Handovers

import openapi_client
from openapi_client import IamApiKeysApi
from openapi_client.testing import FakeConfluentCloud
from openapi_client.workflows import (
    ApiKeyKind,
    KeySelection,
    LeaseOptions,
    Outcome,
    RotationResult,
    RotationStep,
    UsabilityOptions,
    rotate_api_keys,
)

FAST = UsabilityOptions(timeout=10.0, poll_interval=0.02, settle_delays={kind: 0.0 for kind in ApiKeyKind})
PACED_LEASE = LeaseOptions(duration=120.0, clock_skew=0.0, read_lag=0.0, write_window=3.0, step_margin=5.0)
SHORT_WAIT = {"Retry-After": "0.05", "X-RateLimit-Reset": "0.05"}
PATIENT = openapi_client.ApiRetry(total=12, backoff_factor=0.01, backoff_jitter=0.0, retry_after_max=1.0)


def ids(iam: IamApiKeysApi) -> Set[str]:
    return {key.id or "" for key in iam.iter_iam_v2_api_keys()}


def test_selection_by_owner_resource_age_and_predicate(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    old = set(cloud.seed_api_keys(3, owner="sa-a", resource="lkc-1", created_at=LONG_AGO))
    tagged = cloud.seed_api_keys(1, owner="sa-a", resource="lkc-1", description="keep", created_at=LONG_AGO)[0]
    fresh = set(cloud.seed_api_keys(2, owner="sa-a", resource="lkc-1"))
    other_resource = set(cloud.seed_api_keys(1, owner="sa-a", resource="lkc-2", created_at=LONG_AGO))
    other_owner = set(cloud.seed_api_keys(2, owner="sa-b", resource="lkc-1", created_at=LONG_AGO))

    selection = KeySelection(
        owner="sa-a",
        resource="lkc-1",
        older_than=dt.timedelta(days=90),
        predicate=lambda key: key.spec is None or key.spec.description != "keep",
    )
    summary = rotate_api_keys(iam.api_client, selection, handover=Handovers(), usability=FAST, lease=FAST_LEASE)
    assert {r.old_key_id for r in summary.results} == old
    assert summary.ok and summary.counts[Outcome.ROTATED] == 3
    new = {r.new_key_id for r in summary.results}
    assert ids(iam) == new | fresh | other_resource | other_owner | {tagged}
    assert "3 rotated" in str(summary)


def test_dry_run_lists_the_plan_and_changes_nothing(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    old = set(cloud.seed_api_keys(4, owner="sa-a", resource=None, created_at=LONG_AGO))
    cloud.clear_requests()
    summary = rotate_api_keys(
        iam.api_client, KeySelection(owner="sa-a"), handover=Handovers(), usability=FAST, lease=FAST_LEASE, dry_run=True
    )
    assert summary.counts[Outcome.PLANNED] == 4
    assert all(r.plan is not None and r.plan.actions for r in summary.results)
    assert {r.method for r in cloud.requests} == {"GET"}
    assert ids(iam) == old


def test_concurrency_is_bounded_and_progress_reports_each_key(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    cloud.seed_api_keys(12, owner="sa-a", resource="lkc-1", created_at=LONG_AGO)
    active = 0
    peak = 0
    lock = threading.Lock()

    def slow_handover(key_id: str, secret: str) -> None:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.05)
        with lock:
            active -= 1

    reports: List[Tuple[int, int, RotationResult]] = []
    summary = rotate_api_keys(
        iam.api_client,
        KeySelection(owner="sa-a"),
        handover=slow_handover,
        max_workers=3,
        usability=FAST,
        lease=FAST_LEASE,
        progress=lambda done, total, result: reports.append((done, total, result)),
    )
    assert summary.ok and len(summary.results) == 12
    assert 2 <= peak <= 3
    assert [done for done, _, _ in reports] == list(range(1, 13))
    assert {total for _, total, _ in reports} == {12}
    assert {r.old_key_id for _, _, r in reports} == {r.old_key_id for r in summary.results}


def test_one_failing_key_does_not_stop_the_others(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    old = cloud.seed_api_keys(5, owner="sa-a", resource="lkc-1", created_at=LONG_AGO)
    victim = old[2]
    cloud.fail_next(status=400, method="DELETE", path=f"/iam/v2/api-keys/{victim}")
    summary = rotate_api_keys(
        iam.api_client, KeySelection(owner="sa-a"), handover=Handovers(), usability=FAST, lease=FAST_LEASE
    )
    assert not summary.ok and summary.counts[Outcome.ROTATED] == 4
    [failed] = summary.failed
    assert failed.old_key_id == victim and failed.error is not None
    assert failed.error.step is RotationStep.DELETE_OLD and failed.error.both_keys_remain

    again = rotate_api_keys(
        iam.api_client,
        KeySelection(owner="sa-a", older_than=dt.timedelta(days=30)),
        handover=Handovers(),
        usability=FAST,
        lease=FAST_LEASE,
    )
    assert [r.outcome for r in again.results] == [Outcome.RESUMED]
    assert victim not in ids(iam)


def test_a_429_storm_never_reaches_the_caller(cloud: FakeConfluentCloud) -> None:
    old = set(cloud.seed_api_keys(10, owner="sa-a", resource=None, created_at=LONG_AGO))
    storm = threading.Event()
    handovers = Handovers()

    def handover(key_id: str, secret: str) -> None:
        if not storm.is_set():  # mid-batch, while the other workers are busy
            storm.set()
            cloud.fail_next(10, status=429, headers=SHORT_WAIT)  # the emulator would round a Retry-After up to 1 s
        handovers(key_id, secret)

    with openapi_client.ApiClient(cloud.configuration(retries=PATIENT)) as client:
        summary = rotate_api_keys(
            client, KeySelection(owner="sa-a"), handover=handover, max_workers=4, usability=FAST, lease=FAST_LEASE
        )
        assert summary.ok, [str(r.error) for r in summary.failed]
        assert summary.counts[Outcome.ROTATED] == 10
        assert not ids(IamApiKeysApi(client)) & old
    with openapi_client.ApiClient(cloud.configuration(retries=False)) as strict:
        IamApiKeysApi(strict).list_iam_v2_api_keys()  # the storm was used up by the batch, and absorbed


def test_rotation_under_a_rate_limit_is_paced_not_failed() -> None:
    # The client may hold a request for a whole rate-limit window (and a retry): the claim's
    # write window must cover that, or runs give their claims up as possibly contended.
    # Six keys claimed at once (one settle time, not one per wave of workers) still need more
    # than three windows' worth of requests, so the workers share holds and absorb 429s.
    with FakeConfluentCloud(rate_limit=20, rate_limit_window=0.5) as limited:
        limited.seed_api_keys(6, owner="sa-a", resource=None, created_at=LONG_AGO)
        with openapi_client.ApiClient(limited.configuration(retries=PATIENT)) as client:
            summary = rotate_api_keys(
                client,
                KeySelection(owner="sa-a"),
                handover=Handovers(),
                max_workers=6,
                usability=FAST,
                lease=PACED_LEASE,
            )
        assert summary.ok and summary.counts[Outcome.ROTATED] == 6, [str(r.error) for r in summary.failed]
        assert len(limited.requests) > 3 * 20  # the limit was reached again and again


@pytest.mark.parametrize("workers", [0, -1, True, 1.5])
def test_bad_worker_counts_are_refused(iam: IamApiKeysApi, workers: object) -> None:
    with pytest.raises(openapi_client.ApiValueError, match="max_workers"):
        rotate_api_keys(iam.api_client, KeySelection(owner="sa-a"), handover=Handovers(), max_workers=workers)  # type: ignore[arg-type]


def test_an_empty_selection_is_refused_naming_its_fields() -> None:
    with pytest.raises(openapi_client.ApiValueError) as refused:
        KeySelection()
    for field_name in ("owner", "resource", "older_than", "predicate", "all_keys=True"):
        assert field_name in str(refused.value)


@pytest.mark.parametrize(
    "criteria",
    [{"owner": "sa-a"}, {"resource": "lkc-1"}, {"older_than": dt.timedelta(0)}, {"predicate": lambda key: True}],
)
def test_all_keys_with_criteria_is_refused(criteria: Dict[str, Any]) -> None:
    with pytest.raises(openapi_client.ApiValueError, match="all_keys"):
        KeySelection(all_keys=True, **criteria)


@pytest.mark.parametrize("flag", [1, "yes", None])
def test_all_keys_must_be_a_bool(flag: object) -> None:
    with pytest.raises(openapi_client.ApiValueError, match="all_keys"):
        KeySelection(all_keys=flag)  # type: ignore[arg-type]


@pytest.mark.parametrize("selection", [None, {"owner": "sa-a"}, "sa-a"])
def test_a_selection_that_is_not_a_key_selection_sends_nothing(
    cloud: FakeConfluentCloud, iam: IamApiKeysApi, selection: object
) -> None:
    cloud.seed_api_keys(2, owner="sa-a", resource=None, created_at=LONG_AGO)
    cloud.clear_requests()
    with pytest.raises(openapi_client.ApiValueError, match="'selection'"):
        rotate_api_keys(iam.api_client, selection, handover=Handovers(), usability=FAST, lease=FAST_LEASE)  # type: ignore[arg-type]
    assert cloud.requests == []


def test_all_keys_takes_every_owner_and_resource(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    old = set(cloud.seed_api_keys(2, owner="sa-a", resource="lkc-1", created_at=LONG_AGO))
    old |= set(cloud.seed_api_keys(2, owner="sa-b", resource=None))
    summary = rotate_api_keys(
        iam.api_client, KeySelection(all_keys=True), handover=Handovers(), usability=FAST, lease=FAST_LEASE
    )
    assert summary.ok and {r.old_key_id for r in summary.results} == old


def test_a_failing_progress_callback_does_not_stop_the_batch(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    cloud.seed_api_keys(3, owner="sa-a", resource=None, created_at=LONG_AGO)

    def broken(done: int, total: int, result: RotationResult) -> None:
        raise RuntimeError("terminal went away")

    summary = rotate_api_keys(
        iam.api_client,
        KeySelection(owner="sa-a"),
        handover=Handovers(),
        usability=FAST,
        lease=FAST_LEASE,
        progress=broken,
    )
    assert summary.ok and summary.counts[Outcome.ROTATED] == 3


def test_the_key_the_client_signs_with_is_rotated_last(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    own = iam.create_iam_v2_api_key({"spec": {"owner": {"id": "sa-self"}}})
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)  # the client's own key is the oldest
    others = set(cloud.seed_api_keys(3, owner="sa-self", resource=None, created_at=later))
    config = cloud.configuration(username=own.id, password=own.spec.secret.get_secret_value())
    with openapi_client.ApiClient(config) as client:
        summary = rotate_api_keys(
            client, KeySelection(owner="sa-self"), handover=Handovers(), max_workers=1, usability=FAST, lease=FAST_LEASE
        )
    assert summary.ok, [str(r.error) for r in summary.failed]
    assert [r.old_key_id for r in summary.results][-1] == own.id
    assert {r.old_key_id for r in summary.results} == others | {own.id}
    assert not ids(iam) & (others | {own.id})


def test_a_replacement_left_pending_is_not_itself_selected(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    [old] = cloud.seed_api_keys(1, owner="sa-a", resource="lkc-1", created_at=LONG_AGO)
    [pending] = cloud.seed_api_keys(
        1, owner="sa-a", resource="lkc-1", description=f"[rotation of {old}: pending]", created_at=LONG_AGO
    )
    summary = rotate_api_keys(
        iam.api_client, KeySelection(owner="sa-a"), handover=Handovers(), usability=FAST, lease=FAST_LEASE
    )
    assert [r.old_key_id for r in summary.results] == [old]  # the pending one is discarded, not rotated
    assert summary.ok and summary.results[0].steps[:2] == (RotationStep.CLAIM, RotationStep.DISCARD_STALE)
    assert ids(iam) == {summary.results[0].new_key_id}
    assert pending not in ids(iam)


FORBIDDEN_ACCESS = json.dumps(
    {
        "errors": [
            {"status": "403", "code": "forbidden_access", "title": "Forbidden Access", "detail": "Forbidden Access"}
        ]
    }
)


def test_a_key_answered_403_forbidden_access_is_gone_not_failed(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    # Confluent Cloud answers reads and deletes of a deleted API key 403 forbidden_access.
    first, second = cloud.seed_api_keys(2, owner="sa-a", resource=None, created_at=LONG_AGO)
    cloud.respond_next(status=403, body=FORBIDDEN_ACCESS, method="GET", path=f"/iam/v2/api-keys/{first}")
    cloud.respond_next(status=403, body=FORBIDDEN_ACCESS, method="DELETE", path=f"/iam/v2/api-keys/{second}")
    summary = rotate_api_keys(
        iam.api_client, KeySelection(owner="sa-a"), handover=Handovers(), usability=FAST, lease=FAST_LEASE
    )
    outcomes = {r.old_key_id: r.outcome for r in summary.results}
    assert outcomes == {first: Outcome.GONE, second: Outcome.ROTATED} and summary.ok
    gone = next(r for r in summary.results if r.old_key_id == first)
    assert gone.reason is not None and first in gone.reason


def test_two_batch_runs_at_once_from_two_clients_rotate_each_key_once(cloud: FakeConfluentCloud) -> None:
    old = set(cloud.seed_api_keys(10, owner="sa-a", resource=None, created_at=LONG_AGO))
    handovers = Handovers()
    summaries: List[Any] = []
    start = threading.Barrier(2)

    def run() -> None:
        with cloud.api_client() as client:  # two machines, two clients
            start.wait()
            summaries.append(
                rotate_api_keys(
                    client,
                    KeySelection(owner="sa-a"),
                    handover=handovers,
                    max_workers=4,
                    usability=FAST,
                    lease=FAST_LEASE,
                )
            )

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with cloud.api_client() as client:
        live = ids(IamApiKeysApi(client))
    handed = [key_id for key_id, _ in handovers.calls]
    assert len(handed) == len(set(handed)) == 10 and live == set(handed)  # 10 keys, each handed over once
    assert not live & old and all(summary.ok for summary in summaries)
    rotated = [r.old_key_id for summary in summaries for r in summary.results if r.outcome is Outcome.ROTATED]
    assert sorted(rotated) == sorted(old)
