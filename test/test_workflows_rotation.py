"""rotate_api_key over real HTTP: success, every failing step, crashes and resume, dry run."""

from __future__ import annotations

import logging
import threading
import time
from typing import Dict, List, Optional

import pytest
from workflow_helpers import FAST_LEASE, LONG_AGO, Handovers, SimulatedCrash

import openapi_client
from openapi_client import IamApiKeysApi
from openapi_client.testing import FakeConfluentCloud
from openapi_client.workflows import (
    ApiKeyKind,
    KeyHandover,
    LeaseOptions,
    Outcome,
    RotationError,
    RotationResult,
    RotationStep,
    UsabilityOptions,
    rotate_api_key,
)
from openapi_client.workflows.rotation import MarkerState, read_lease, read_marker, replacement_description

FAST = UsabilityOptions(timeout=5.0, poll_interval=0.02, settle_delays={kind: 0.0 for kind in ApiKeyKind})


def keys(iam: IamApiKeysApi) -> Dict[str, openapi_client.IamV2ApiKey]:
    return {key.id or "": key for key in iam.iter_iam_v2_api_keys()}


def seed(cloud: FakeConfluentCloud, resource: Optional[str] = "lkc-rot1", description: Optional[str] = None) -> str:
    return cloud.seed_api_keys(1, owner="sa-rot", resource=resource, description=description, created_at=LONG_AGO)[0]


def posts(cloud: FakeConfluentCloud) -> int:
    return sum(1 for r in cloud.requests if r.method == "POST")


@pytest.mark.parametrize("resource", [None, "lkc-rot1"])
def test_rotation_replaces_the_key_for_the_same_owner_and_resource(
    cloud: FakeConfluentCloud, iam: IamApiKeysApi, resource: Optional[str]
) -> None:
    old_id = seed(cloud, resource, description="billing service")
    handovers = Handovers()
    result = rotate_api_key(iam.api_client, old_id, handover=handovers, usability=FAST, lease=FAST_LEASE)

    assert result.outcome is Outcome.ROTATED and result.ok
    assert result.steps == (
        RotationStep.CLAIM,
        RotationStep.CREATE,
        RotationStep.WAIT,
        RotationStep.PREPARE_HANDOVER,
        RotationStep.HANDOVER,
        RotationStep.MARK,
        RotationStep.DELETE_OLD,
    )
    remaining = keys(iam)
    assert set(remaining) == {result.new_key_id}
    new = remaining[result.new_key_id or ""]
    assert new.spec is not None and new.spec.owner is not None
    assert new.spec.owner.id == "sa-rot"
    assert (new.spec.resource.id if new.spec.resource else None) == resource
    assert new.spec.display_name == "seeded key 1"
    assert new.spec.description == f"billing service [rotation of {old_id} by {result.run_id}: handed over]"
    assert [key_id for key_id, _ in handovers.calls] == [result.new_key_id]
    if resource is None:  # a Cloud key answers on the Cloud API: the handed-over secret works
        config = cloud.configuration(username=result.new_key_id, password=handovers.calls[0][1])
        with openapi_client.ApiClient(config) as c:
            IamApiKeysApi(c).list_iam_v2_api_keys(page_size=1)


