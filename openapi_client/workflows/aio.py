"""The asyncio drivers of the workflows, over :class:`openapi_client.aio.ApiClient`.

The same functions as :mod:`openapi_client.workflows.sync`, as coroutines, driving the
same pure logic (:func:`~openapi_client.workflows.usability.plan_usability` and
:class:`~openapi_client.workflows.usability.UsabilityTracker`,
:func:`~openapi_client.workflows.rotation.rotation_flow` and its effects, the selection,
results and errors). Only the I/O differs: ``await`` and ``asyncio.sleep``. ``probe``,
``handover`` and ``progress`` may be plain functions or coroutine functions. Needs the
``asyncio`` extra (aiohttp), like :mod:`openapi_client.aio`.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from typing import Any, Awaitable, Callable, List, Mapping, Optional, Sequence, Tuple, Union

from openapi_client.aio import ApiClient, ByokKeysApi, IamApiKeysApi
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
    KeyHandover,
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
    Strategy,
    Usability,
    UsabilityOptions,
    UsabilityTracker,
    accepted,
    own_credentials,
    plan_usability,
)

__all__ = ["rotate_api_key", "rotate_api_keys", "wait_for_byok_access", "wait_until_usable"]

logger = logging.getLogger("openapi_client.workflows")

AsyncProbe = Callable[[str, str], Union[bool, Awaitable[bool]]]
AsyncHandover = Union[
    Callable[[KeyHandover], Optional[Awaitable[None]]], Callable[[str, str], Optional[Awaitable[None]]]
]
"""A :data:`~openapi_client.workflows.rotation.Handover` that may also be a coroutine function."""
AsyncProgress = Callable[[int, int, RotationResult], Optional[Awaitable[None]]]


async def _call(function: Callable[..., Any], *args: Any) -> Any:
    result = function(*args)
    return await result if inspect.isawaitable(result) else result


async def _answered(call: Callable[[], Awaitable[object]]) -> bool:
    try:
        await call()
    except ApiException as exc:
        if exc.status is None:
            raise
        return accepted(exc.status)
    return True


async def wait_until_usable(
    api_client: ApiClient,
    key: IamV2ApiKey,
    *,
    probe: Optional[AsyncProbe] = None,
    options: Optional[UsabilityOptions] = None,
    timeout: Optional[float] = None,
    poll_interval: Optional[float] = None,
    consecutive_successes: Optional[int] = None,
    enabled: Optional[bool] = None,
    settle_delays: Optional[Mapping[ApiKeyKind, float]] = None,
) -> Usability:
    """:func:`openapi_client.workflows.sync.wait_until_usable`, awaited."""
    check = plan_usability(
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
    tracker = UsabilityTracker(check.key_id, check.strategy, check.options, time.monotonic())
    if check.strategy is Strategy.DISABLED:
        return tracker.result(time.monotonic())
    iam = IamApiKeysApi(api_client)
    if check.strategy is Strategy.SETTLE_DELAY:
        await iam.wait_for_iam_v2_api_key(
            check.key_id, timeout=check.options.timeout, poll_interval=check.options.poll_interval
        )
        tracker.record(True)
        delay = check.options.settle_delay(check.kind)
        logger.info(
            "API key %s (%s) is readable; settling %.1fs, as nothing can probe it",
            check.key_id,
            check.kind.value,
            delay,
        )
        await asyncio.sleep(delay)
        return tracker.result(time.monotonic())
    auth = own_credentials(check.key_id, check.secret)
    byok = ByokKeysApi(api_client)
    while True:
        if check.strategy is Strategy.CALLER_PROBE:
            assert probe is not None
            verdict = bool(await _call(probe, check.key_id, check.secret))
        elif check.strategy is Strategy.BYOK_API_PROBE:
            verdict = await _answered(lambda: byok.list_byok_v1_keys(page_size=1, _request_auth=auth))
        else:
            verdict = await _answered(lambda: iam.get_iam_v2_api_key(check.key_id, _request_auth=auth))
        tracker.record(verdict)
        if tracker.usable:
            usability = tracker.result(time.monotonic())
            logger.info("API key %s is usable (%d probe(s), %.1fs)", check.key_id, usability.probes, usability.seconds)
            return usability
        await asyncio.sleep(tracker.pause(time.monotonic()))


async def wait_for_byok_access(
    api_client: ApiClient, key_id: str, *, timeout: float = 300.0, poll_interval: float = 5.0
) -> ByokV1KeyRead:
    """:func:`openapi_client.workflows.sync.wait_for_byok_access`, awaited."""
    byok = ByokKeysApi(api_client)
    try:
        return await byok.wait_for_byok_v1_key(key_id, timeout=timeout, poll_interval=poll_interval)
    except WaiterTimeoutError as timed_out:
        raise ByokAccessPendingError.for_key(await byok.get_byok_v1_key(key_id), timeout) from timed_out


async def _list_candidates(
    iam: IamApiKeysApi, owner: Optional[str], resource: Optional[str]
) -> List[IamV2ApiKeyListItem]:
    return [key async for key in iam.iter_iam_v2_api_keys(spec_owner=owner, spec_resource=resource, page_size=100)]


def _checked(handover: AsyncHandover, lease: Optional[LeaseOptions], run_id: Optional[str]) -> Tuple[LeaseOptions, str]:
    check_handover(handover)
    if lease is not None:
        check_lease_options(lease)
    if run_id is not None:
        check_run_id(run_id)
    return lease or LeaseOptions(), run_id or new_run_id()


class EffectPerformer:
    """Performs a rotation's effects with the async client."""

    def __init__(
        self, api_client: ApiClient, handover: AsyncHandover, probe: Optional[AsyncProbe], usability: UsabilityOptions
    ) -> None:
        self.api_client = api_client
        self.iam = IamApiKeysApi(api_client)
        self.handover = handover
        self.probe = probe
        self.usability = usability

    async def perform(self, effect: Effect) -> Any:
        if isinstance(effect, ReadKey):
            return await self.iam.get_iam_v2_api_key(effect.key_id)
        if isinstance(effect, DeleteKey):
            try:
                await self.iam.delete_iam_v2_api_key(effect.key_id)
            except ApiException as exc:
                if not key_is_gone(exc):
                    raise
            return None
        if isinstance(effect, CreateKey):
            return await self.iam.create_iam_v2_api_key(effect.request)
        if isinstance(effect, WaitUsable):
            return await wait_until_usable(self.api_client, effect.created, probe=self.probe, options=self.usability)
        if isinstance(effect, HandOver):
            await _call(self.handover, *handover_arguments(self.handover, effect.details))
            return None
        if isinstance(effect, Describe):
            update = IamV2ApiKeyUpdate(spec=IamV2ApiKeySpecUpdate(description=effect.description))
            await self.iam.update_iam_v2_api_key(effect.key_id, update)
            return None
        if isinstance(effect, Pause):
            await asyncio.sleep(effect.seconds)
            return None
        candidates = await _list_candidates(self.iam, effect.owner_id, effect.resource_id)
        return replacements_of(effect.old_key_id, candidates)

    async def run(self, request: RotationRequest, dry_run: bool) -> RotationResult:
        flow = rotation_flow(request, dry_run=dry_run)
        try:
            effect = next(flow)
            while True:
                try:
                    answer = await self.perform(effect)
                except Exception as exc:
                    effect = flow.throw(exc)
                else:
                    effect = flow.send(answer)
        except StopIteration as finished:
            result: RotationResult = finished.value
            return result


