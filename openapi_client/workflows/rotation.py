"""Rotating an API key: steps, markers, plans, results and errors (pure, no I/O).

A rotation replaces key ``old`` by a new key with the same owner and resource:

1. look up ``old`` and any replacement an earlier, interrupted run left behind;
2. create the replacement, its description marked ``[rotation of <old>: pending]``;
3. wait until the replacement is usable;
4. hand its secret to the caller's ``handover``;
5. mark it ``[rotation of <old>: handed over]``;
6. delete ``old``.

The marker makes a re-run safe: a handed-over replacement means only step 6 is left; a
pending one never reached anyone (its secret is lost with the crashed run), so it is
deleted before a fresh replacement is made. Failing before the handover deletes the new
key again; failing after it leaves both keys, and the error says so.

The sync driver is :mod:`openapi_client.workflows.sync`; an async driver reuses all of this.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Generator, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from openapi_client.credentials import CloudApiKey, GlobalApiKey
from openapi_client.exceptions import ApiConnectionError, ApiValueError, OpenApiException
from openapi_client.models.global_object_reference import GlobalObjectReference
from openapi_client.models.iam_v2_api_key import IamV2ApiKey
from openapi_client.models.iam_v2_api_key_spec import IamV2ApiKeySpec
from openapi_client.models.object_reference import ObjectReference
from openapi_client.workflows.ages import key_age
from openapi_client.workflows.usability import Usability

__all__ = [
    "Handover",
    "KeySelection",
    "MarkerState",
    "Outcome",
    "RotationError",
    "RotationPlan",
    "RotationResult",
    "RotationStep",
    "RotationSummary",
    "plan_rotation",
    "read_marker",
    "replacement_description",
    "rotation_flow",
]

logger = logging.getLogger("openapi_client.workflows")

Handover = Callable[[str, str], None]
"""The caller's delivery of a new key: given ``(new_key_id, secret)``, store it somewhere."""


class RotationStep(str, enum.Enum):
    """The steps of a rotation, named as errors and logs show them."""

    LOOKUP = "look up the old key"
    DISCARD_STALE = "delete a replacement an interrupted run left pending"
    CREATE = "create the replacement"
    WAIT = "wait until the replacement is usable"
    HANDOVER = "hand the replacement over"
    MARK = "mark the replacement as handed over"
    DELETE_OLD = "delete the old key"


class Outcome(str, enum.Enum):
    ROTATED = "rotated"
    RESUMED = "resumed"  # an earlier run had handed the replacement over; only the delete was left
    PLANNED = "planned"  # dry run: nothing changed
    FAILED = "failed"


class MarkerState(str, enum.Enum):
    PENDING = "pending"
    HANDED_OVER = "handed over"


_MARKER = re.compile(r"\s*\[rotation of (?P<old>[^\s\]]+): (?P<state>pending|handed over)\]")


def marker(old_key_id: str, state: MarkerState) -> str:
    return f"[rotation of {old_key_id}: {state.value}]"


def read_marker(description: Optional[str]) -> Optional[Tuple[str, MarkerState]]:
    """The ``(old_key_id, state)`` a replacement's description records, if any."""
    found = _MARKER.search(description or "")
    if found is None:
        return None
    return found.group("old"), MarkerState(found.group("state"))


def strip_marker(description: Optional[str]) -> str:
    return _MARKER.sub("", description or "").strip()


def replacement_description(old_key_id: str, base: Optional[str], state: MarkerState = MarkerState.PENDING) -> str:
    """``base`` (any earlier marker removed) followed by the marker for ``old_key_id``."""
    text = strip_marker(base)
    return f"{text} {marker(old_key_id, state)}" if text else marker(old_key_id, state)


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
    """What a rotation of ``old_key_id`` will do, decided from what the service holds now."""

    old_key_id: str
    owner_id: str
    resource: Optional[ObjectReference]
    display_name: Optional[str]
    description: str
    resume_with: Optional[str] = None  # a handed-over replacement: only delete the old key
    stale: Tuple[str, ...] = ()  # pending replacements to delete first

    @property
    def actions(self) -> Tuple[str, ...]:
        """Human-readable steps, as a dry run reports them."""
        if self.resume_with is not None:
            return (f"delete {self.old_key_id} (replacement {self.resume_with} was already handed over)",)
        target = self.resource.id if self.resource is not None else "no resource"
        steps = [f"delete {stale} (a replacement left pending by an interrupted run)" for stale in self.stale]
        steps += [
            f"create a key for owner {self.owner_id} on {target}",
            "wait until it is usable",
            "hand it over",
            f"delete {self.old_key_id}",
        ]
        return tuple(steps)

    def create_request(self) -> IamV2ApiKey:
        """The body of the create call for the replacement."""
        return IamV2ApiKey(
            spec=IamV2ApiKeySpec(
                owner=GlobalObjectReference(id=self.owner_id),
                resource=self.resource,
                display_name=self.display_name,
                description=self.description,
            )
        )


