"""Rotating an API key: the claim, steps, markers, plans, results and errors (pure, no I/O).

A rotation replaces key ``old`` by a new key with the same owner and resource. Runs may
overlap (two CronJob runs, two machines), crash at any step and be run again, so a run
first **claims** ``old`` and keeps checking that it still holds the claim:

1. read ``old``; another run's live claim on it means: skip it (:attr:`Outcome.SKIPPED`);
2. claim it: append a lease ``[rotation lease <run id> until <UTC time>]`` to its
   description (PATCH), wait :attr:`LeaseOptions.settle` seconds, and read it back until
   the run sees its own lease (another run's lease means it lost: skip);
3. list the replacements earlier runs left (their description's marker
   ``[rotation of <old> by <run id>: <state>]``) and decide (:func:`plan_rotation`);
4. re-check the claim, then delete replacements left *pending* by a dead run;
5. create the replacement, marked ``pending``; wait until it is usable;
6. re-check the claim, mark the replacement ``handing over``, hand it over (the caller's
   ``handover``), mark it ``handed over``;
7. re-check the claim, delete every older replacement that may have been handed over,
   then ``old`` (its lease goes with it).

The marker states are what a later run needs: ``pending`` was never handed over (when its
run is dead, nobody holds its secret: it is deleted); ``handing over`` may have been (the
run may have died inside the handover): it counts as in use and is deleted only after a
newer replacement was handed over; ``handed over`` is in use: only the delete of ``old``
was left (:attr:`Outcome.RESUMED`). docs/Workflows.md states what this guarantees and under
which assumptions (how far reads lag, clock skew, how long a step may take).

This module holds the plans and the flow; the handover, the markers and leases, the results
and errors, and a batch's selection live in private modules (``_handover``, ``_claims``,
``_rotation_results``, ``_selection``) and are importable from here.

The drivers are :mod:`openapi_client.workflows.sync` and :mod:`openapi_client.workflows.aio`;
both perform the effects :func:`rotation_flow` yields.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Generator, Iterable, List, NoReturn, Optional, Sequence, Tuple, TypeVar, Union

from openapi_client.exceptions import ApiConnectionError, ApiValueError, ConflictException, OpenApiException
from openapi_client.models.global_object_reference import GlobalObjectReference
from openapi_client.models.iam_v2_api_key import IamV2ApiKey
from openapi_client.models.iam_v2_api_key_spec import IamV2ApiKeySpec
from openapi_client.models.object_reference import ObjectReference
from openapi_client.readiness import is_gone

# The pieces a rotation is made of, each in its own module, importable from here as before.
from openapi_client.workflows._claims import (
    SYSTEM_CLOCK as SYSTEM_CLOCK,
    Clock as Clock,
    Lease as Lease,
    LeaseOptions as LeaseOptions,
    MarkerState as MarkerState,
    SystemClock as SystemClock,
    check_lease_options as check_lease_options,
    check_run_id as check_run_id,
    marker as marker,
    marker_run as marker_run,
    new_run_id as new_run_id,
    read_lease as read_lease,
    read_marker as read_marker,
    replacement_description as replacement_description,
    strip_marker as strip_marker,
    utc_text,
    with_lease as with_lease,
)
from openapi_client.workflows._handover import (
    Handover as Handover,
    KeyHandover as KeyHandover,
    check_handover as check_handover,
    handover_arguments as handover_arguments,
    takes_key_handover as takes_key_handover,
)
from openapi_client.workflows._rotation_results import (
    ClaimLost as ClaimLost,
    Outcome as Outcome,
    RotationError as RotationError,
    RotationResult as RotationResult,
    RotationStep as RotationStep,
    check_old_key_id as check_old_key_id,
    check_workers as check_workers,
    failed as failed,
)
from openapi_client.workflows._selection import (
    KeySelection as KeySelection,
    RotationSummary as RotationSummary,
    Selected as Selected,
    check_selection as check_selection,
    creation_time,
    own_keys_last as own_keys_last,
    select as select,
    shuffled as shuffled,
    signing_key_ids as signing_key_ids,
)
from openapi_client.workflows.usability import Usability

__all__ = [
    "Handover",
    "KeyHandover",
    "KeySelection",
    "Lease",
    "LeaseOptions",
    "MarkerState",
    "Outcome",
    "RotationError",
    "RotationPlan",
    "RotationRequest",
    "RotationResult",
    "RotationStep",
    "RotationSummary",
    "plan_rotation",
    "read_lease",
    "read_marker",
    "replacement_description",
    "rotation_flow",
]

logger = logging.getLogger("openapi_client.workflows")


def key_is_gone(error: BaseException) -> bool:
    """Whether ``error``, from a read or delete of a key known to exist, says it does not any
    more (:func:`openapi_client.readiness.is_gone`: a 404, or Confluent's 403
    ``forbidden_access`` for a deleted key)."""
    return is_gone(error)


# -- plans -------------------------------------------------------------------------------


def resource_of(key: IamV2ApiKey) -> Optional[ObjectReference]:
    """The key's resource as a reference fit for a create request (``None``: no resource)."""
    resource = key.spec.resource if key.spec is not None else None
    if resource is None:
        return None
    return ObjectReference(id=resource.id, environment=resource.environment)


