"""rotation_flow without I/O: the claim and the decisions both drivers reuse, driven by a
scripted performer over a small in-memory key table and a virtual clock."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, List, Optional, Type

import pytest
from hypothesis import given, strategies as st

from openapi_client import IamV2ApiKey
from openapi_client.exceptions import NotFoundException
from openapi_client.workflows import LeaseOptions, Outcome, RotationError, RotationStep
from openapi_client.workflows._claims import _MARKER
from openapi_client.workflows.rotation import (
    CreateKey,
    DeleteKey,
    Describe,
    Effect,
    FindReplacements,
    HandOver,
    Lease,
    MarkerState,
    Pause,
    ReadKey,
    RotationRequest,
    RotationResult,
    WaitUsable,
    plan_rotation,
    read_lease,
    read_marker,
    replacement_description,
    rotation_flow,
    takes_key_handover,
    with_lease,
)
from openapi_client.workflows.usability import Strategy, Usability

LEASE = LeaseOptions(duration=100.0, clock_skew=1.0, read_lag=0.5, write_window=2.0, step_margin=5.0)
NEW = IamV2ApiKey.from_dict({"id": "NEW1", "spec": {"secret": "s3cr3t-value", "owner": {"id": "sa-1"}}})


class VirtualClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def wall(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now


class Service:
    """Keys by id (their descriptions), answering the flow's reads, writes and lists."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.descriptions: Dict[str, str] = {"OLD1": "billing"}
        self.created: Dict[str, float] = {}

    def key(self, key_id: str) -> IamV2ApiKey:
        if key_id not in self.descriptions:
            raise NotFoundException(status=404, reason="Not Found")
        created = dt.datetime.fromtimestamp(self.created.get(key_id, 0.0), tz=dt.timezone.utc).isoformat()
        return IamV2ApiKey.from_dict(
            {
                "id": key_id,
                "metadata": {"created_at": created},
                "spec": {
                    "owner": {"id": "sa-1"},
                    "resource": {"id": "lkc-1"},
                    "display_name": "svc",
                    "description": self.descriptions[key_id],
                },
            }
        )

    def add(self, key_id: str, description: str) -> None:
        self.descriptions[key_id] = description
        self.created[key_id] = self.clock.now


Answer = Callable[[Any], Any]


def drive(
    service: Service,
    seen: List[Effect],
    overrides: Optional[Dict[Type[Any], Answer]] = None,
    *,
    run_id: str = "run-a",
    dry_run: bool = False,
) -> RotationResult:
    clock = service.clock

    def create(effect: CreateKey) -> IamV2ApiKey:
        assert effect.request.spec is not None
        service.add("NEW1", effect.request.spec.description or "")
        return NEW

    def describe(effect: Describe) -> None:
        service.key(effect.key_id)
        service.descriptions[effect.key_id] = effect.description

    def pause(effect: Pause) -> None:
        clock.now += effect.seconds

    def find(effect: FindReplacements) -> List[IamV2ApiKey]:
        keys = [service.key(k) for k in service.descriptions]
        return [k for k in keys if (read_marker(k.spec.description if k.spec else None) or ("",))[0] == "OLD1"]

    answers: Dict[Type[Any], Answer] = {
        ReadKey: lambda e: service.key(e.key_id),
        Describe: describe,
        Pause: pause,
        FindReplacements: find,
        CreateKey: create,
        WaitUsable: lambda e: Usability("NEW1", Strategy.CALLER_PROBE, 2, 0.0),
        HandOver: lambda e: None,
        DeleteKey: lambda e: service.descriptions.pop(e.key_id, None),
    }
    answers.update(overrides or {})
    flow = rotation_flow(RotationRequest("OLD1", run_id, LEASE), dry_run=dry_run, clock=clock)
    try:
        effect = next(flow)
        while True:
            seen.append(effect)
            try:
                answer = answers[type(effect)](effect)
            except Exception as exc:
                effect = flow.throw(exc)
            else:
                effect = flow.send(answer)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


def fail(exc: Exception) -> Answer:
    def raise_it(effect: Any) -> Any:
        raise exc

    return raise_it


def kinds(seen: List[Effect]) -> List[str]:
    return [type(e).__name__ for e in seen]


