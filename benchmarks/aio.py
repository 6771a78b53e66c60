"""6. The asyncio client: 1,000 GETs of one API key at concurrency 32, and ``async for`` memory.

Three ways to make the same 1,000 calls against the canned server (another process, so
``time.process_time`` counts only this process):

* ``aio``: 32 tasks sharing one ``openapi_client.aio.ApiClient``;
* ``sync``: 32 threads sharing one ``openapi_client.ApiClient``;
* floor: 32 tasks on one raw ``aiohttp.ClientSession``, ``json.loads`` and the minimal
  pydantic model of an API key (``benchmarks/floor_models.py``), same headers;
* transport alone (information): ``aio.ApiClient.call_api`` of one request built once,
  decoded as the floor decodes, to show what the async transport adds by itself.

Every pool holds up to 32 connections. Reported: client CPU per request (aio against the
floor, target <= 1.3x) and wall time for all 1,000 (aio against sync threads, target
<= 1x). Rounds alternate between the four; each keeps its best round. 15 rounds: the floor's
best round depends on how the event loop batches the answers, and fewer rounds leave the
ratio moving by ~0.15x from run to run.

Memory: 10,000 keys through ``async for key in api.iter_iam_v2_api_keys(page_size=100)``
against the emulator in a child process; peak growth against one decoded page, measured
the same way (target: about two pages, as for the sync iterator).
"""

from __future__ import annotations

import asyncio
import base64
import gc
import json
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from typing import Awaitable, Callable, Dict, List, Tuple

import aiohttp

from benchmarks import floor_models
from benchmarks.harness import Result, Settings
from benchmarks.loopback import API_KEY_ID, CannedServer
from benchmarks.pagination import PAGE_SIZE, TARGET_PAGES, EmulatorProcess
from openapi_client import ApiClient, Configuration, IamApiKeysApi, _descriptions as descriptions, aio

__all__ = ["run"]

CONCURRENCY = 32
CPU_TARGET = 1.3
WALL_TARGET = 1.0
USERNAME = "BENCHKEY"
PASSWORD = "bench-secret"

Timing = Tuple[float, float]  # (CPU seconds, wall seconds) for the whole batch


def _timed(batch: Callable[[], object]) -> Timing:
    """CPU and wall seconds of ``batch()``, garbage collector paused (as in ``harness.per_call``)."""
    gc.collect()
    gc.disable()
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        batch()
        return time.process_time() - cpu, time.perf_counter() - wall
    finally:
        gc.enable()


async def _timed_async(batch: Callable[[], Awaitable[object]]) -> Timing:
    """:func:`_timed` for a coroutine, inside the running loop."""
    gc.collect()
    gc.disable()
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        await batch()
        return time.process_time() - cpu, time.perf_counter() - wall
    finally:
        gc.enable()


async def _spread(calls: int, one: Callable[[], Awaitable[object]]) -> None:
    """``calls`` awaits of ``one()`` spread over CONCURRENCY tasks."""
    remaining = [calls]

    async def worker() -> None:
        while remaining[0] > 0:
            remaining[0] -= 1
            await one()

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))


def _aio_batch(config: Configuration, calls: int) -> Timing:
    async def main() -> Timing:
        async with aio.ApiClient(config) as client:
            api = aio.IamApiKeysApi(client)
            await _spread(CONCURRENCY, lambda: api.get_iam_v2_api_key(API_KEY_ID))  # connections up
            return await _timed_async(lambda: _spread(calls, lambda: api.get_iam_v2_api_key(API_KEY_ID)))

    return asyncio.run(main())


def _transport_batch(config: Configuration, calls: int) -> Timing:
    """The async transport alone: one request built once, sent ``calls`` times through
    ``call_api`` (retry plan, deadline, pacing, bounded read), decoded as the floor decodes."""

    async def main() -> Timing:
        async with aio.ApiClient(config) as client:
            request = client.prepare(descriptions.GET_IAM_V2_API_KEY, {}, path_params={"id": API_KEY_ID})

            async def get() -> floor_models.ApiKey:
                response = await client.call_api(*request)
                return floor_models.ApiKey.model_validate(json.loads(await response.read()))

            await _spread(CONCURRENCY, get)
            return await _timed_async(lambda: _spread(calls, get))

    return asyncio.run(main())


def _floor_batch(url: str, calls: int) -> Timing:
    token = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "Accept": "application/json", "User-Agent": "bench/1.0"}
    item = f"{url}/iam/v2/api-keys/{API_KEY_ID}"

    async def main() -> Timing:
        connector = aiohttp.TCPConnector(limit=CONCURRENCY)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def get() -> floor_models.ApiKey:
                async with session.get(item, headers=headers) as response:
                    return floor_models.ApiKey.model_validate(json.loads(await response.read()))

            await _spread(CONCURRENCY, get)
            return await _timed_async(lambda: _spread(calls, get))

    return asyncio.run(main())