def owner_of(key: IamV2ApiKey) -> Optional[str]:
    return key.spec.owner.id if key.spec is not None and key.spec.owner is not None else None


@dataclass(frozen=True)
class RotationPlan:
    """What a rotation of ``old_key_id`` will do, decided from what the service holds now.

    ``resume_with``: the newest replacement was handed over: only the deletes are left.
    ``stale``: replacements left pending by a run that is gone (deleted first).
    ``in_use``: replacements that may have been handed over, other than ``resume_with``;
    deleted only after a newer replacement has been handed over.
    """

    old_key_id: str
    owner_id: str
    resource: Optional[ObjectReference]
    display_name: Optional[str]
    description: str
    resume_with: Optional[str] = None
    stale: Tuple[str, ...] = ()
    in_use: Tuple[str, ...] = ()
    run_id: Optional[str] = None

    @property
    def actions(self) -> Tuple[str, ...]:
        """Human-readable steps, as a dry run reports them."""
        steps = [f"claim {self.old_key_id}"]
        steps += [f"delete {stale} (a replacement left pending by an interrupted run)" for stale in self.stale]
        if self.resume_with is not None:
            steps += [f"delete {older} (an older replacement)" for older in self.in_use]
            steps.append(f"delete {self.old_key_id} (replacement {self.resume_with} was already handed over)")
            return tuple(steps)
        target = self.resource.id if self.resource is not None else "no resource"
        steps += [
            f"create a key for owner {self.owner_id} on {target}",
            "wait until it is usable",
            "hand it over",
        ]
        steps += [f"delete {older} (a replacement an interrupted run may have handed over)" for older in self.in_use]
        steps.append(f"delete {self.old_key_id}")
        return tuple(steps)

    def create_request(self) -> IamV2ApiKey:
        """The body of the create call for the replacement."""
        return IamV2ApiKey(
            spec=IamV2ApiKeySpec(
                owner=GlobalObjectReference(id=self.owner_id),
                resource=self.resource,
                display_name=self.display_name,
                description=self.described(MarkerState.PENDING),
            )
        )

    def described(self, state: MarkerState) -> str:
        return replacement_description(self.old_key_id, self.description, state, self.run_id)


KeyT = TypeVar("KeyT", bound=IamV2ApiKey)


def replacements_of(old_key_id: str, keys: Iterable[KeyT]) -> List[KeyT]:
    """The keys whose marker says they replace ``old_key_id``."""
    found = []
    for key in keys:
        read = read_marker(key.spec.description if key.spec is not None else None)
        if read is not None and read[0] == old_key_id and key.id != old_key_id:
            found.append(key)
    return found


