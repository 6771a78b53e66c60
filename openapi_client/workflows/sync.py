"""The blocking drivers of the workflows: the only part here that does I/O.

Each function runs the pure logic of :mod:`.usability`, :mod:`.rotation` and
:mod:`.grants` over a sync :class:`~openapi_client.ApiClient`; an async twin drives the
same logic with ``await`` and ``asyncio.sleep``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, List, Mapping, Optional, Sequence

from openapi_client.api.byok_keys_api import ByokKeysApi
from openapi_client.api.iam_api_keys_api import IamApiKeysApi
from openapi_client.api_client import ApiClient
from openapi_client.api_key_kinds import ApiKeyKind
from openapi_client.exceptions import (
    ApiException,
    NotFoundException,
    WaiterTimeoutError,
)
from openapi_client.models.iam_v2_api_key import IamV2ApiKey
from openapi_client.models.iam_v2_api_key_spec_update import IamV2ApiKeySpecUpdate
from openapi_client.models.iam_v2_api_key_update import IamV2ApiKeyUpdate
from openapi_client.models.responses import ByokV1KeyRead
from openapi_client.workflows.ages import utc_now
from openapi_client.workflows.grants import ByokAccessPendingError
from openapi_client.workflows.rotation import (
    CreateKey,
    DeleteKey,
    Describe,
    Effect,
    HandOver,
    Handover,
    KeySelection,
    RotationError,
    RotationPlan,
    RotationResult,
    RotationStep,
    RotationSummary,
    WaitUsable,
    check_handover,
    check_old_key_id,
    check_selection,
    check_workers,
    failed,
    own_keys_last,
    plan_rotation,
    replacements_of,
    rotation_flow,
    scope_of,
    select,
    signing_key_ids,
)
from openapi_client.workflows.usability import (
    Probe,
    Strategy,
    Usability,
    UsabilityOptions,
    UsabilityTracker,
    accepted,
    own_credentials,
    plan_usability,
)

__all__ = ["Progress", "rotate_api_key", "rotate_api_keys", "wait_for_byok_access", "wait_until_usable"]

logger = logging.getLogger("openapi_client.workflows")

Progress = Callable[[int, int, RotationResult], None]
"""Called after each key of a batch: ``(done, total, result)``; from worker threads, serialized."""


# -- usability --------------------------------------------------------------------------


def _answered(call: Callable[[], object]) -> bool:
    """Whether a request made with the new key's credentials got past authentication."""
    try:
        call()
    except ApiException as exc:
        if exc.status is None:
            raise
        return accepted(exc.status)
    return True


def wait_until_usable(
    api_client: ApiClient,
    key: IamV2ApiKey,
    *,
    probe: Optional[Probe] = None,
    options: Optional[UsabilityOptions] = None,
    timeout: Optional[float] = None,
    poll_interval: Optional[float] = None,
    consecutive_successes: Optional[int] = None,
    enabled: Optional[bool] = None,
    settle_delays: Optional[Mapping[ApiKeyKind, float]] = None,
) -> Usability:
    """Wait until the just created ``key`` (the create call's answer, secret included) works.

    Cloud and Global keys are checked with their own credentials (a 401 means not yet);
    other kinds use ``probe(key_id, secret) -> bool`` when given, else wait until readable
    and then the settle delay for their kind. The keyword options override ``options``
    (a :class:`UsabilityOptions`). Raises :class:`KeyNotUsableError` on timeout. A probe
    answers "not yet" by returning False; an exception it raises ends the wait (it is a
    failure, not a "not yet"); so does a connection error that outlasted the client's retries.
    """
    check_plan = plan_usability(
        key,
        has_probe=probe is not None,
        options=options,
        overrides={
            "timeout": timeout,
            "poll_interval": poll_interval,
            "consecutive_successes": consecutive_successes,
            "enabled": enabled,
            "settle_delays": settle_delays,
        },
    )
    key_id, secret, kind, strategy, settings = (
        check_plan.key_id,
        check_plan.secret,
        check_plan.kind,
        check_plan.strategy,
        check_plan.options,
    )
    tracker = UsabilityTracker(key_id, strategy, settings, time.monotonic())
    if strategy is Strategy.DISABLED:
        return tracker.result(time.monotonic())
    iam = IamApiKeysApi(api_client)
    if strategy is Strategy.SETTLE_DELAY:
        iam.wait_for_iam_v2_api_key(key_id, timeout=settings.timeout, poll_interval=settings.poll_interval)
        tracker.record(True)
        delay = settings.settle_delay(kind)
        logger.info("API key %s (%s) is readable; settling %.1fs, as nothing can probe it", key_id, kind.value, delay)
        time.sleep(delay)
        return tracker.result(time.monotonic())
    auth = own_credentials(key_id, secret)
    check: Callable[[], bool]
    if strategy is Strategy.CALLER_PROBE:
        assert probe is not None
        caller_probe = probe

        def check() -> bool:
            return bool(caller_probe(key_id, secret))

    elif strategy is Strategy.BYOK_API_PROBE:
        byok = ByokKeysApi(api_client)

        def check() -> bool:
            return _answered(lambda: byok.list_byok_v1_keys(page_size=1, _request_auth=auth))

    else:

        def check() -> bool:
            return _answered(lambda: iam.get_iam_v2_api_key(key_id, _request_auth=auth))

    while True:
        tracker.record(check())
        if tracker.usable:
            usability = tracker.result(time.monotonic())
            logger.info("API key %s is usable (%d probe(s), %.1fs)", key_id, usability.probes, usability.seconds)
            return usability
        time.sleep(tracker.pause(time.monotonic()))