def _sync_batch(config: Configuration, calls: int) -> Timing:
    with ApiClient(config) as client, ThreadPoolExecutor(CONCURRENCY) as threads:
        api = IamApiKeysApi(client)
        list(threads.map(lambda _: api.get_iam_v2_api_key(API_KEY_ID), range(CONCURRENCY)))
        return _timed(lambda: list(threads.map(lambda _: api.get_iam_v2_api_key(API_KEY_ID), range(calls))))


def _concurrency(settings: Settings) -> List[Result]:
    calls = 200 if settings.quick else 1_000
    rounds = settings.rounds(15)
    best: Dict[str, Timing] = {}
    with CannedServer() as server:
        config = Configuration(
            host=server.url, username=USERNAME, password=PASSWORD, connection_pool_maxsize=CONCURRENCY
        )
        runs: List[Tuple[str, Callable[[], Timing]]] = [
            ("aio", lambda: _aio_batch(config, calls)),
            ("sync", lambda: _sync_batch(config, calls)),
            ("floor", lambda: _floor_batch(server.url, calls)),
            ("transport", lambda: _transport_batch(config, calls)),
        ]
        for index in range(rounds):
            order = runs if index % 2 == 0 else list(reversed(runs))
            for name, batch in order:
                cpu, wall = batch()
                kept = best.get(name)
                best[name] = (min(cpu, kept[0]), min(wall, kept[1])) if kept else (cpu, wall)
    per_request = {name: cpu / calls * 1e6 for name, (cpu, _) in best.items()}
    wall_ms = {name: wall * 1e3 for name, (_, wall) in best.items()}
    label = f"{calls:,} GETs @ {CONCURRENCY}"
    return [
        Result("aio", f"{label}: CPU/request, aio vs floor", per_request["aio"], per_request["floor"], "µs CPU",
               CPU_TARGET, "floor: raw aiohttp + json.loads + minimal pydantic model"),
        Result("aio", f"{label}: wall, aio vs sync (32 threads)", wall_ms["aio"], wall_ms["sync"], "ms", WALL_TARGET),
        Result("aio", f"{label}: CPU/request, sync threads vs floor", per_request["sync"], per_request["floor"],
               "µs CPU", None),
        Result("aio", f"{label}: wall, floor vs sync (32 threads)", wall_ms["floor"], wall_ms["sync"], "ms", None),
        Result("aio", f"{label}: CPU/request, aio transport alone vs floor", per_request["transport"],
               per_request["floor"], "µs CPU", None, "call_api of a prebuilt request, decoded as the floor does"),
    ]  # fmt: skip


async def _measure_iteration(api: aio.IamApiKeysApi) -> Tuple[int, int, int]:
    """(bytes one decoded page keeps alive, peak growth while iterating everything, keys seen)."""
    # As in benchmarks/pagination.py: trace from before a first full pass, so pydantic-core's
    # bounded string cache is counted going out as well as in.
    tracemalloc.start()
    try:
        async for _ in api.iter_iam_v2_api_keys(page_size=PAGE_SIZE):
            pass
        before = tracemalloc.get_traced_memory()[0]
        page = await api.list_iam_v2_api_keys_with_http_info(page_size=PAGE_SIZE)
        page_bytes = tracemalloc.get_traced_memory()[0] - before
        del page
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        seen = 0
        async for key in api.iter_iam_v2_api_keys(page_size=PAGE_SIZE):
            seen += key.id is not None
        peak_growth = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()
    return page_bytes, peak_growth, seen


def _iteration(settings: Settings) -> Result:
    count = 2_000 if settings.quick else 10_000
    with EmulatorProcess(count) as emulator:
        config = Configuration(host=emulator.host, username=emulator.api_key, password=emulator.api_secret)

        async def main() -> Tuple[int, int, int]:
            async with aio.ApiClient(config) as client:
                return await _measure_iteration(aio.IamApiKeysApi(client))

        page_bytes, peak_growth, seen = asyncio.run(main())
    if seen != count:
        raise AssertionError(f"async for yielded {seen} keys, expected {count}")
    return Result(
        "aio",
        f"async for over {count:,} keys, peak growth (pages of {PAGE_SIZE})",
        peak_growth / 1024,
        page_bytes / 1024,
        "KiB",
        TARGET_PAGES,
        f"whole listing would be ~{count // PAGE_SIZE} pages",
    )


def run(settings: Settings) -> List[Result]:
    return [*_concurrency(settings), _iteration(settings)]