def plan_rotation(
    old: IamV2ApiKey,
    replacements: Sequence[IamV2ApiKey],
    *,
    display_name: Optional[str] = None,
    description: Optional[str] = None,
    run_id: Optional[str] = None,
) -> RotationPlan:
    """Decide the rotation of ``old`` given the replacements found for it (their runs are
    gone: the caller holds the claim).

    The newest replacement that may have been handed over decides: marked ``handed over``,
    only the deletes are left; marked ``handing over``, a new replacement is made and it
    is deleted after the new one is handed over. ``display_name`` defaults to the old
    key's; ``description`` to the old key's too (its lease removed), and the marker is
    always appended.
    """
    if old.id is None:
        raise OpenApiException("the old key has no id")
    owner = owner_of(old)
    if owner is None:
        raise OpenApiException(f"API key {old.id} has no owner: a replacement cannot be made for it")
    in_use = sorted(
        (k for k in replacements if k.id and _state(k) in (MarkerState.HANDED_OVER, MarkerState.HANDING_OVER)),
        key=creation_time,
    )
    pending = tuple(k.id for k in replacements if k.id and _state(k) is MarkerState.PENDING)
    newest = in_use[-1] if in_use else None
    resume = newest is not None and _state(newest) is MarkerState.HANDED_OVER
    old_spec = old.spec or IamV2ApiKeySpec()
    return RotationPlan(
        old_key_id=old.id,
        owner_id=owner,
        resource=resource_of(old),
        display_name=display_name if display_name is not None else old_spec.display_name,
        description=strip_marker(description if description is not None else old_spec.description),
        resume_with=newest.id if resume and newest is not None else None,
        stale=pending,
        in_use=tuple(k.id for k in (in_use[:-1] if resume else in_use) if k.id),
        run_id=run_id,
    )


def _state(key: IamV2ApiKey) -> Optional[MarkerState]:
    read = read_marker(key.spec.description if key.spec is not None else None)
    return read[1] if read is not None else None


def scope_of(old: IamV2ApiKey) -> Tuple[Optional[str], Optional[str]]:
    """The owner and resource ids a replacement of ``old`` shares (the list filters that
    find an earlier, interrupted rotation's replacement)."""
    resource = old.spec.resource if old.spec is not None else None
    return owner_of(old), resource.id if resource is not None else None


# -- the rotation as a sans-I/O flow ---------------------------------------------------
#
# ``rotation_flow`` yields what it needs done (an effect) and is sent back the answer, or
# has the driver's exception thrown into it. The sync driver performs effects with the
# blocking client; the async driver performs the same effects with ``await``. The claim,
# the order of the steps, the clean-up rules and the results are decided here, once.


@dataclass(frozen=True)
class ReadKey:
    """Read ``key_id``. Answer: the :class:`IamV2ApiKey` (a missing key raises)."""

    key_id: str


@dataclass(frozen=True)
class DeleteKey:
    """Delete ``key_id``; a key already gone counts as done. Answer: ``None``."""

    key_id: str


@dataclass(frozen=True)
class CreateKey:
    """Create the replacement. Answer: the created :class:`IamV2ApiKey` (id and secret)."""

    request: IamV2ApiKey


@dataclass(frozen=True)
class WaitUsable:
    """Wait until the created key is usable. Answer: a :class:`Usability`."""

    created: IamV2ApiKey


@dataclass(frozen=True)
class HandOver:
    """Call the caller's handover with ``details``. Answer: ``None``."""

    details: KeyHandover

    @property
    def key_id(self) -> str:
        return self.details.new_key_id


@dataclass(frozen=True)
class Describe:
    """Set ``key_id``'s description (a lease or a marker). Answer: ``None``."""

    key_id: str
    description: str


@dataclass(frozen=True)
class Pause:
    """Let ``seconds`` pass. Answer: ``None``."""

    seconds: float


@dataclass(frozen=True)
class FindReplacements:
    """List the keys of ``owner_id`` (on ``resource_id``) marked as replacing ``old_key_id``.
    Answer: a list of :class:`IamV2ApiKey`."""

    old_key_id: str
    owner_id: str
    resource_id: Optional[str]