def test_display_name_and_description_can_be_chosen(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    old_id = seed(cloud)
    result = rotate_api_key(
        iam.api_client,
        old_id,
        handover=Handovers(),
        usability=FAST,
        lease=FAST_LEASE,
        display_name="orders",
        description="v2",
    )
    new = keys(iam)[result.new_key_id or ""]
    assert new.spec is not None
    assert (new.spec.display_name, new.spec.description) == (
        "orders",
        f"v2 [rotation of {old_id} by {result.run_id}: handed over]",
    )


def test_lookup_failure_creates_nothing(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    with pytest.raises(RotationError) as caught:
        rotate_api_key(iam.api_client, "NOSUCHKEY0000000", handover=Handovers(), usability=FAST, lease=FAST_LEASE)
    assert caught.value.step is RotationStep.LOOKUP and caught.value.new_key_id is None
    assert isinstance(caught.value.__cause__, openapi_client.NotFoundException)
    assert "look up the old key" in str(caught.value)
    assert posts(cloud) == 0


def test_create_failure_leaves_the_old_key_alone(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    old_id = seed(cloud)
    cloud.fail_next(status=402, method="POST", path="/iam/v2/api-keys")
    with pytest.raises(RotationError) as caught:
        rotate_api_key(iam.api_client, old_id, handover=Handovers(), usability=FAST, lease=FAST_LEASE)
    assert caught.value.step is RotationStep.CREATE
    assert "no replacement exists" in str(caught.value)
    assert set(keys(iam)) == {old_id}


def test_create_whose_connection_drops_leaves_no_orphan(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    old_id = seed(cloud)
    cloud.drop_next(method="POST", path="/iam/v2/api-keys")
    with pytest.raises(RotationError) as caught:
        rotate_api_key(iam.api_client, old_id, handover=Handovers(), usability=FAST, lease=FAST_LEASE)
    assert caught.value.step is RotationStep.CREATE
    assert posts(cloud) == 1  # a POST is never sent twice
    assert set(keys(iam)) == {old_id}


def test_wait_failure_deletes_the_new_key(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    old_id = seed(cloud)
    handovers = Handovers()
    with pytest.raises(RotationError) as caught:
        rotate_api_key(
            iam.api_client,
            old_id,
            handover=handovers,
            probe=lambda key_id, secret: False,
            usability=UsabilityOptions(timeout=0.2, poll_interval=0.02),
            lease=FAST_LEASE,
        )
    error = caught.value
    assert error.step is RotationStep.WAIT and error.new_key_deleted and not error.both_keys_remain
    assert isinstance(error.__cause__, openapi_client.WaiterTimeoutError)
    assert f"the replacement {error.new_key_id} was deleted again" in str(error)
    assert set(keys(iam)) == {old_id} and handovers.calls == []


def test_a_key_that_never_propagates_in_time_is_deleted_again() -> None:
    with FakeConfluentCloud(api_key_propagation_delay=30) as slow, slow.api_client() as client:
        iam = IamApiKeysApi(client)
        old_id = seed(slow, resource=None)
        with pytest.raises(RotationError) as caught:
            rotate_api_key(
                client,
                old_id,
                handover=Handovers(),
                usability=UsabilityOptions(timeout=0.3, poll_interval=0.05),
                lease=FAST_LEASE,
            )
        assert caught.value.step is RotationStep.WAIT and caught.value.new_key_deleted
        assert set(keys(iam)) == {old_id}


def test_handover_failure_deletes_the_new_key(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    old_id = seed(cloud)

    def handover(key_id: str, secret: str) -> None:
        raise OSError("secret store unreachable")

    with pytest.raises(RotationError) as caught:
        rotate_api_key(iam.api_client, old_id, handover=handover, usability=FAST, lease=FAST_LEASE)
    assert caught.value.step is RotationStep.HANDOVER and caught.value.new_key_deleted
    assert "secret store unreachable" in str(caught.value)
    assert set(keys(iam)) == {old_id}


def test_delete_old_failure_leaves_both_keys_and_a_rerun_finishes(
    cloud: FakeConfluentCloud, iam: IamApiKeysApi
) -> None:
    old_id = seed(cloud)
    handovers = Handovers()

    def handover(key_id: str, secret: str) -> None:
        handovers(key_id, secret)
        cloud.fail_next(status=400, method="DELETE", path=f"/iam/v2/api-keys/{old_id}")

    with pytest.raises(RotationError) as caught:
        rotate_api_key(iam.api_client, old_id, handover=handover, usability=FAST, lease=FAST_LEASE)
    error = caught.value
    assert error.step is RotationStep.DELETE_OLD and error.both_keys_remain and not error.new_key_deleted
    assert "both keys remain" in str(error)
    assert set(keys(iam)) == {old_id, error.new_key_id}

    created_before = posts(cloud)
    again = Handovers()
    result = rotate_api_key(iam.api_client, old_id, handover=again, usability=FAST, lease=FAST_LEASE)
    assert result.outcome is Outcome.RESUMED and result.new_key_id == error.new_key_id
    assert posts(cloud) == created_before and again.calls == []  # no second replacement, no second handover
    assert set(keys(iam)) == {error.new_key_id}


def test_mark_failure_still_finishes_with_a_warning(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    old_id = seed(cloud)

    def handover(key_id: str, secret: str) -> None:
        cloud.fail_next(status=400, method="PATCH", path=f"/iam/v2/api-keys/{key_id}")

    result = rotate_api_key(iam.api_client, old_id, handover=handover, usability=FAST, lease=FAST_LEASE)
    assert result.outcome is Outcome.ROTATED and RotationStep.MARK not in result.steps
    assert result.warnings and result.new_key_id in result.warnings[0]
    assert set(keys(iam)) == {result.new_key_id}


def test_crash_before_handover_then_a_rerun_of_the_same_job_discards_the_pending_key(
    cloud: FakeConfluentCloud, iam: IamApiKeysApi
) -> None:
    old_id = seed(cloud)

    def crash(key_id: str, secret: str) -> bool:
        raise SimulatedCrash

    with pytest.raises(SimulatedCrash):
        rotate_api_key(
            iam.api_client, old_id, handover=Handovers(), probe=crash, usability=FAST, lease=FAST_LEASE, run_id="job-7"
        )
    after_crash = keys(iam)
    [pending_id] = set(after_crash) - {old_id}
    assert read_marker(after_crash[pending_id].spec.description) == (old_id, MarkerState.PENDING)  # type: ignore[union-attr]
    lease = read_lease(after_crash[old_id].spec.description)  # type: ignore[union-attr]
    assert lease is not None and lease.run_id == "job-7"  # the crashed run's claim is still live

    other = rotate_api_key(iam.api_client, old_id, handover=Handovers(), usability=FAST, lease=FAST_LEASE)
    assert other.outcome is Outcome.SKIPPED and other.reason is not None and "job-7" in other.reason
    assert set(keys(iam)) == {old_id, pending_id}  # a skipped run changes nothing

    handovers = Handovers()  # the job restarted: same run id, so it takes its claim back at once
    result = rotate_api_key(
        iam.api_client, old_id, handover=handovers, usability=FAST, lease=FAST_LEASE, run_id="job-7"
    )
    assert result.outcome is Outcome.ROTATED and result.steps[:2] == (RotationStep.CLAIM, RotationStep.DISCARD_STALE)
    assert set(keys(iam)) == {result.new_key_id} and result.new_key_id != pending_id
    assert [k for k, _ in handovers.calls] == [result.new_key_id]


SHORT_LEASE = LeaseOptions(duration=1.0, clock_skew=0.0, read_lag=0.0, write_window=0.25, step_margin=0.2)


def test_a_replacement_handed_over_by_a_run_that_died_before_marking_it_is_kept_until_a_newer_one_is(
    cloud: FakeConfluentCloud, iam: IamApiKeysApi
) -> None:
    old_id = seed(cloud)
    vault: Dict[str, str] = {}

    def store_then_die(handover: KeyHandover) -> None:
        vault["svc"] = handover.new_key_id
        raise SimulatedCrash  # killed after storing, before the mark

    with pytest.raises(SimulatedCrash):
        rotate_api_key(iam.api_client, old_id, handover=store_then_die, usability=FAST, lease=SHORT_LEASE)
    first = vault["svc"]
    assert read_marker(keys(iam)[first].spec.description) == (old_id, MarkerState.HANDING_OVER)  # type: ignore[union-attr]

    time.sleep(SHORT_LEASE.duration)  # the dead run's claim runs out
    seen_at_handover: List[str] = []

    def store(handover: KeyHandover) -> None:
        seen_at_handover.extend(keys(iam))  # what exists at the moment of the newer handover
        assert handover.old_key_id == old_id and handover.owner_id == "sa-rot" and handover.resource_id == "lkc-rot1"
        vault["svc"] = handover.new_key_id

    result = rotate_api_key(iam.api_client, old_id, handover=store, usability=FAST, lease=SHORT_LEASE)
    assert result.outcome is Outcome.ROTATED and result.new_key_id not in (first, old_id)
    assert first in seen_at_handover and old_id in seen_at_handover  # neither was deleted before
    assert RotationStep.DISCARD_OLDER in result.steps
    assert set(keys(iam)) == {result.new_key_id} == {vault["svc"]}


def test_two_runs_on_one_key_at_once_leave_one_working_handed_over_key(cloud: FakeConfluentCloud) -> None:
    old_id = seed(cloud)
    vault: Dict[str, str] = {}
    handed: List[str] = []
    lock = threading.Lock()

    def store(handover: KeyHandover) -> None:
        with lock:
            vault["svc"] = handover.new_key_id
            handed.append(handover.new_key_id)

    results: List[RotationResult] = []
    barrier = threading.Barrier(2)

    def run() -> None:
        with cloud.api_client() as client:  # two clients, as two machines would have
            barrier.wait()
            results.append(rotate_api_key(client, old_id, handover=store, usability=FAST, lease=FAST_LEASE))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = sorted(r.outcome.value for r in results)
    assert outcomes == ["rotated", "skipped"]
    with cloud.api_client() as client:
        assert set(keys(IamApiKeysApi(client))) == {vault["svc"]}
    assert len(handed) == 1


def test_cleanup_failure_says_the_key_is_left_pending_and_a_rerun_removes_it(
    cloud: FakeConfluentCloud, iam: IamApiKeysApi
) -> None:
    old_id = seed(cloud)

    def handover(key_id: str, secret: str) -> None:
        cloud.fail_next(status=400, method="DELETE", path=f"/iam/v2/api-keys/{key_id}")
        raise OSError("vault sealed")

    with pytest.raises(RotationError) as caught:
        rotate_api_key(iam.api_client, old_id, handover=handover, usability=FAST, lease=FAST_LEASE)
    error = caught.value
    assert error.step is RotationStep.HANDOVER and not error.new_key_deleted and error.cleanup_error is not None
    assert "marked pending and the next run deletes it" in str(error)
    assert set(keys(iam)) == {old_id, error.new_key_id}

    result = rotate_api_key(iam.api_client, old_id, handover=Handovers(), usability=FAST, lease=FAST_LEASE)
    assert result.outcome is Outcome.ROTATED
    assert set(keys(iam)) == {result.new_key_id}


def test_dry_run_changes_nothing_and_reports_the_plan(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    old_id = seed(cloud)
    cloud.clear_requests()
    handovers = Handovers()
    result = rotate_api_key(iam.api_client, old_id, handover=handovers, usability=FAST, lease=FAST_LEASE, dry_run=True)
    assert result.outcome is Outcome.PLANNED and result.plan is not None and result.new_key_id is None
    assert result.plan.actions == (
        f"claim {old_id}",
        "create a key for owner sa-rot on lkc-rot1",
        "wait until it is usable",
        "hand it over",
        f"delete {old_id}",
    )
    assert {r.method for r in cloud.requests} == {"GET"} and handovers.calls == []
    assert set(keys(iam)) == {old_id}


def test_dry_run_of_an_interrupted_rotation_plans_only_the_delete(
    cloud: FakeConfluentCloud, iam: IamApiKeysApi
) -> None:
    old_id = seed(cloud)
    cloud.seed_api_keys(
        1,
        owner="sa-rot",
        resource="lkc-rot1",
        description=replacement_description(old_id, None, MarkerState.HANDED_OVER),
    )
    result = rotate_api_key(iam.api_client, old_id, handover=Handovers(), dry_run=True, lease=FAST_LEASE)
    assert result.plan is not None and len(result.plan.actions) == 2
    assert result.plan.actions[1].startswith(f"delete {old_id}")


def test_steps_are_logged_with_ids_and_never_the_secret(
    cloud: FakeConfluentCloud, iam: IamApiKeysApi, caplog: pytest.LogCaptureFixture
) -> None:
    old_id = seed(cloud, resource=None)
    handovers = Handovers()
    with caplog.at_level(logging.DEBUG, logger="openapi_client"):
        result = rotate_api_key(iam.api_client, old_id, handover=handovers, usability=FAST, lease=FAST_LEASE)
    secret = handovers.calls[0][1]
    messages = [r.getMessage() for r in caplog.records]
    info = [m for r, m in zip(caplog.records, messages) if r.levelno == logging.INFO and r.name.endswith("workflows")]
    for step in (RotationStep.CREATE, RotationStep.WAIT, RotationStep.HANDOVER, RotationStep.DELETE_OLD):
        assert any(step.value in m for m in info), step
    assert any(result.new_key_id in m for m in info)
    assert all(secret not in m for m in messages)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"old_key_id": ""}, "old_key_id"), ({"old_key_id": "K", "handover": "nope"}, "handover")],
)
def test_bad_arguments_are_refused_before_any_request(
    cloud: FakeConfluentCloud, iam: IamApiKeysApi, kwargs: Dict[str, object], name: str
) -> None:
    arguments: Dict[str, object] = {"handover": Handovers(), **kwargs}
    old = arguments.pop("old_key_id")
    with pytest.raises(openapi_client.ApiValueError, match=name):
        rotate_api_key(iam.api_client, old, **arguments)  # type: ignore[arg-type]
    assert cloud.requests == []


def test_markers_round_trip() -> None:
    text = replacement_description("OLD1", "x [rotation of OLDER: handed over]")
    assert text == "x [rotation of OLD1: pending]"
    assert read_marker(text) == ("OLD1", MarkerState.PENDING)
    assert read_marker("plain") is None
    states: List[MarkerState] = list(MarkerState)
    for state in states:
        assert read_marker(replacement_description("A", "", state)) == ("A", state)


def test_a_handover_error_quoting_the_secret_does_not_leak_it(cloud: FakeConfluentCloud, iam: IamApiKeysApi) -> None:
    old_id = seed(cloud)
    given: List[str] = []

    def handover(key_id: str, secret: str) -> None:
        given.append(secret)
        raise ValueError(f"vault rejected value {secret!r}")

    with pytest.raises(RotationError) as caught:
        rotate_api_key(iam.api_client, old_id, handover=handover, usability=FAST, lease=FAST_LEASE)
    assert given and given[0] not in str(caught.value)
    assert "<redacted>" in str(caught.value)


def test_a_create_answered_too_late_is_cleaned_up_by_the_next_run(
    cloud: FakeConfluentCloud, iam: IamApiKeysApi
) -> None:
    old_id = seed(cloud)
    with openapi_client.ApiClient(cloud.configuration(timeout=0.3)) as impatient:
        cloud.delay_next(0.8, method="POST", path="/iam/v2/api-keys")  # made after the client gave up
        with pytest.raises(RotationError) as caught:
            rotate_api_key(impatient, old_id, handover=Handovers(), usability=FAST, lease=FAST_LEASE)
    error = caught.value
    assert error.step is RotationStep.CREATE and isinstance(error.__cause__, openapi_client.ApiTimeoutError)
    assert "may still make one" in str(error) and "next run deletes it" in str(error)
    deadline = time.monotonic() + 5
    while len(keys(iam)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    [late] = set(keys(iam)) - {old_id}  # the service made it after all, marked pending

    result = rotate_api_key(iam.api_client, old_id, handover=Handovers(), usability=FAST, lease=FAST_LEASE)
    assert result.steps[:2] == (RotationStep.CLAIM, RotationStep.DISCARD_STALE) and result.new_key_id != late
    assert set(keys(iam)) == {result.new_key_id}


def test_a_failed_mark_and_a_failed_delete_leave_the_replacement_counted_as_in_use(
    cloud: FakeConfluentCloud, iam: IamApiKeysApi
) -> None:
    old_id = seed(cloud)
    vault: Dict[str, str] = {}

    def handover(key_id: str, secret: str) -> None:
        vault["svc"] = key_id
        cloud.fail_next(status=400, method="PATCH", path=f"/iam/v2/api-keys/{key_id}")
        cloud.fail_next(status=400, method="DELETE", path=f"/iam/v2/api-keys/{old_id}")

    with pytest.raises(RotationError) as caught:
        rotate_api_key(iam.api_client, old_id, handover=handover, usability=FAST, lease=FAST_LEASE)
    error = caught.value
    assert error.step is RotationStep.DELETE_OLD and error.both_keys_remain and error.still_marked_pending
    first = error.new_key_id or ""
    # Handed over but not marked so: it still says "handing over", which no run takes for abandoned.
    assert read_marker(keys(iam)[first].spec.description) == (old_id, MarkerState.HANDING_OVER)  # type: ignore[union-attr]
    assert "hands over a newer replacement" in str(error)

    def store(key_id: str, secret: str) -> None:
        assert {first, old_id} <= set(keys(iam))  # both still there while the newer one is handed over
        vault["svc"] = key_id

    result = rotate_api_key(iam.api_client, old_id, handover=store, usability=FAST, lease=FAST_LEASE)
    assert result.outcome is Outcome.ROTATED and result.plan is not None and result.plan.in_use == (first,)
    assert set(keys(iam)) == {vault["svc"]} == {result.new_key_id}