def test_the_steps_in_order() -> None:
    service = Service(VirtualClock())
    seen: List[Effect] = []
    result = drive(service, seen)
    assert kinds(seen) == [
        "ReadKey",  # the key is free
        "Describe",  # the claim
        "Pause",  # settle: write_window + 2 * read_lag
        "ReadKey",  # the claim is seen: ours
        "FindReplacements",
        "CreateKey",
        "WaitUsable",
        "ReadKey",  # re-check before the handover
        "Describe",  # handing over
        "HandOver",
        "Describe",  # handed over
        "ReadKey",  # re-check before the delete
        "DeleteKey",
    ]
    claim = seen[1]
    assert (
        isinstance(claim, Describe)
        and claim.key_id == "OLD1"
        and claim.description.startswith("billing [rotation lease run-a until ")
    )
    assert seen[2] == Pause(LEASE.settle) and LEASE.settle == 3.0
    handover = seen[9]
    assert isinstance(handover, HandOver) and handover.details.secret == "s3cr3t-value"
    assert (
        "s3cr3t" not in repr(handover) and handover.details.old_key_id == "OLD1" and handover.details.run_id == "run-a"
    )
    assert seen[8] == Describe("NEW1", "billing [rotation of OLD1 by run-a: handing over]")
    assert seen[10] == Describe("NEW1", "billing [rotation of OLD1 by run-a: handed over]")
    assert seen[-1] == DeleteKey("OLD1")
    assert result.outcome is Outcome.ROTATED and service.descriptions == {
        "NEW1": "billing [rotation of OLD1 by run-a: handed over]"
    }


def test_dry_run_only_reads() -> None:
    seen: List[Effect] = []
    assert drive(Service(VirtualClock()), seen, dry_run=True).outcome is Outcome.PLANNED
    assert kinds(seen) == ["ReadKey", "FindReplacements"]


def test_a_live_claim_of_another_run_is_skipped_after_one_read() -> None:
    service = Service(VirtualClock())
    service.descriptions["OLD1"] = with_lease("billing", Lease("run-b", service.clock.now + 10))
    seen: List[Effect] = []
    result = drive(service, seen)
    assert result.outcome is Outcome.SKIPPED and result.reason is not None and "run-b" in result.reason
    assert kinds(seen) == ["ReadKey"]


def test_an_expired_claim_is_taken_over_and_its_replacements_listed() -> None:
    service = Service(VirtualClock())
    service.descriptions["OLD1"] = with_lease("billing", Lease("run-b", service.clock.now - LEASE.clock_skew - 0.01))
    service.add("GONE1", "billing [rotation of OLD1 by run-b: pending]")
    seen: List[Effect] = []
    result = drive(service, seen)
    assert result.outcome is Outcome.ROTATED and result.steps[:2] == (RotationStep.CLAIM, RotationStep.DISCARD_STALE)
    assert DeleteKey("GONE1") in seen and set(service.descriptions) == {"NEW1"}


def test_losing_the_race_for_the_claim_changes_nothing_more() -> None:
    service = Service(VirtualClock())

    def someone_else_writes_last(effect: Pause) -> None:
        service.clock.now += effect.seconds
        service.descriptions["OLD1"] = with_lease("billing", Lease("run-b", service.clock.now + 50))

    seen: List[Effect] = []
    result = drive(service, seen, {Pause: someone_else_writes_last})
    assert result.outcome is Outcome.SKIPPED and "run-b" in (result.reason or "")
    assert kinds(seen) == ["ReadKey", "Describe", "Pause", "ReadKey"]


def test_a_claim_written_too_slowly_twice_is_given_up_and_released() -> None:
    service = Service(VirtualClock())

    def slow(effect: Describe) -> None:
        service.clock.now += LEASE.write_window + 0.1
        service.descriptions[effect.key_id] = effect.description

    seen: List[Effect] = []
    result = drive(service, seen, {Describe: slow})
    assert result.outcome is Outcome.SKIPPED and "write_window" in (result.reason or "") and result.contended
    assert CreateKey not in [type(e) for e in seen]
    claims = [e for e in seen if isinstance(e, Describe) and "until" in e.description]
    assert len(claims) == 2  # tried once more from a fresh read
    lease = read_lease(service.descriptions["OLD1"])
    assert lease == Lease("run-a", None)  # released: the next run need not wait for it


def test_a_claim_written_too_slowly_once_is_claimed_again_from_a_fresh_read() -> None:
    service = Service(VirtualClock())
    slow_writes = [1]

    def slow_once(effect: Describe) -> None:
        if slow_writes and "until" in effect.description:
            slow_writes.pop()
            service.clock.now += LEASE.write_window + 0.1
        service.descriptions[effect.key_id] = effect.description

    result = drive(service, [], {Describe: slow_once})
    assert result.outcome is Outcome.ROTATED and set(service.descriptions) == {"NEW1"}