Effect = Union[ReadKey, DeleteKey, CreateKey, WaitUsable, HandOver, Describe, Pause, FindReplacements]
RotationFlow = Generator[Effect, Any, RotationResult]


@dataclass(frozen=True)
class RotationRequest:
    """One rotation as a driver asks for it.

    ``known_replacements``: what a batch's listing showed for this key (``None``: nothing
    is known, list them after claiming). ``gone_is_ok``: a key that no longer exists is
    :attr:`Outcome.GONE` rather than an error (a batch, where another run may have rotated
    it since the listing).
    """

    old_key_id: str
    run_id: str
    lease: LeaseOptions = field(default_factory=LeaseOptions)
    display_name: Optional[str] = None
    description: Optional[str] = None
    known_replacements: Optional[Sequence[IamV2ApiKey]] = None
    gone_is_ok: bool = False


class _Claim:
    """The run's claim on the old key: when it ends, by this machine's two clocks."""

    def __init__(self, request: RotationRequest, clock: Clock) -> None:
        self.request = request
        self.clock = clock
        self.until = clock.wall() + request.lease.duration
        self.until_monotonic = clock.monotonic() + request.lease.duration
        self.lease = Lease(request.run_id, self.until)

    def remaining(self) -> float:
        return min(self.until - self.clock.wall(), self.until_monotonic - self.clock.monotonic())

    def enough_left(self) -> bool:
        return self.remaining() >= self.request.lease.step_margin

    def is_ours(self, key: IamV2ApiKey) -> bool:
        lease = read_lease(key.spec.description if key.spec is not None else None)
        return lease is not None and lease.run_id == self.request.run_id and lease.until is not None


def _description(key: IamV2ApiKey) -> Optional[str]:
    return key.spec.description if key.spec is not None else None