def replacements_of(old_key_id: str, keys: Iterable[IamV2ApiKey]) -> List[IamV2ApiKey]:
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
) -> RotationPlan:
    """Decide the rotation of ``old`` given the replacements found for it.

    ``display_name`` defaults to the old key's; ``description`` to the old key's too, and
    the marker is always appended.
    """
    if old.id is None:
        raise OpenApiException("the old key has no id")
    owner = owner_of(old)
    if owner is None:
        raise OpenApiException(f"API key {old.id} has no owner: a replacement cannot be made for it")
    handed_over = [k.id for k in replacements if k.id and _state(k) is MarkerState.HANDED_OVER]
    pending = tuple(k.id for k in replacements if k.id and _state(k) is MarkerState.PENDING)
    old_spec = old.spec or IamV2ApiKeySpec()
    return RotationPlan(
        old_key_id=old.id,
        owner_id=owner,
        resource=resource_of(old),
        display_name=display_name if display_name is not None else old_spec.display_name,
        description=replacement_description(old.id, description if description is not None else old_spec.description),
        resume_with=handed_over[0] if handed_over else None,
        stale=pending if not handed_over else (),
    )


def _state(key: IamV2ApiKey) -> Optional[MarkerState]:
    read = read_marker(key.spec.description if key.spec is not None else None)
    return read[1] if read is not None else None


class RotationError(OpenApiException):
    """A rotation failed at ``step``; says which keys exist now.

    The new key's secret never appears in the message, even when the failing code's own
    error text quoted it (it is replaced by ``<redacted>``).

    ``new_key_deleted``: the replacement was created and deleted again (failure before the
    handover). ``both_keys_remain``: the replacement was handed over but the old key could
    not be deleted; it still works until someone deletes it. ``still_marked_pending``: on
    top of that, marking the replacement as handed over failed too, so a re-run would take
    it for an abandoned one: delete the old key by hand instead. The original error is
    ``__cause__``.
    """

    def __init__(
        self,
        step: RotationStep,
        old_key_id: str,
        cause: BaseException,
        *,
        new_key_id: Optional[str] = None,
        new_key_deleted: bool = False,
        both_keys_remain: bool = False,
        still_marked_pending: bool = False,
        cleanup_error: Optional[BaseException] = None,
        maybe_created: bool = False,
        secrets: Sequence[str] = (),
    ) -> None:
        self.step = step
        self.old_key_id = old_key_id
        self.new_key_id = new_key_id
        self.new_key_deleted = new_key_deleted
        self.both_keys_remain = both_keys_remain
        self.still_marked_pending = still_marked_pending
        self.cleanup_error = cleanup_error
        message = f"rotation of API key {old_key_id} failed at step '{step.value}': {_one_line(cause)}"
        if both_keys_remain and still_marked_pending:
            message += (
                f"; the replacement {new_key_id} was handed over and both keys remain, but {new_key_id} is"
                f" still marked pending (marking it failed too), so a re-run would delete it and make another:"
                f" delete {old_key_id} by hand once nothing uses it"
            )
        elif both_keys_remain:
            message += (
                f"; the replacement {new_key_id} was handed over and both keys remain:"
                f" delete {old_key_id} once nothing uses it (a re-run does just that)"
            )
        elif new_key_deleted:
            message += f"; the replacement {new_key_id} was deleted again, {old_key_id} is unchanged"
        elif new_key_id is not None:
            message += (
                f"; the replacement {new_key_id} could not be deleted ({_one_line(cleanup_error)}):"
                " it is marked pending and the next run deletes it"
            )
        elif maybe_created:
            message += (
                f"; no replacement is listed, but the answer was lost and the service may still make one:"
                f" if it does, it is marked pending and the next run deletes it; {old_key_id} is unchanged"
            )
        elif cleanup_error is not None:
            message += (
                f"; whether the service made a replacement anyway could not be checked ({_one_line(cleanup_error)}):"
                " if it did, it is marked pending and the next run deletes it"
            )
        else:
            message += f"; no replacement exists, {old_key_id} is unchanged"
        for secret in secrets:  # the caller's own error text may quote the secret it was handed
            if secret:
                message = message.replace(secret, "<redacted>")
        super().__init__(message)


