"""The blocking drivers of the workflows: the only part here that does I/O.

Each function runs the pure logic of :mod:`.usability`, :mod:`.rotation` and
:mod:`.grants` over a sync :class:`~openapi_client.ApiClient`; an async twin drives the
same logic with ``await`` and ``asyncio.sleep``.
"""

from __future__ import annotations

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
from openapi_client.exceptions import ApiException, WaiterTimeoutError
from openapi_client.models.iam_v2_api_key import IamV2ApiKey
from openapi_client.models.iam_v2_api_key_spec_update import IamV2ApiKeySpecUpdate
from openapi_client.models.iam_v2_api_key_update import IamV2ApiKeyUpdate
from openapi_client.models.responses import ByokV1KeyRead, IamV2ApiKeyListItem
from openapi_client.workflows._claims import (
    LeaseOptions,
    check_lease_options,
    check_run_id,
    new_run_id,
)
from openapi_client.workflows._handover import (
    Handover,
    check_handover,
    handover_arguments,
)
from openapi_client.workflows._rotation_results import (
    RotationResult,
    check_old_key_id,
    check_workers,
    failed,
)
from openapi_client.workflows._selection import (
    KeySelection,
    RotationSummary,
    check_selection,
    own_keys_last,
    select,
    shuffled,
    signing_key_ids,
)
from openapi_client.workflows.ages import utc_now
from openapi_client.workflows.grants import ByokAccessPendingError
from openapi_client.workflows.rotation import (
    CreateKey,
    DeleteKey,
    Describe,
    Effect,
    HandOver,
    Pause,
    ReadKey,
    RotationRequest,
    WaitUsable,
    key_is_gone,
    replacements_of,
    rotation_flow,
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
    lease: LeaseOptions
    run_id: str


def _list_candidates(iam: IamApiKeysApi, owner: Optional[str], resource: Optional[str]) -> List[IamV2ApiKeyListItem]:
    return list(iam.iter_iam_v2_api_keys(spec_owner=owner, spec_resource=resource, page_size=100))


def _settings(
    handover: Handover,
    probe: Optional[Probe],
    usability: Optional[UsabilityOptions],
    dry_run: bool,
    lease: Optional[LeaseOptions],
    run_id: Optional[str],
) -> _Rotation:
    check_handover(handover)
    if lease is not None:
        check_lease_options(lease)
    if run_id is not None:
        check_run_id(run_id)
    return _Rotation(
        handover, probe, usability or UsabilityOptions(), dry_run, lease or LeaseOptions(), run_id or new_run_id()
    )


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
    lease: Optional[LeaseOptions] = None,
    run_id: Optional[str] = None,
) -> RotationResult:
    """Replace API key ``old_key_id`` by a new one with the same owner and resource.

    Claims the key (``lease``, a :class:`LeaseOptions`; another run's live claim means
    :attr:`Outcome.SKIPPED`), creates the replacement, waits until it is usable (see
    :func:`wait_until_usable`; ``probe`` and ``usability`` are passed on), hands it over
    (``handover(KeyHandover)``, or ``handover(new_key_id, secret)``), then deletes the old
    key. A failure raises :class:`RotationError` naming the step; before the handover the
    new key is deleted again, after it both keys remain. A re-run after a crash finishes
    the earlier rotation instead of starting a second one. ``run_id`` names this run in
    the claim and the markers (random by default; a restarted job may pass its own
    earlier id to take its claim back at once). ``dry_run=True`` changes nothing and
    returns the plan (``result.plan.actions``).
    """
    check_old_key_id(old_key_id)
    settings = _settings(handover, probe, usability, dry_run, lease, run_id)
    request = RotationRequest(
        old_key_id, settings.run_id, settings.lease, display_name=display_name, description=description
    )
    return _run(api_client, request, settings)


def _run(api_client: ApiClient, request: RotationRequest, settings: _Rotation) -> RotationResult:
    """Drive :func:`rotation_flow`: perform each effect it yields, send back the answer
    or throw in the error."""
    flow = rotation_flow(request, dry_run=settings.dry_run)
    performer = EffectPerformer(api_client, settings.handover, settings.probe, settings.usability)
    try:
        effect = next(flow)
        while True:
            try:
                answer = performer.perform(effect)
            except Exception as exc:
                effect = flow.throw(exc)
            else:
                effect = flow.send(answer)
    except StopIteration as finished:
        result: RotationResult = finished.value
        return result


