"""What a rotation reports (pure, no I/O): its steps, outcomes, errors and results, and the
checks of a driver's arguments."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Sequence, Tuple

from openapi_client.exceptions import ApiValueError, OpenApiException
from openapi_client.workflows._claims import MarkerState
from openapi_client.workflows.usability import Usability

if TYPE_CHECKING:
    from openapi_client.workflows.rotation import RotationPlan

__all__ = ["Outcome", "RotationError", "RotationResult", "RotationStep"]


class RotationStep(str, enum.Enum):
    """The steps of a rotation, named as errors and logs show them."""

    LOOKUP = "look up the old key"
    CLAIM = "claim the old key"
    RECHECK = "re-check the claim"
    DISCARD_STALE = "delete a replacement an interrupted run left pending"
    CREATE = "create the replacement"
    WAIT = "wait until the replacement is usable"
    PREPARE_HANDOVER = "mark the replacement as being handed over"
    HANDOVER = "hand the replacement over"
    MARK = "mark the replacement as handed over"
    DISCARD_OLDER = "delete an older replacement once a newer one is handed over"
    DELETE_OLD = "delete the old key"


class Outcome(str, enum.Enum):
    ROTATED = "rotated"
    RESUMED = "resumed"  # an earlier run had handed the replacement over; only the deletes were left
    SKIPPED = "skipped"  # another run holds a live claim on the key (or won it): nothing was changed
    GONE = "gone"  # batch only: the key no longer exists (another run rotated or deleted it)
    PLANNED = "planned"  # dry run: nothing changed
    FAILED = "failed"


class RotationError(OpenApiException):
    """A rotation failed at ``step``; says which keys exist now.

    The new key's secret never appears in the message, even when the failing code's own
    error text quoted it (it is replaced by ``<redacted>``).

    ``new_key_deleted``: the replacement was created and deleted again (failure before the
    handover). ``both_keys_remain``: the replacement was (or may have been) handed over but
    the old key could not be deleted; it still works until a re-run deletes it.
    ``still_marked_pending``: on top of that, marking the replacement as handed over failed,
    so it is still marked ``handing over``: a re-run treats it as possibly in use (never as
    abandoned), hands over a newer replacement and then deletes both. The original error is
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
                f"; the replacement {new_key_id} was handed over and both keys remain, but marking it failed, so"
                f" it is still marked '{MarkerState.HANDING_OVER.value}': a re-run hands over a newer replacement,"
                f" then deletes {new_key_id} and {old_key_id}"
            )
        elif both_keys_remain:
            message += (
                f"; the replacement {new_key_id} was handed over and both keys remain:"
                f" a re-run deletes {old_key_id} (nothing else)"
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


class ClaimLost(OpenApiException):
    """The cause of a :class:`RotationError` at :attr:`RotationStep.RECHECK`: the run no
    longer holds its claim (another run's lease is on the key, or its own ran out)."""


def _one_line(error: Optional[BaseException]) -> str:
    if error is None:
        return "unknown error"
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text and text[0] else type(error).__name__


@dataclass(frozen=True)
class RotationResult:
    """What happened to one key: ``outcome``, the replacement's id, the steps done.

    ``reason`` says why a key was skipped (whose claim, until when) or is gone;
    ``run_id`` is the run that produced the result. ``contended``: skipped because two runs
    claimed the key at the same time (the winner may still give its claim up): a batch
    tries such a key once more after all the others.
    """

    old_key_id: str
    outcome: Outcome
    new_key_id: Optional[str] = None
    steps: Tuple[RotationStep, ...] = ()
    plan: Optional[RotationPlan] = None
    usability: Optional[Usability] = None
    error: Optional[RotationError] = None
    warnings: Tuple[str, ...] = ()
    reason: Optional[str] = None
    run_id: Optional[str] = None
    contended: bool = False

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


def check_workers(max_workers: object) -> None:
    if isinstance(max_workers, bool) or not isinstance(max_workers, int) or max_workers < 1:
        raise ApiValueError(f"parameter 'max_workers' must be an int >= 1, got {max_workers!r}")