def _one_line(error: Optional[BaseException]) -> str:
    if error is None:
        return "unknown error"
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text and text[0] else type(error).__name__


@dataclass(frozen=True)
class RotationResult:
    """What happened to one key: ``outcome``, the replacement's id, the steps done."""

    old_key_id: str
    outcome: Outcome
    new_key_id: Optional[str] = None
    steps: Tuple[RotationStep, ...] = ()
    plan: Optional[RotationPlan] = None
    usability: Optional[Usability] = None
    error: Optional[RotationError] = None
    warnings: Tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.outcome is not Outcome.FAILED


def failed(old_key_id: str, error: Exception) -> RotationResult:
    """A batch's result for a key whose rotation raised ``error`` (kept, not raised)."""
    if isinstance(error, RotationError):
        return RotationResult(old_key_id, Outcome.FAILED, new_key_id=error.new_key_id, error=error)
    return RotationResult(old_key_id, Outcome.FAILED, error=RotationError(RotationStep.LOOKUP, old_key_id, error))


def check_old_key_id(old_key_id: object) -> None:
    if not isinstance(old_key_id, str) or not old_key_id:
        raise ApiValueError("parameter 'old_key_id' must be a non-empty string")


def scope_of(old: IamV2ApiKey) -> Tuple[Optional[str], Optional[str]]:
    """The owner and resource ids a replacement of ``old`` shares (the list filters that
    find an earlier, interrupted rotation's replacement)."""
    resource = old.spec.resource if old.spec is not None else None
    return owner_of(old), resource.id if resource is not None else None


def check_handover(handover: object) -> None:
    if not callable(handover):
        raise ApiValueError("parameter 'handover' must be a callable taking (new_key_id, secret)")


def check_workers(max_workers: object) -> None:
    if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
        raise ApiValueError(f"parameter 'max_workers' must be an int >= 1, got {max_workers!r}")


Selected = List[Tuple[IamV2ApiKey, List[IamV2ApiKey]]]
"""Keys a batch takes, each with the replacements an earlier run left for it."""


@dataclass(frozen=True)
class KeySelection:
    """Which keys a batch rotation takes: all of the given criteria must hold.

    ``owner`` and ``resource`` are sent as list filters; ``older_than`` compares with
    ``metadata.created_at`` (keys without one are skipped); ``predicate`` sees each key.
    A selection without criteria is refused unless ``all_keys=True`` says that every key
    the caller may list is meant: a forgotten argument must not rotate a whole organization.
    """

    owner: Optional[str] = None
    resource: Optional[str] = None
    older_than: Optional[dt.timedelta] = None
    predicate: Optional[Callable[[IamV2ApiKey], bool]] = None
    all_keys: bool = False

    def __post_init__(self) -> None:
        check_selection(self)

    @property
    def has_criteria(self) -> bool:
        return any(c is not None for c in (self.owner, self.resource, self.older_than, self.predicate))

    def matches(self, key: IamV2ApiKey, now: dt.datetime) -> bool:
        if self.older_than is not None:
            age = key_age(key, now)
            if age is None or age <= self.older_than:
                return False
        return self.predicate is None or bool(self.predicate(key))


def check_selection(selection: object) -> None:
    """Refuse what is not a :class:`KeySelection`, an empty one not marked ``all_keys=True``,
    and ``all_keys=True`` together with criteria (which would not take all keys)."""
    if not isinstance(selection, KeySelection):
        raise ApiValueError(f"parameter 'selection' must be a KeySelection, got {type(selection).__name__}")
    if selection.all_keys is not True and selection.all_keys is not False:
        raise ApiValueError(f"KeySelection 'all_keys' must be a bool, got {selection.all_keys!r}")
    if selection.all_keys and selection.has_criteria:
        raise ApiValueError(
            "KeySelection(all_keys=True) takes every key; it cannot be combined with "
            "'owner', 'resource', 'older_than' or 'predicate'"
        )
    if not selection.all_keys and not selection.has_criteria:
        raise ApiValueError(
            "KeySelection() without criteria would rotate every API key the caller can list: "
            "give 'owner', 'resource', 'older_than' or 'predicate', or pass all_keys=True to mean every key"
        )