def test_a_claim_seen_late_waits_a_whole_settle_time_again() -> None:
    service = Service(VirtualClock())
    stale_reads = [service.key("OLD1")]  # the first read back still shows the key as it was

    def lagging(effect: ReadKey) -> IamV2ApiKey:
        if stale_reads and kinds_seen.count("Pause") == 1:
            return stale_reads.pop()
        return service.key(effect.key_id)

    kinds_seen: List[str] = []
    seen: List[Effect] = []

    def pause(effect: Pause) -> None:
        kinds_seen.append("Pause")
        service.clock.now += effect.seconds

    result = drive(service, seen, {ReadKey: lagging, Pause: pause})
    assert result.outcome is Outcome.ROTATED
    assert kinds(seen)[:8] == ["ReadKey", "Describe", "Pause", "ReadKey", "Pause", "ReadKey", "Pause", "ReadKey"]
    assert seen[6] == Pause(LEASE.settle)


def test_a_claim_lost_before_the_handover_deletes_the_new_key_and_hands_nothing_over() -> None:
    service = Service(VirtualClock())

    def taken(effect: WaitUsable) -> Usability:
        service.descriptions["OLD1"] = with_lease("billing", Lease("run-b", service.clock.now + 50))
        return Usability("NEW1", Strategy.CALLER_PROBE, 2, 0.0)

    seen: List[Effect] = []
    with pytest.raises(RotationError) as caught:
        drive(service, seen, {WaitUsable: taken})
    assert caught.value.step is RotationStep.RECHECK and caught.value.new_key_deleted
    assert HandOver not in [type(e) for e in seen] and "NEW1" not in service.descriptions
    assert read_lease(service.descriptions["OLD1"]) == Lease("run-b", service.clock.now + 50)  # not released by us


def test_a_handover_that_outlasts_the_claim_stops_before_any_delete() -> None:
    service = Service(VirtualClock())

    def slow(effect: HandOver) -> None:
        service.clock.now += LEASE.duration

    seen: List[Effect] = []
    with pytest.raises(RotationError) as caught:
        drive(service, seen, {HandOver: slow})
    assert caught.value.both_keys_remain and caught.value.step is RotationStep.HANDOVER
    assert type(seen[-1]) is HandOver and set(service.descriptions) == {"OLD1", "NEW1"}
    assert read_marker(service.descriptions["NEW1"]) == ("OLD1", MarkerState.HANDING_OVER)


def test_create_failure_deletes_only_a_key_this_run_made() -> None:
    service = Service(VirtualClock())
    service.add("OTHER", "[rotation of OLD1 by run-z: handing over]")

    def lost_answer(effect: CreateKey) -> None:
        assert effect.request.spec is not None
        service.add("GHOST", effect.request.spec.description or "")
        raise ConnectionError("reset")

    seen: List[Effect] = []
    with pytest.raises(RotationError) as caught:
        drive(service, seen, {CreateKey: lost_answer})
    assert DeleteKey("GHOST") in seen and DeleteKey("OTHER") not in seen
    assert caught.value.new_key_deleted and caught.value.new_key_id == "GHOST"
    assert read_lease(service.descriptions["OLD1"]) == Lease("run-a", None)


@pytest.mark.parametrize("failing", [WaitUsable, HandOver])
def test_failures_before_the_handover_completes_delete_the_new_key(failing: Type[Any]) -> None:
    service = Service(VirtualClock())
    seen: List[Effect] = []
    with pytest.raises(RotationError) as caught:
        drive(service, seen, {failing: fail(RuntimeError("boom"))})
    assert DeleteKey("NEW1") in seen and caught.value.new_key_deleted
    assert "NEW1" not in service.descriptions
    assert read_lease(service.descriptions["OLD1"]) == Lease("run-a", None)


def test_a_create_answer_without_a_secret_is_a_create_failure() -> None:
    secretless = IamV2ApiKey.from_dict({"id": "NEW1", "spec": {}})
    with pytest.raises(RotationError, match="carries no id or secret") as caught:
        drive(Service(VirtualClock()), [], {CreateKey: lambda e: secretless})
    assert caught.value.step is RotationStep.CREATE


def _key(key_id: str, description: str, created: int) -> IamV2ApiKey:
    return IamV2ApiKey.from_dict(
        {
            "id": key_id,
            "metadata": {"created_at": f"2026-01-0{created}T00:00:00Z"},
            "spec": {"owner": {"id": "sa-1"}, "description": description},
        }
    )


