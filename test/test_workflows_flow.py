"""rotation_flow without I/O: the decisions an async driver reuses, driven by a scripted performer."""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Type

import pytest
from hypothesis import given, strategies as st

from openapi_client import IamV2ApiKey
from openapi_client.workflows import Outcome, RotationError, RotationStep
from openapi_client.workflows.rotation import (
    _MARKER,
    CreateKey,
    DeleteKey,
    Describe,
    Effect,
    FindReplacements,
    HandOver,
    MarkerState,
    RotationResult,
    WaitUsable,
    plan_rotation,
    read_marker,
    replacement_description,
    rotation_flow,
)
from openapi_client.workflows.usability import Strategy, Usability

OLD = IamV2ApiKey.from_dict(
    {"id": "OLD1", "spec": {"owner": {"id": "sa-1"}, "resource": {"id": "lkc-1"}, "display_name": "svc"}}
)
NEW = IamV2ApiKey.from_dict({"id": "NEW1", "spec": {"secret": "s3cr3t-value", "owner": {"id": "sa-1"}}})


def drive(answers: Dict[Type[Any], Callable[[Any], Any]], seen: List[Effect], dry_run: bool = False) -> RotationResult:
    flow = rotation_flow(plan_rotation(OLD, []), dry_run=dry_run)
    try:
        effect = next(flow)
        while True:
            seen.append(effect)
            try:
                answer = answers.get(type(effect), lambda e: None)(effect)
            except Exception as exc:
                effect = flow.throw(exc)
            else:
                effect = flow.send(answer)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]


def _ready(effect: WaitUsable) -> Usability:
    return Usability("NEW1", Strategy.CALLER_PROBE, 2, 0.0)


def fail(exc: Exception) -> Callable[[Any], Any]:
    def raise_it(effect: Any) -> Any:
        raise exc

    return raise_it


def test_the_steps_in_order() -> None:
    seen: List[Effect] = []
    result = drive({CreateKey: lambda e: NEW, WaitUsable: _ready}, seen)
    assert [type(e) for e in seen] == [CreateKey, WaitUsable, HandOver, Describe, DeleteKey]
    assert seen[2] == HandOver("NEW1", "s3cr3t-value") and "s3cr3t" not in repr(seen[2])
    assert seen[3] == Describe("NEW1", "[rotation of OLD1: handed over]")
    assert seen[4] == DeleteKey("OLD1")
    assert result.outcome is Outcome.ROTATED


def test_dry_run_yields_nothing() -> None:
    seen: List[Effect] = []
    assert drive({}, seen, dry_run=True).outcome is Outcome.PLANNED and seen == []


def test_create_failure_looks_for_a_key_made_anyway_and_deletes_it() -> None:
    seen: List[Effect] = []
    made = IamV2ApiKey.from_dict({"id": "GHOST", "spec": {"description": "[rotation of OLD1: pending]"}})
    with pytest.raises(RotationError) as caught:
        drive({CreateKey: fail(ConnectionError("reset")), FindReplacements: lambda e: [made]}, seen)
    assert seen[1:] == [FindReplacements("OLD1", "sa-1", "lkc-1"), DeleteKey("GHOST")]
    assert caught.value.new_key_deleted and caught.value.new_key_id == "GHOST"


def test_create_failure_whose_check_fails_too_says_a_replacement_may_exist() -> None:
    with pytest.raises(RotationError, match="could not be checked") as caught:
        drive({CreateKey: fail(ConnectionError("reset")), FindReplacements: fail(ConnectionError("down"))}, [])
    assert caught.value.step is RotationStep.CREATE and caught.value.cleanup_error is not None


@pytest.mark.parametrize("failing", [WaitUsable, HandOver])
def test_failures_before_the_handover_delete_the_new_key(failing: Type[Any]) -> None:
    seen: List[Effect] = []
    answers: Dict[Type[Any], Callable[[Any], Any]] = {CreateKey: lambda e: NEW, WaitUsable: _ready}
    answers[failing] = fail(RuntimeError("boom"))
    with pytest.raises(RotationError) as caught:
        drive(answers, seen)
    assert seen[-1] == DeleteKey("NEW1") and caught.value.new_key_deleted
    assert Describe not in [type(e) for e in seen]


def test_a_create_answer_without_a_secret_is_a_create_failure() -> None:
    secretless = IamV2ApiKey.from_dict({"id": "NEW1", "spec": {}})
    found: Optional[List[IamV2ApiKey]] = []
    with pytest.raises(RotationError, match="carries no id or secret") as caught:
        drive({CreateKey: lambda e: secretless, FindReplacements: lambda e: found}, [])
    assert caught.value.step is RotationStep.CREATE


_ids = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=16)


@given(old=_ids, base=st.one_of(st.none(), st.text(max_size=200)), state=st.sampled_from(list(MarkerState)))
def test_a_description_carries_exactly_one_marker_whatever_it_said_before(
    old: str, base: Optional[str], state: MarkerState
) -> None:
    text = replacement_description(old, base, state)
    assert read_marker(text) == (old, state)
    assert len(_MARKER.findall(text)) == 1
    assert replacement_description(old, text, state) == text  # idempotent: re-marking does not pile up