def select(keys: Sequence[IamV2ApiKey], selection: KeySelection, now: dt.datetime) -> Selected:
    """The selected keys, each with the replacements found for it, oldest first.

    A key that is itself an unfinished replacement (its old key is still listed) is not
    selected: its rotation is already under way.
    """
    listed = {key.id for key in keys}
    by_old: Dict[str, List[IamV2ApiKey]] = {}
    for key in keys:
        read = read_marker(key.spec.description if key.spec is not None else None)
        if read is not None:
            by_old.setdefault(read[0], []).append(key)
    chosen = []
    for key in keys:
        if key.id is None:
            continue
        read = read_marker(key.spec.description if key.spec is not None else None)
        if read is not None and read[0] in listed:
            continue
        if selection.matches(key, now):
            chosen.append((key, by_old.get(key.id, [])))
    epoch = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    chosen.sort(key=lambda pair: (pair[0].metadata.created_at if pair[0].metadata else None) or epoch)
    return chosen


def signing_key_ids(credentials: Iterable[object]) -> FrozenSet[str]:
    """The ids of the API keys among a client's credential providers (what it signs with)."""
    return frozenset(p.key for p in credentials if isinstance(p, (CloudApiKey, GlobalApiKey)))


def own_keys_last(chosen: Selected, own_key_ids: FrozenSet[str]) -> Tuple[Selected, Selected]:
    """``chosen`` split in two: the other keys, then the keys the client itself signs with.

    A batch rotates the client's own key after every other rotation has finished: once it
    is deleted, the client's calls fail (unless the handover updated its configuration),
    which would break the rotations still running.
    """
    others = [pair for pair in chosen if pair[0].id not in own_key_ids]
    own = [pair for pair in chosen if pair[0].id in own_key_ids]
    return others, own