def rotation_flow(request: RotationRequest, *, dry_run: bool = False, clock: Clock = SYSTEM_CLOCK) -> RotationFlow:
    """The rotation ``request`` asks for, as a sequence of effects; returns the
    :class:`RotationResult`.

    Raises :class:`RotationError` for a failed step (exceptions thrown in by the driver are
    its cause), after cleaning up what the rules say.
    """
    old_id, run_id, options = request.old_key_id, request.run_id, request.lease
    logger.info("rotation of %s: %s (run %s)", old_id, RotationStep.LOOKUP.value, run_id)
    read_at = clock.monotonic()
    try:
        old: IamV2ApiKey = yield ReadKey(old_id)
        if owner_of(old) is None:
            plan_rotation(old, [])  # raises, naming the key without an owner
    except Exception as exc:
        if request.gone_is_ok and key_is_gone(exc):
            return _gone(request)
        raise RotationError(RotationStep.LOOKUP, old_id, exc) from exc
    found_lease = read_lease(_description(old))
    if found_lease is not None and found_lease.run_id != run_id and found_lease.live(clock.wall(), options.clock_skew):
        return _skipped(request, found_lease, "holds a live claim on it")

    if dry_run:
        plan = yield from _plan(request, old, found_lease)
        for action in plan.actions:
            logger.info("rotation of %s (dry run): would %s", old_id, action)
        return RotationResult(old_id, Outcome.PLANNED, new_key_id=plan.resume_with, plan=plan, run_id=run_id)

    claim_or_result = yield from _claim(request, old, read_at, clock)
    if isinstance(claim_or_result, _SlowClaim):
        # Given up and released: claiming again from a fresh read is as safe as the first time.
        read_at = clock.monotonic()
        try:
            old = yield ReadKey(old_id)
        except Exception as exc:
            if request.gone_is_ok and key_is_gone(exc):
                return _gone(request)
            raise RotationError(RotationStep.LOOKUP, old_id, exc) from exc
        again = read_lease(_description(old))
        if again is not None and again.run_id != run_id and again.live(clock.wall(), options.clock_skew):
            return _skipped(request, again, "holds a live claim on it")
        claim_or_result = yield from _claim(request, old, read_at, clock)
    if isinstance(claim_or_result, _SlowClaim):
        return claim_or_result.result
    if isinstance(claim_or_result, RotationResult):
        return claim_or_result
    claim = claim_or_result
    steps: List[RotationStep] = [RotationStep.CLAIM]
    try:
        plan = yield from _plan(request, old, found_lease)
    except RotationError:
        yield from _release(claim, old_id)
        raise

    if plan.stale:
        yield from _recheck(claim, RotationStep.DISCARD_STALE)
        for stale in plan.stale:
            logger.info("rotation of %s: %s %s", old_id, RotationStep.DISCARD_STALE.value, stale)
            _hold(claim, RotationStep.DISCARD_STALE)
            try:
                yield DeleteKey(stale)
            except Exception as exc:
                yield from _release(claim, old_id)
                raise RotationError(RotationStep.DISCARD_STALE, old_id, exc, new_key_id=stale) from exc
            steps.append(RotationStep.DISCARD_STALE)

    if plan.resume_with is not None:
        logger.info("rotation of %s: resuming, %s was handed over already", old_id, plan.resume_with)
        yield from _finish(claim, plan, plan.resume_with, steps)
        return RotationResult(
            old_id, Outcome.RESUMED, new_key_id=plan.resume_with, steps=tuple(steps), plan=plan, run_id=run_id
        )

    logger.info("rotation of %s: %s", old_id, RotationStep.CREATE.value)
    _hold(claim, RotationStep.CREATE)
    try:
        created: IamV2ApiKey = yield CreateKey(plan.create_request())
        if created.id is None or created.spec is None or created.spec.secret is None:
            raise ApiValueError("the create answer carries no id or secret")
        new_id, secret = created.id, created.spec.secret.get_secret_value()
    except Exception as exc:
        error = yield from _after_failed_create(plan, exc, options.fresh_reads)
        yield from _release(claim, old_id)
        raise error from exc
    steps.append(RotationStep.CREATE)
    logger.info("rotation of %s: created %s; %s", old_id, new_id, RotationStep.WAIT.value)

    step = RotationStep.WAIT
    try:
        usability: Usability = yield WaitUsable(created)
        steps.append(step)
        step = RotationStep.RECHECK
        yield from _recheck(claim, RotationStep.PREPARE_HANDOVER, raise_lost=True)
        step = RotationStep.PREPARE_HANDOVER
        yield Describe(new_id, plan.described(MarkerState.HANDING_OVER))
        steps.append(step)
    except Exception as exc:
        yield from _delete_unused(claim, step, old_id, new_id, secret, exc)

    details = KeyHandover(
        old_key_id=old_id,
        new_key_id=new_id,
        secret=secret,
        owner_id=plan.owner_id,
        resource_id=plan.resource.id if plan.resource is not None else None,
        display_name=plan.display_name,
        run_id=run_id,
    )
    logger.info("rotation of %s: %s %s", old_id, RotationStep.HANDOVER.value, new_id)
    try:
        _hold(claim, RotationStep.HANDOVER, raise_lost=True)
        yield HandOver(details)
    except Exception as exc:
        # Either the claim ran short before the call, or the caller's handover said "not
        # stored": nobody holds the secret.
        failed_step = RotationStep.RECHECK if isinstance(exc, ClaimLost) else RotationStep.HANDOVER
        yield from _delete_unused(claim, failed_step, old_id, new_id, secret, exc)
    steps.append(RotationStep.HANDOVER)
    if claim.remaining() < 0:
        # The claim ran out inside the handover: another run may be rotating the key now.
        # The replacement stays marked "handing over": a later run keeps it until it has
        # handed over a newer one.
        cause = ClaimLost(f"the handover outlasted the claim (lease duration {options.duration:g}s)")
        raise RotationError(RotationStep.HANDOVER, old_id, cause, new_key_id=new_id, both_keys_remain=True)

    warnings = []
    logger.info("rotation of %s: %s %s", old_id, RotationStep.MARK.value, new_id)
    marked = False
    try:
        yield Describe(new_id, plan.described(MarkerState.HANDED_OVER))
        steps.append(RotationStep.MARK)
        marked = True
    except Exception as exc:
        # The secret is out: finishing the rotation is safer than stopping here. Marked
        # "handing over", the replacement still counts as in use for any later run.
        logger.warning("rotation of %s: could not mark %s as handed over (%s)", old_id, new_id, type(exc).__name__)
        warnings.append(
            f"{new_id} was handed over but is still marked '{MarkerState.HANDING_OVER.value}' in its description"
        )
    yield from _finish(claim, plan, new_id, steps, still_marked_handing_over=not marked)
    logger.info("rotation of %s: done, replaced by %s", old_id, new_id)
    return RotationResult(
        old_id,
        Outcome.ROTATED,
        new_key_id=new_id,
        steps=tuple(steps),
        plan=plan,
        usability=usability,
        warnings=tuple(warnings),
        run_id=run_id,
    )