async def rotate_api_key(
    api_client: ApiClient,
    old_key_id: str,
    *,
    handover: AsyncHandover,
    display_name: Optional[str] = None,
    description: Optional[str] = None,
    probe: Optional[AsyncProbe] = None,
    usability: Optional[UsabilityOptions] = None,
    dry_run: bool = False,
    lease: Optional[LeaseOptions] = None,
    run_id: Optional[str] = None,
) -> RotationResult:
    """:func:`openapi_client.workflows.sync.rotate_api_key`, awaited."""
    check_old_key_id(old_key_id)
    lease, run_id = _checked(handover, lease, run_id)
    request = RotationRequest(old_key_id, run_id, lease, display_name=display_name, description=description)
    performer = EffectPerformer(api_client, handover, probe, usability or UsabilityOptions())
    return await performer.run(request, dry_run)


async def rotate_api_keys(
    api_client: ApiClient,
    selection: KeySelection,
    *,
    handover: AsyncHandover,
    max_workers: int = 4,
    display_name: Optional[str] = None,
    description: Optional[str] = None,
    probe: Optional[AsyncProbe] = None,
    usability: Optional[UsabilityOptions] = None,
    dry_run: bool = False,
    progress: Optional[AsyncProgress] = None,
    lease: Optional[LeaseOptions] = None,
    run_id: Optional[str] = None,
) -> RotationSummary:
    """:func:`openapi_client.workflows.sync.rotate_api_keys`, awaited: ``max_workers`` rotations
    run as concurrent tasks on the one client."""
    check_selection(selection)
    check_workers(max_workers)
    lease, run_id = _checked(handover, lease, run_id)
    started = time.monotonic()
    iam = IamApiKeysApi(api_client)
    performer = EffectPerformer(api_client, handover, probe, usability or UsabilityOptions())
    chosen = select(await _list_candidates(iam, selection.owner, selection.resource), selection, utc_now())
    logger.info("batch rotation (run %s): %d key(s) selected%s", run_id, len(chosen), " (dry run)" if dry_run else "")
    slots = asyncio.Semaphore(max_workers)
    done: List[RotationResult] = []

    async def one(
        old: IamV2ApiKeyListItem, found: Sequence[IamV2ApiKeyListItem], retry: bool = False
    ) -> RotationResult:
        request = RotationRequest(
            old.id,
            run_id,
            lease,
            display_name=display_name,
            description=description,
            known_replacements=found,
            gone_is_ok=True,
        )
        async with slots:
            try:
                result = await performer.run(request, dry_run)
            except Exception as exc:
                result = failed(old.id, exc)
        if result.contended and not retry:
            return result  # reported once tried again
        done.append(result)
        if progress is not None:
            try:
                await _call(progress, len(done), len(chosen), result)
            except Exception:
                logger.warning("batch rotation: the progress callback failed", exc_info=True)
        return result

    others, own = own_keys_last(shuffled(chosen), signing_key_ids(api_client.configuration.credentials))
    results = list(await asyncio.gather(*(one(old, found) for old, found in others)))
    # Two runs claimed these at the same time; the winner may have given up since.
    again = [pair for pair, result in zip(others, results) if result.contended]
    retried = await asyncio.gather(*(one(old, found, retry=True) for old, found in again))
    by_key = {result.old_key_id: result for result in retried}
    results = [by_key.get(result.old_key_id, result) for result in results]
    results += [await one(old, found) for old, found in own]
    summary = RotationSummary.of(results, time.monotonic() - started)
    logger.info("batch rotation: %s", summary)
    return summary