# -- BYOK access -----------------------------------------------------------------------


def wait_for_byok_access(
    api_client: ApiClient, key_id: str, *, timeout: float = 300.0, poll_interval: float = 5.0
) -> ByokV1KeyRead:
    """Wait until BYOK key ``key_id`` is VALID, and return it.

    When the time runs out while validation is still pending, raises
    :class:`ByokAccessPendingError` whose message and ``grant`` show the access still to
    apply; an INVALID key raises :class:`KeyValidationFailedError` at once.
    """
    byok = ByokKeysApi(api_client)
    try:
        return byok.wait_for_byok_v1_key(key_id, timeout=timeout, poll_interval=poll_interval)
    except WaiterTimeoutError as timed_out:
        raise ByokAccessPendingError.for_key(byok.get_byok_v1_key(key_id), timeout) from timed_out


# -- rotation --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Rotation:
    """What performing a rotation's effects needs: shared by single and batch runs."""

    handover: Handover
    probe: Optional[Probe]
    usability: UsabilityOptions
    dry_run: bool


def _list_candidates(iam: IamApiKeysApi, owner: Optional[str], resource: Optional[str]) -> List[IamV2ApiKey]:
    return list(iam.iter_iam_v2_api_keys(spec_owner=owner, spec_resource=resource, page_size=100))


def rotate_api_key(
    api_client: ApiClient,
    old_key_id: str,
    *,
    handover: Handover,
    display_name: Optional[str] = None,
    description: Optional[str] = None,
    probe: Optional[Probe] = None,
    usability: Optional[UsabilityOptions] = None,
    dry_run: bool = False,
) -> RotationResult:
    """Replace API key ``old_key_id`` by a new one with the same owner and resource.

    Creates the replacement, waits until it is usable (see :func:`wait_until_usable`;
    ``probe`` and ``usability`` are passed on), calls ``handover(new_key_id, secret)``,
    then deletes the old key. A failure raises :class:`RotationError` naming the step;
    before the handover the new key is deleted again, after it both keys remain. A re-run
    after a crash finishes the earlier rotation instead of starting a second one.
    ``dry_run=True`` changes nothing and returns the plan (``result.plan.actions``).
    """
    check_old_key_id(old_key_id)
    check_handover(handover)
    iam = IamApiKeysApi(api_client)
    settings = _Rotation(handover, probe, usability or UsabilityOptions(), dry_run)
    logger.info("rotation of %s: %s", old_key_id, RotationStep.LOOKUP.value)
    try:
        old = iam.get_iam_v2_api_key(old_key_id)
        owner, resource = scope_of(old)
        # Without an owner no replacement can be made (plan_rotation says so): list nothing.
        found = replacements_of(old_key_id, _list_candidates(iam, owner, resource)) if owner else []
        plan = plan_rotation(old, found, display_name=display_name, description=description)
    except Exception as exc:
        raise RotationError(RotationStep.LOOKUP, old_key_id, exc) from exc
    return _run(iam, api_client, plan, settings)