class EffectPerformer:
    """Performs the effects of :func:`rotation_flow` with the blocking client (one at a
    time, on the calling thread)."""

    def __init__(
        self, api_client: ApiClient, handover: Handover, probe: Optional[Probe], usability: UsabilityOptions
    ) -> None:
        self.api_client = api_client
        self.iam = IamApiKeysApi(api_client)
        self.handover = handover
        self.probe = probe
        self.usability = usability

    def perform(self, effect: Effect) -> Any:
        if isinstance(effect, ReadKey):
            return self.iam.get_iam_v2_api_key(effect.key_id)
        if isinstance(effect, DeleteKey):
            try:
                self.iam.delete_iam_v2_api_key(effect.key_id)
            except ApiException as exc:
                if not key_is_gone(exc):
                    raise
            return None
        if isinstance(effect, CreateKey):
            return self.iam.create_iam_v2_api_key(effect.request)
        if isinstance(effect, WaitUsable):
            return wait_until_usable(self.api_client, effect.created, probe=self.probe, options=self.usability)
        if isinstance(effect, HandOver):
            self.handover(*handover_arguments(self.handover, effect.details))
            return None
        if isinstance(effect, Describe):
            update = IamV2ApiKeyUpdate(spec=IamV2ApiKeySpecUpdate(description=effect.description))
            self.iam.update_iam_v2_api_key(effect.key_id, update)
            return None
        if isinstance(effect, Pause):
            time.sleep(effect.seconds)
            return None
        candidates = _list_candidates(self.iam, effect.owner_id, effect.resource_id)
        return replacements_of(effect.old_key_id, candidates)


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
    lease: Optional[LeaseOptions] = None,
    run_id: Optional[str] = None,
) -> RotationSummary:
    """Rotate every key ``selection`` picks, ``max_workers`` at a time; never raises per key.

    The listing is read once (filtered by owner and resource on the service); each key's
    rotation is :func:`rotate_api_key`'s (one ``run_id`` for the whole batch), its error
    kept in its result. Keys are taken in a random order, so that overlapping runs mostly
    work on different keys; a key another run holds is :attr:`Outcome.SKIPPED`, one that
    is gone by the time it is claimed :attr:`Outcome.GONE`; a key lost in a race for its
    claim (``result.contended``) is tried once more after all the others. ``handover`` is called from
    worker threads and must be thread-safe. The client's pacing on ``X-RateLimit-*`` and
    its 429 retries are shared by all workers. A selected key the client itself signs with
    is rotated last, after all the others.
    """
    check_selection(selection)
    check_workers(max_workers)
    settings = _settings(handover, probe, usability, dry_run, lease, run_id)
    started = time.monotonic()
    iam = IamApiKeysApi(api_client)
    chosen = select(_list_candidates(iam, selection.owner, selection.resource), selection, utc_now())
    logger.info(
        "batch rotation (run %s): %d key(s) selected%s", settings.run_id, len(chosen), " (dry run)" if dry_run else ""
    )
    lock = threading.Lock()
    done: List[RotationResult] = []

    def one(old: IamV2ApiKeyListItem, found: Sequence[IamV2ApiKeyListItem], retry: bool = False) -> RotationResult:
        request = RotationRequest(
            old.id,
            settings.run_id,
            settings.lease,
            display_name=display_name,
            description=description,
            known_replacements=found,
            gone_is_ok=True,
        )
        try:
            result = _run(api_client, request, settings)
        except Exception as exc:
            result = failed(old.id, exc)
        if result.contended and not retry:
            return result  # reported once tried again
        with lock:
            done.append(result)
            if progress is not None:
                try:
                    progress(len(done), len(chosen), result)
                except Exception:
                    # A broken progress display must not abandon rotations half way.
                    logger.warning("batch rotation: the progress callback failed", exc_info=True)
        return result

    others, own = own_keys_last(shuffled(chosen), signing_key_ids(api_client.configuration.credentials))
    with ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="rotate") as pool:
        results = list(pool.map(lambda pair: one(*pair), others))
        # Two runs claimed these at the same time; the winner may have given up since.
        again = [pair for pair, result in zip(others, results) if result.contended]
        retried = dict(zip((old.id for old, _ in again), pool.map(lambda pair: one(pair[0], pair[1], True), again)))
    results = [retried.get(result.old_key_id, result) for result in results]
    results += [one(*pair) for pair in own]
    summary = RotationSummary.of(results, time.monotonic() - started)
    logger.info("batch rotation: %s", summary)
    return summary