@dataclass(frozen=True)
class RotationSummary:
    """A batch's per-key results and counts."""

    results: Tuple[RotationResult, ...]
    seconds: float
    counts: Mapping[Outcome, int] = field(default_factory=dict)

    @classmethod
    def of(cls, results: Sequence[RotationResult], seconds: float) -> RotationSummary:
        counts = {outcome: sum(1 for r in results if r.outcome is outcome) for outcome in Outcome}
        return cls(tuple(results), seconds, counts)

    @property
    def failed(self) -> Tuple[RotationResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    @property
    def ok(self) -> bool:
        return not self.failed

    def __str__(self) -> str:
        parts = [f"{self.counts.get(o, 0)} {o.value}" for o in Outcome if self.counts.get(o, 0)]
        return f"{len(self.results)} key(s) in {self.seconds:.1f}s: " + (", ".join(parts) or "nothing to do")


# -- the rotation as a sans-I/O flow ---------------------------------------------------
#
# ``rotation_flow`` yields what it needs done (an effect) and is sent back the answer, or
# has the driver's exception thrown into it. The sync driver performs effects with the
# blocking client; an async driver performs the same effects with ``await``. The order of
# the steps, the clean-up rules and the results are decided here, once.


@dataclass(frozen=True)
class DeleteKey:
    """Delete ``key_id``; a 404 counts as done. Answer: ``None``."""

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
    """Call the caller's handover. Answer: ``None``."""

    key_id: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class Describe:
    """Set ``key_id``'s description (the marker's new state). Answer: ``None``."""

    key_id: str
    description: str


@dataclass(frozen=True)
class FindReplacements:
    """List the keys of ``owner_id`` (on ``resource_id``) marked as replacing ``old_key_id``.
    Answer: a list of :class:`IamV2ApiKey`."""

    old_key_id: str
    owner_id: str
    resource_id: Optional[str]


Effect = Union[DeleteKey, CreateKey, WaitUsable, HandOver, Describe, FindReplacements]
RotationFlow = Generator[Effect, Any, RotationResult]


def rotation_flow(plan: RotationPlan, *, dry_run: bool = False) -> RotationFlow:
    """The rotation ``plan`` as a sequence of effects; returns the :class:`RotationResult`.

    Raises :class:`RotationError` for a failed step (exceptions thrown in by the driver are
    its cause), after cleaning up what the rules say.
    """
    old_id = plan.old_key_id
    if dry_run:
        for action in plan.actions:
            logger.info("rotation of %s (dry run): would %s", old_id, action)
        return RotationResult(old_id, Outcome.PLANNED, new_key_id=plan.resume_with, plan=plan)
    if plan.resume_with is not None:
        logger.info("rotation of %s: resuming, %s was handed over already", old_id, plan.resume_with)
        yield from _delete_old(old_id, plan.resume_with)
        return RotationResult(
            old_id, Outcome.RESUMED, new_key_id=plan.resume_with, steps=(RotationStep.DELETE_OLD,), plan=plan
        )
    steps: List[RotationStep] = []
    for stale in plan.stale:
        logger.info("rotation of %s: %s %s", old_id, RotationStep.DISCARD_STALE.value, stale)
        try:
            yield DeleteKey(stale)
        except Exception as exc:
            raise RotationError(RotationStep.DISCARD_STALE, old_id, exc, new_key_id=stale) from exc
        steps.append(RotationStep.DISCARD_STALE)

    logger.info("rotation of %s: %s", old_id, RotationStep.CREATE.value)
    try:
        created: IamV2ApiKey = yield CreateKey(plan.create_request())
        if created.id is None or created.spec is None or created.spec.secret is None:
            raise ApiValueError("the create answer carries no id or secret")
        new_id, secret = created.id, created.spec.secret.get_secret_value()
    except Exception as exc:
        error = yield from _after_failed_create(plan, exc)
        raise error from exc
    steps.append(RotationStep.CREATE)
    logger.info("rotation of %s: created %s; %s", old_id, new_id, RotationStep.WAIT.value)

    step = RotationStep.WAIT
    try:
        usability: Usability = yield WaitUsable(created)
        steps.append(step)
        step = RotationStep.HANDOVER
        logger.info("rotation of %s: %s %s", old_id, step.value, new_id)
        yield HandOver(new_id, secret)
        steps.append(step)
    except Exception as exc:
        logger.info("rotation of %s: step '%s' failed; deleting the replacement %s", old_id, step.value, new_id)
        try:
            yield DeleteKey(new_id)
        except Exception as cleanup:
            raise RotationError(step, old_id, exc, new_key_id=new_id, cleanup_error=cleanup, secrets=(secret,)) from exc
        raise RotationError(step, old_id, exc, new_key_id=new_id, new_key_deleted=True, secrets=(secret,)) from exc

    warnings = []
    logger.info("rotation of %s: %s %s", old_id, RotationStep.MARK.value, new_id)
    marked = False
    try:
        yield Describe(new_id, replacement_description(old_id, plan.description, MarkerState.HANDED_OVER))
        steps.append(RotationStep.MARK)
        marked = True
    except Exception as exc:
        # The secret is out: finishing the rotation is safer than stopping here.
        logger.warning("rotation of %s: could not mark %s as handed over (%s)", old_id, new_id, type(exc).__name__)
        warnings.append(
            f"{new_id} was handed over but is still marked '{MarkerState.PENDING.value}' in its description"
        )
    yield from _delete_old(old_id, new_id, still_marked_pending=not marked)
    steps.append(RotationStep.DELETE_OLD)
    logger.info("rotation of %s: done, replaced by %s", old_id, new_id)
    return RotationResult(
        old_id,
        Outcome.ROTATED,
        new_key_id=new_id,
        steps=tuple(steps),
        plan=plan,
        usability=usability,
        warnings=tuple(warnings),
    )


def _delete_old(old_id: str, new_id: str, *, still_marked_pending: bool = False) -> Generator[Effect, Any, None]:
    logger.info("rotation of %s: %s", old_id, RotationStep.DELETE_OLD.value)
    try:
        yield DeleteKey(old_id)
    except Exception as exc:
        raise RotationError(
            RotationStep.DELETE_OLD,
            old_id,
            exc,
            new_key_id=new_id,
            both_keys_remain=True,
            still_marked_pending=still_marked_pending,
        ) from exc


def _after_failed_create(plan: RotationPlan, cause: Exception) -> Generator[Effect, Any, RotationError]:
    """A create that failed may still have made the key (the answer was lost): find it by
    its marker and delete it, so no key with an unknown secret is left behind. Returns the
    error to raise."""
    made: List[IamV2ApiKey] = []
    try:
        made = yield FindReplacements(plan.old_key_id, plan.owner_id, plan.resource.id if plan.resource else None)
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