def _gone(request: RotationRequest) -> RotationResult:
    reason = f"{request.old_key_id} no longer exists (another run may have rotated it)"
    logger.info("rotation of %s: skipped, %s", request.old_key_id, reason)
    return RotationResult(request.old_key_id, Outcome.GONE, reason=reason, run_id=request.run_id)


def _skipped(request: RotationRequest, lease: Lease, what: str, *, contended: bool = False) -> RotationResult:
    until = "" if lease.until is None else f" until {utc_text(lease.until)}"
    reason = f"run {lease.run_id} {what}{until}"
    logger.info("rotation of %s: skipped, %s", request.old_key_id, reason)
    return RotationResult(
        request.old_key_id, Outcome.SKIPPED, reason=reason, run_id=request.run_id, contended=contended
    )


@dataclass(frozen=True)
class _SlowClaim:
    """A claim given up (and released) because it took longer than ``write_window``."""

    result: RotationResult


def _claim(
    request: RotationRequest, old: IamV2ApiKey, read_at: float, clock: Clock
) -> Generator[Effect, Any, Union[_Claim, _SlowClaim, RotationResult]]:
    """Write the lease and read it back; the claim, or the result of a run that did not get it.

    The read that found the key free and the claim's answer must lie within
    ``write_window``; then, ``settle`` seconds on, a run that wrote later than this one in
    that window is visible (Fischer's mutual exclusion: the last writer wins, and everyone
    else sees it before going on).
    """
    old_id, options = request.old_key_id, request.lease
    claim = _Claim(request, clock)
    logger.info("rotation of %s: %s", old_id, RotationStep.CLAIM.value)
    try:
        yield Describe(old_id, with_lease(_description(old), claim.lease))
    except Exception as exc:
        if isinstance(exc, ConflictException):
            return _skipped(request, Lease("(unknown)", None), "wrote the key at the same time (409)", contended=True)
        if request.gone_is_ok and key_is_gone(exc):
            return _gone(request)
        raise RotationError(RotationStep.CLAIM, old_id, exc) from exc
    took = clock.monotonic() - read_at
    if took > options.write_window:
        yield from _release(claim, old_id)
        reason = (
            f"claiming took {took:.1f}s, more than write_window ({options.write_window:g}s): another run may have"
            " claimed the key meanwhile, so this run gave its claim up"
        )
        logger.info("rotation of %s: %s", old_id, reason)
        return _SlowClaim(RotationResult(old_id, Outcome.SKIPPED, reason=reason, run_id=request.run_id, contended=True))
    yield Pause(options.settle)
    lagging = False
    in_a_row = 0
    for _ in range(options.confirm_reads + options.fresh_reads):
        try:
            seen: IamV2ApiKey = yield ReadKey(old_id)
        except Exception as exc:
            if request.gone_is_ok and key_is_gone(exc):
                return _gone(request)
            raise RotationError(RotationStep.CLAIM, old_id, exc) from exc
        lease = read_lease(_description(seen))
        if claim.is_ours(seen):
            if lagging:
                # Our write showed up late: reads lag more than assumed, so wait a whole
                # settle time again before trusting that nobody wrote after us.
                lagging = False
                yield Pause(options.settle)
                continue
            in_a_row += 1
            if in_a_row >= options.fresh_reads:
                return claim
        elif lease is not None and lease.run_id != request.run_id and lease.live(clock.wall(), options.clock_skew):
            return _skipped(request, lease, "claimed it at the same time and won", contended=True)
        else:  # the key as it was before our write (a lagging read)
            lagging, in_a_row = True, 0
            yield Pause(max(options.read_lag, 0.05))
    cause = ClaimLost(f"the claim was not seen in {options.confirm_reads} reads")
    raise RotationError(RotationStep.CLAIM, old_id, cause)