def _run(iam: IamApiKeysApi, api_client: ApiClient, plan: RotationPlan, settings: _Rotation) -> RotationResult:
    """Drive :func:`rotation_flow`: perform each effect it yields, send back the answer
    or throw in the error."""
    flow = rotation_flow(plan, dry_run=settings.dry_run)
    try:
        effect = next(flow)
        while True:
            try:
                answer = _perform(iam, api_client, settings, effect)
            except Exception as exc:
                effect = flow.throw(exc)
            else:
                effect = flow.send(answer)
    except StopIteration as finished:
        result: RotationResult = finished.value
        return result


def _perform(iam: IamApiKeysApi, api_client: ApiClient, settings: _Rotation, effect: Effect) -> Any:
    if isinstance(effect, DeleteKey):
        with contextlib.suppress(NotFoundException):
            iam.delete_iam_v2_api_key(effect.key_id)
        return None
    if isinstance(effect, CreateKey):
        return iam.create_iam_v2_api_key(effect.request)
    if isinstance(effect, WaitUsable):
        return wait_until_usable(api_client, effect.created, probe=settings.probe, options=settings.usability)
    if isinstance(effect, HandOver):
        settings.handover(effect.key_id, effect.secret)
        return None
    if isinstance(effect, Describe):
        update = IamV2ApiKeyUpdate(spec=IamV2ApiKeySpecUpdate(description=effect.description))
        iam.update_iam_v2_api_key(effect.key_id, update)
        return None
    return replacements_of(effect.old_key_id, _list_candidates(iam, effect.owner_id, effect.resource_id))


def rotate_api_keys(
    api_client: ApiClient,
    selection: KeySelection,
    *,
    handover: Handover,
    max_workers: int = 4,
    display_name: Optional[str] = None,
    description: Optional[str] = None,
    probe: Optional[Probe] = None,
    usability: Optional[UsabilityOptions] = None,
    dry_run: bool = False,
    progress: Optional[Progress] = None,
) -> RotationSummary:
    """Rotate every key ``selection`` picks, ``max_workers`` at a time; never raises per key.

    The listing is read once (filtered by owner and resource on the service); each key's
    rotation is :func:`rotate_api_key`'s, its error kept in its result. ``handover`` is
    called from worker threads and must be thread-safe. The client's pacing on
    ``X-RateLimit-*`` and its 429 retries are shared by all workers. A selected key the
    client itself signs with is rotated last, after all the others.
    """
    check_selection(selection)
    check_handover(handover)
    check_workers(max_workers)
    started = time.monotonic()
    iam = IamApiKeysApi(api_client)
    settings = _Rotation(handover, probe, usability or UsabilityOptions(), dry_run)
    chosen = select(_list_candidates(iam, selection.owner, selection.resource), selection, utc_now())
    logger.info("batch rotation: %d key(s) selected%s", len(chosen), " (dry run)" if dry_run else "")
    lock = threading.Lock()
    done: List[RotationResult] = []

    def one(old: IamV2ApiKey, found: Sequence[IamV2ApiKey]) -> RotationResult:
        try:
            plan = plan_rotation(old, found, display_name=display_name, description=description)
            result = _run(iam, api_client, plan, settings)
        except Exception as exc:
            result = failed(old.id or "", exc)
        with lock:
            done.append(result)
            if progress is not None:
                try:
                    progress(len(done), len(chosen), result)
                except Exception:
                    # A broken progress display must not abandon rotations half way.
                    logger.warning("batch rotation: the progress callback failed", exc_info=True)
        return result

    others, own = own_keys_last(chosen, signing_key_ids(api_client.configuration.credentials))
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="rotate") as pool:
        results = list(pool.map(lambda pair: one(*pair), others))
    results += [one(*pair) for pair in own]
    summary = RotationSummary.of(results, time.monotonic() - started)
    logger.info("batch rotation: %s", summary)
    return summary