def test_the_newest_replacement_that_may_be_in_use_decides_the_plan() -> None:
    old = _key("OLD1", "x [rotation lease run-a until 2026-01-01T00:00:00.000Z]", 1)
    handed = _key("H1", "[rotation of OLD1 by r1: handed over]", 2)
    handing = _key("P1", "[rotation of OLD1 by r2: handing over]", 3)
    pending = _key("Q1", "[rotation of OLD1 by r3: pending]", 4)
    again = plan_rotation(old, [handed, handing, pending])
    assert (again.resume_with, again.stale, again.in_use) == (None, ("Q1",), ("H1", "P1"))
    assert again.description == "x"  # the lease is not copied to the replacement
    resume = plan_rotation(old, [handing, _key("H2", "[rotation of OLD1: handed over]", 5)])
    assert (resume.resume_with, resume.in_use) == ("H2", ("P1",))


def test_a_handover_taking_one_argument_gets_the_whole_handover() -> None:
    def one(handover: Any) -> None: ...

    def two(key_id: str, secret: str) -> None: ...

    assert takes_key_handover(one) and not takes_key_handover(two)
    assert not takes_key_handover(lambda *args: None) and takes_key_handover(lambda h, extra=1: None)


_ids = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=16)
_runs = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-._:", min_size=1, max_size=64)


@given(
    old=_ids,
    base=st.one_of(st.none(), st.text(max_size=200)),
    state=st.sampled_from(list(MarkerState)),
    run=st.one_of(st.none(), _runs),
)
def test_a_description_carries_exactly_one_marker_whatever_it_said_before(
    old: str, base: Optional[str], state: MarkerState, run: Optional[str]
) -> None:
    text = replacement_description(old, base, state, run)
    assert read_marker(text) == (old, state)
    assert len(_MARKER.findall(text)) == 1 and read_lease(text) is None
    assert replacement_description(old, text, state, run) == text  # idempotent: re-marking does not pile up


@given(
    base=st.one_of(st.none(), st.text(max_size=200)),
    run=_runs,
    until=st.one_of(st.none(), st.floats(min_value=0, max_value=4e9)),
)
def test_a_lease_round_trips_to_the_millisecond_and_replaces_any_earlier_one(
    base: Optional[str], run: str, until: Optional[float]
) -> None:
    text = with_lease(with_lease(base, Lease("earlier", 1.0)), Lease(run, until))
    lease = read_lease(text)
    assert lease is not None and lease.run_id == run
    if until is None:
        assert lease.until is None
    else:
        assert lease.until is not None and abs(lease.until - until) <= 0.001
    assert text.count("[rotation lease") == 1
    assert read_lease(with_lease(text, None)) is None


def test_a_stale_read_back_showing_an_expired_claim_is_not_a_lost_race() -> None:
    service = Service(VirtualClock())
    expired = with_lease("billing", Lease("run-dead", service.clock.now - 100))
    service.descriptions["OLD1"] = expired
    served: List[int] = []

    def one_stale_read(effect: ReadKey) -> IamV2ApiKey:
        served.append(1)
        if len(served) == 2:  # the first read back still shows the dead run's expired lease
            return IamV2ApiKey.from_dict(
                {**service.key("OLD1").to_dict(), "spec": {"owner": {"id": "sa-1"}, "description": expired}}
            )
        return service.key(effect.key_id)

    result = drive(service, [], {ReadKey: one_stale_read})
    assert result.outcome is Outcome.ROTATED


def test_fresh_reads_in_a_row_must_all_show_the_claim() -> None:
    service = Service(VirtualClock())
    clock = service.clock
    seen: List[Effect] = []
    options = LeaseOptions(
        duration=100.0, clock_skew=1.0, read_lag=0.5, write_window=2.0, step_margin=5.0, fresh_reads=3
    )
    reads = 0

    def taken_on_the_third_read(effect: ReadKey) -> IamV2ApiKey:
        nonlocal reads
        reads += 1
        if reads == 4:  # the read before this one showed ours; this one shows a later writer's
            service.descriptions["OLD1"] = with_lease("billing", Lease("run-b", clock.now + 50))
        return service.key(effect.key_id)

    flow = rotation_flow(RotationRequest("OLD1", "run-a", options), clock=clock)
    effect = next(flow)
    try:
        while True:
            seen.append(effect)
            if isinstance(effect, ReadKey):
                answer: Any = taken_on_the_third_read(effect)
            elif isinstance(effect, Describe):
                service.descriptions[effect.key_id] = effect.description
                answer = None
            else:
                clock.now += effect.seconds if isinstance(effect, Pause) else 0
                answer = None
            effect = flow.send(answer)
    except StopIteration as done:
        result: RotationResult = done.value
    assert result.outcome is Outcome.SKIPPED and "run-b" in (result.reason or "")
    assert kinds(seen) == ["ReadKey", "Describe", "Pause", "ReadKey", "ReadKey", "ReadKey"]