def _plan(
    request: RotationRequest, old: IamV2ApiKey, found_lease: Optional[Lease]
) -> Generator[Effect, Any, RotationPlan]:
    """The plan, after listing the replacements when any may exist: nothing is known (a
    single rotation), the batch's listing showed some, or the key carried a lease (a run
    that never finished)."""
    known = request.known_replacements
    try:
        if known is None or known or found_lease is not None or request.lease.fresh_reads > 1:
            owner, resource = scope_of(old)
            found = yield from _fresh_listing(
                FindReplacements(request.old_key_id, owner or "", resource), request.lease.fresh_reads
            )
        else:
            found = []
        return plan_rotation(
            old, found, display_name=request.display_name, description=request.description, run_id=request.run_id
        )
    except Exception as exc:
        raise RotationError(RotationStep.LOOKUP, request.old_key_id, exc) from exc


def _fresh_listing(listing: FindReplacements, fresh_reads: int) -> Generator[Effect, Any, List[IamV2ApiKey]]:
    """The last of ``fresh_reads`` listings: the first ones may still miss a recent write."""
    found: List[IamV2ApiKey] = []
    for _ in range(fresh_reads):
        found = yield listing
    return found


def _hold(claim: _Claim, before: RotationStep, *, raise_lost: bool = False) -> None:
    """Right before an effect that needs the claim: ``step_margin`` of it must be left by
    this machine's clocks (no request). Raises like :func:`_recheck`."""
    if claim.enough_left():
        return
    old_id = claim.request.old_key_id
    problem = f"less than step_margin ({claim.request.lease.step_margin:g}s) of the claim is left"
    logger.warning("rotation of %s: before '%s': %s", old_id, before.value, problem)
    lost = ClaimLost(f"before '{before.value}': {problem}")
    if raise_lost:
        raise lost
    raise RotationError(RotationStep.RECHECK, old_id, lost)


def _recheck(claim: _Claim, before: RotationStep, *, raise_lost: bool = False) -> Generator[Effect, Any, None]:
    """Before a step that deletes or hands over: the claim must still be this run's, with
    ``step_margin`` left. Raises :class:`ClaimLost` (``raise_lost``) or a
    :class:`RotationError` at :attr:`RotationStep.RECHECK`."""
    old_id = claim.request.old_key_id
    problem: Optional[str] = None
    if not claim.enough_left():
        problem = f"less than step_margin ({claim.request.lease.step_margin:g}s) of the claim is left"
    else:
        for _ in range(claim.request.lease.fresh_reads):
            try:
                seen: IamV2ApiKey = yield ReadKey(old_id)
            except Exception as exc:
                if raise_lost:
                    raise
                raise RotationError(RotationStep.RECHECK, old_id, exc) from exc
            if not claim.is_ours(seen):
                lease = read_lease(_description(seen))
                problem = f"the key now carries {lease.text() if lease else 'no claim'}"
                break
    if problem is not None:
        logger.warning("rotation of %s: before '%s': %s", old_id, before.value, problem)
        lost = ClaimLost(f"before '{before.value}': {problem}")
        if raise_lost:
            raise lost
        raise RotationError(RotationStep.RECHECK, old_id, lost)


def _delete_unused(
    claim: _Claim, step: RotationStep, old_id: str, new_id: str, secret: str, cause: Exception
) -> Generator[Effect, Any, NoReturn]:
    """The replacement was never handed over: delete it again, release, raise."""
    logger.info("rotation of %s: step '%s' failed; deleting the replacement %s", old_id, step.value, new_id)
    try:
        yield DeleteKey(new_id)
    except Exception as cleanup:
        yield from _release(claim, old_id)
        raise RotationError(step, old_id, cause, new_key_id=new_id, cleanup_error=cleanup, secrets=(secret,)) from cause
    if not isinstance(cause, ClaimLost):
        yield from _release(claim, old_id)
    raise RotationError(step, old_id, cause, new_key_id=new_id, new_key_deleted=True, secrets=(secret,)) from cause


def _finish(
    claim: _Claim,
    plan: RotationPlan,
    handed_over: str,
    steps: List[RotationStep],
    *,
    still_marked_handing_over: bool = False,
) -> Generator[Effect, Any, None]:
    """``handed_over`` is in use: re-check, delete the older replacements that may have
    been handed over, then the old key."""
    old_id = plan.old_key_id
    try:
        yield from _recheck(claim, RotationStep.DELETE_OLD, raise_lost=True)
        for older in plan.in_use:
            logger.info("rotation of %s: %s %s", old_id, RotationStep.DISCARD_OLDER.value, older)
            _hold(claim, RotationStep.DISCARD_OLDER, raise_lost=True)
            yield DeleteKey(older)
            steps.append(RotationStep.DISCARD_OLDER)
        logger.info("rotation of %s: %s", old_id, RotationStep.DELETE_OLD.value)
        _hold(claim, RotationStep.DELETE_OLD, raise_lost=True)
        yield DeleteKey(old_id)
    except Exception as exc:
        if not isinstance(exc, ClaimLost):
            yield from _release(claim, old_id)
        step = RotationStep.RECHECK if isinstance(exc, ClaimLost) else RotationStep.DELETE_OLD
        raise RotationError(
            step,
            old_id,
            exc,
            new_key_id=handed_over,
            both_keys_remain=True,
            still_marked_pending=still_marked_handing_over,
        ) from exc
    steps.append(RotationStep.DELETE_OLD)


def _release(claim: _Claim, old_id: str) -> Generator[Effect, Any, None]:
    """Mark the claim released, so the next run need not wait for it to expire; only while
    it surely is still this run's (``step_margin`` left). Best effort: the lease expires anyway."""
    if not claim.enough_left():
        return
    try:
        seen: IamV2ApiKey = yield ReadKey(old_id)
        if claim.is_ours(seen):
            yield Describe(old_id, with_lease(_description(seen), Lease(claim.request.run_id, None)))
    except Exception as exc:
        logger.info("rotation of %s: could not release the claim (%s); it expires", old_id, type(exc).__name__)


def _after_failed_create(
    plan: RotationPlan, cause: Exception, fresh_reads: int
) -> Generator[Effect, Any, RotationError]:
    """A create that failed may still have made the key (the answer was lost): find it by
    its marker and delete it, so no key with an unknown secret is left behind. Returns the
    error to raise."""
    made: List[IamV2ApiKey] = []
    try:
        listing = FindReplacements(plan.old_key_id, plan.owner_id, plan.resource.id if plan.resource else None)
        found = yield from _fresh_listing(listing, fresh_reads)
        made = [k for k in found if plan.run_id is None or marker_run(_description(k)) == plan.run_id]
        for key in made:
            if key.id is not None:
                logger.info("rotation of %s: deleting %s, made by the failed create", plan.old_key_id, key.id)
                yield DeleteKey(key.id)
    except Exception as cleanup:
        return RotationError(RotationStep.CREATE, plan.old_key_id, cause, cleanup_error=cleanup)
    orphan = made[0].id if made else None
    return RotationError(
        RotationStep.CREATE,
        plan.old_key_id,
        cause,
        new_key_id=orphan,
        new_key_deleted=orphan is not None,
        maybe_created=orphan is None and isinstance(cause, ApiConnectionError),
    )
